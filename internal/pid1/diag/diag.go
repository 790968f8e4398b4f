// Package diag owns what the init writes to stderr about itself: debug lines
// (-v, DUMB_INIT_DEBUG=1) and fatal messages, each prefixed "[dumb-init] " and
// written with a single write(2) so they never interleave mid-line with the
// child's output. It implements the two verbs the init needs (%d and %s)
// instead of importing fmt, which would add hundreds of kilobytes to a binary
// that ships in millions of images.
package diag

import (
	"io"
	"strconv"
	"syscall"
)

// Prefix starts every line the init writes about itself.
const Prefix = "[dumb-init] "

// Log writes diagnostic lines to W. Debug lines are written only when Debug
// is set.
type Log struct {
	W     io.Writer
	Debug bool
}

// Debugf writes a debug line when debugging is on. The format takes %d (an
// int or a signal), %s (a string or an error) and %%; the newline is added.
// Formats are checked by `go vet -printf.funcs=Debugf,Errorf,Sprintf` and
// by TestFormatCalls. No
// argument escapes, so a call with debugging off allocates nothing: the init
// logs on every signal and must not grow while it forwards a storm.
func (l *Log) Debugf(format string, args ...any) {
	if l != nil && l.Debug {
		l.write(Prefix + Sprintf(format, args...) + "\n")
	}
}

// Errorf writes a line that is always shown.
func (l *Log) Errorf(format string, args ...any) {
	if l != nil {
		l.write(Prefix + Sprintf(format, args...) + "\n")
	}
}

// Plain writes text as it is, without prefix or added newline.
func (l *Log) Plain(text string) {
	if l != nil {
		l.write(text)
	}
}

func (l *Log) write(s string) {
	if l.W != nil {
		_, _ = io.WriteString(l.W, s)
	}
}

// Sprintf formats with %d, %s and %%.
func Sprintf(format string, args ...any) string {
	out := make([]byte, 0, len(format)+16)
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			out = append(out, c)
			continue
		}
		i++
		switch format[i] {
		case '%':
			out = append(out, '%')
			continue
		case 'd', 's':
		default:
			out = append(out, '%', format[i])
			continue
		}
		if n >= len(args) {
			out = append(out, "%!(MISSING)"...)
			continue
		}
		out = appendValue(out, args[n])
		n++
	}
	return string(out)
}

func appendValue(out []byte, v any) []byte {
	switch x := v.(type) {
	case int:
		return strconv.AppendInt(out, int64(x), 10)
	case syscall.Signal:
		return strconv.AppendInt(out, int64(x), 10)
	case string:
		return append(out, x...)
	case error:
		return append(out, ErrorText(x)...)
	}
	return append(out, "%!(BADTYPE)"...)
}

// unwrapper is an error that wraps another (fmt.Errorf's %w, os.PathError).
type unwrapper interface{ Unwrap() error }

// Errno returns the errno an error carries, looking through wrapping errors,
// and EIO when it carries none. The init's error paths must never panic on
// an error of an unexpected type, so none asserts one.
func Errno(err error) syscall.Errno {
	for err != nil {
		if errno, ok := err.(syscall.Errno); ok {
			return errno
		}
		w, ok := err.(unwrapper)
		if !ok {
			break
		}
		err = w.Unwrap()
	}
	return syscall.EIO
}

// ErrorText is the text of err as the C library would write it: an errno
// anywhere in the chain as Strerror gives it, any other error as its own
// text.
func ErrorText(err error) string {
	for e := err; e != nil; {
		if errno, ok := e.(syscall.Errno); ok {
			return Strerror(errno)
		}
		w, ok := e.(unwrapper)
		if !ok {
			break
		}
		e = w.Unwrap()
	}
	if err == nil {
		return "%!(NIL)"
	}
	return err.Error()
}

// Strerror returns the C library's text for errno, e.g. "No such file or
// directory". Go's table is glibc's with the first letter lowered; raising it
// again gives the exact text scripts match on in "[dumb-init] cmd: text".
func Strerror(errno syscall.Errno) string {
	s := errno.Error()
	if len(s) > 1 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
