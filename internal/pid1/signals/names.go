package signals

import (
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// The real-time range as the C library on a Linux system presents it: glibc
// keeps 32 and 33 for itself, so SIGRTMIN is 34 there and `kill -l`,
// bash and procps count RTMIN+n from 34. Signals above 64 (MIPS has up to
// 127) cannot be caught through Go's os/signal, so RTMAX is 64 everywhere.
const (
	RTMin = 34
	RTMax = NSig - 1
)

// reservedFirst..reservedLast are kept by the Go runtime (and by the C
// libraries of whatever runs beside it) and never reach os/signal.
const (
	reservedFirst = 32
	reservedLast  = 34
)

// SpecError says why a signal specification was refused.
type SpecError struct {
	Spec string
	Why  string
}

func (e *SpecError) Error() string { return "'" + Printable(e.Spec) + "' " + e.Why }

// aliases are the traditional second names of three signals.
var aliases = [...]struct{ name, is string }{{"IOT", "ABRT"}, {"POLL", "IO"}, {"CLD", "CHLD"}}

// Parse turns a signal as a user writes it into its number on the
// architecture the binary was built for (SIGUSR1 is 10 on x86 and 16 on
// MIPS): a decimal number 1..64, a name with or without "SIG" in any case
// (TERM, SIGTERM, sigterm), or RTMIN, RTMIN+n, RTMAX, RTMAX-n. Signals 32..34
// are refused with the reason: the Go runtime keeps them.
func Parse(spec string) (syscall.Signal, error) {
	if spec == "" {
		return 0, &SpecError{spec, "is not a signal (expected a number from 1 to 64 or a name such as TERM)"}
	}
	var sig syscall.Signal
	if n, ok := Decimal(spec); ok {
		if n < 1 || n > RTMax {
			return 0, &SpecError{spec, "is out of range: signals are numbered 1 to " + strconv.Itoa(RTMax)}
		}
		sig = syscall.Signal(n)
	} else {
		up := upper(spec)
		if len(up) > 3 && up[:3] == "SIG" {
			up = up[3:]
		}
		sig = byName(up)
		if sig == 0 {
			return 0, &SpecError{spec, "is not a signal name (see " + listHint + ")"}
		}
		if sig < 0 {
			return 0, &SpecError{spec, "is out of range: the real-time signals are RTMIN (" + strconv.Itoa(RTMin) + ") to RTMAX (" + strconv.Itoa(RTMax) + ")"}
		}
	}
	if sig >= reservedFirst && sig <= reservedLast {
		return 0, &SpecError{spec, "is reserved by the Go runtime: signals 32-34 can be neither caught nor forwarded (use RTMIN+1 = 35 or above)"}
	}
	return sig, nil
}

// listHint is where messages send the user for signal names. It names the
// program as dumb-init: tini's command line (which has no --list-signals)
// is the same binary under another name.
const listHint = "dumb-init --list-signals"

// byName returns the signal called up (upper case, without "SIG"); 0 when
// there is none, -1 for RTMIN+n or RTMAX-n beyond the real-time range.
func byName(up string) syscall.Signal {
	for _, a := range aliases {
		if up == a.name {
			up = a.is
		}
	}
	for s := syscall.Signal(1); s <= MaxClassic; s++ {
		if n := unix.SignalName(s); len(n) > 3 && n[3:] == up {
			return s
		}
	}
	base, sign := 0, 1
	switch {
	case len(up) >= 5 && up[:5] == "RTMIN":
		base = RTMin
	case len(up) >= 5 && up[:5] == "RTMAX":
		base, sign = RTMax, -1
	default:
		return 0
	}
	rest := up[5:]
	if rest == "" {
		return syscall.Signal(base)
	}
	if rest[0] == '+' {
		sign = 1
	} else if rest[0] == '-' {
		sign = -1
	} else {
		return 0
	}
	n, ok := Decimal(rest[1:])
	if !ok {
		return 0
	}
	if s := base + sign*n; s >= RTMin && s <= RTMax {
		return syscall.Signal(s)
	}
	return -1 // a real-time signal's name, out of range
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Name returns the name of sig as --list-signals and messages show it:
// "TERM", "RTMIN+3", "RTMAX", or the number for anything else.
func Name(sig syscall.Signal) string {
	switch {
	case sig >= 1 && sig <= MaxClassic:
		if n := unix.SignalName(sig); len(n) > 3 {
			return n[3:]
		}
	case sig == RTMin:
		return "RTMIN"
	case sig == RTMax:
		return "RTMAX"
	case sig > RTMin && sig < RTMax:
		if sig-RTMin <= RTMax-sig {
			return "RTMIN+" + strconv.Itoa(int(sig-RTMin))
		}
		return "RTMAX-" + strconv.Itoa(int(RTMax-sig))
	}
	return strconv.Itoa(int(sig))
}

// ListText is what --list-signals prints: every signal number on this
// architecture, its name, and whether the init forwards it.
func ListText() string {
	b := make([]byte, 0, 2048)
	b = append(b, "NUM  NAME       FORWARDED\n"...)
	for s := syscall.Signal(1); s < NSig; s++ {
		num := strconv.Itoa(int(s))
		b = append(b, num...)
		b = append(b, "     "[len(num):]...)
		name := Name(s)
		b = append(b, name...)
		if len(name) < 11 {
			b = append(b, "           "[len(name):]...)
		} else {
			b = append(b, ' ')
		}
		b = append(b, forwardNote(s)...)
		b = append(b, '\n')
	}
	return string(b)
}

func forwardNote(s syscall.Signal) string {
	switch {
	case s == syscall.SIGKILL || s == syscall.SIGSTOP:
		return "no: cannot be caught"
	case s == syscall.SIGCHLD:
		return "no: used to reap children"
	case s == syscall.SIGPROF:
		return "no: kept by the Go runtime's profiler"
	case s >= reservedFirst && s <= reservedLast:
		return "no: reserved by the Go runtime"
	}
	return "yes"
}
