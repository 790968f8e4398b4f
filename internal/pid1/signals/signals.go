// Package signals owns signal numbers as the user writes them and the rewrite
// table: which signals the init can catch and forward, how "-r s:r" is parsed,
// and what a received signal becomes before it is forwarded.
package signals

import (
	"strconv"
	"syscall"
)

// MaxClassic is the highest standard (non-real-time) Linux signal; the
// original dumb-init accepts rewrites only between 1 and this.
const MaxClassic = 31

// NSig is one past the highest signal number on Linux.
const NSig = 65

// Forwardable lists, in increasing order, every signal the init catches and
// forwards: all standard and real-time signals except
//   - SIGKILL and SIGSTOP, which cannot be caught,
//   - SIGCHLD, which the init consumes to reap children,
//   - SIGPROF, which the Go runtime keeps for its profiler and never hands
//     to os/signal,
//   - 32, 33 and 34, which the Go runtime (and the C libraries) reserve for
//     thread cancellation, set*id broadcasts and musl's synccall.
func Forwardable() []syscall.Signal {
	out := make([]syscall.Signal, 0, NSig)
	for s := syscall.Signal(1); s < NSig; s++ {
		if catchable(s) {
			out = append(out, s)
		}
	}
	return out
}

// IsForwardable reports whether the init catches and forwards s.
func IsForwardable(s syscall.Signal) bool { return catchable(s) }

func catchable(s syscall.Signal) bool {
	switch s {
	case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGCHLD, syscall.SIGPROF, 32, 33, 34:
		return false
	}
	return s > 0 && s < NSig
}

// Table maps received signals to the signal forwarded instead. The zero value
// rewrites nothing.
type Table struct {
	to  [NSig]syscall.Signal
	set [NSig]bool
}

// Set makes from be forwarded as to; to == 0 drops from.
func (t *Table) Set(from, to syscall.Signal) {
	if from > 0 && from < NSig {
		t.to[from] = to
		t.set[from] = true
	}
}

// IsSet reports whether from has a rewrite.
func (t *Table) IsSet(from syscall.Signal) bool {
	return from > 0 && from < NSig && t.set[from]
}

// SetDefault rewrites from to to unless the user already rewrote from.
func (t *Table) SetDefault(from, to syscall.Signal) {
	if !t.IsSet(from) {
		t.Set(from, to)
	}
}

// Translate returns what sig is forwarded as (0: not at all) and whether a
// rewrite applied.
func (t *Table) Translate(sig syscall.Signal) (syscall.Signal, bool) {
	if t.IsSet(sig) {
		return t.to[sig], true
	}
	return sig, false
}

// RewriteError describes a malformed rewrite specification.
type RewriteError struct {
	Spec string
	// Why, when set, names the side that is wrong and the reason.
	Why string
}

func (e *RewriteError) Error() string {
	msg := "invalid rewrite '" + Printable(e.Spec) + "': "
	if e.Why != "" {
		return msg + e.Why
	}
	return msg + "expected FROM:TO, each a signal number or name (FROM a catchable signal, TO 0 to drop it)"
}

// Printable escapes control characters and backslashes as \xNN, so a
// message that quotes user input stays on one line, and shortens a long
// value (one pasted by mistake can be huge) to its start and its size.
func Printable(s string) string {
	const keep = 60
	if len(s) > keep+20 {
		return Printable(s[:keep]) + "...(" + strconv.Itoa(len(s)) + " bytes)"
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			const hex = "0123456789abcdef"
			out = append(out, '\\', 'x', hex[c>>4], hex[c&15])
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// ParseRewrite parses "s:r". Both sides take a number or a name (see
// Parse). The original's range, 1 <= s <= 31 and 0 <= r <= 31, always
// works; beyond it the real-time signals 35..64 are accepted on both sides.
// r = 0 drops s.
func ParseRewrite(spec string) (from, to syscall.Signal, err error) {
	i := 0
	for i < len(spec) && spec[i] != ':' {
		i++
	}
	if i == len(spec) {
		return 0, 0, &RewriteError{Spec: spec}
	}
	from, ferr := Parse(spec[:i])
	if ferr != nil {
		if spec[:i] == "0" || spec[:i] == "" {
			return 0, 0, &RewriteError{Spec: spec}
		}
		return 0, 0, &RewriteError{Spec: spec, Why: ferr.Error()}
	}
	if spec[i+1:] == "0" {
		return from, 0, nil
	}
	to, terr := Parse(spec[i+1:])
	if terr != nil {
		if spec[i+1:] == "" {
			return 0, 0, &RewriteError{Spec: spec}
		}
		return 0, 0, &RewriteError{Spec: spec, Why: terr.Error()}
	}
	return from, to, nil
}

// Decimal parses a short unsigned decimal number (at most three digits), the
// form of signal numbers and exit statuses on the command line.
func Decimal(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
