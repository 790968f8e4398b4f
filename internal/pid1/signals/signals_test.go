package signals

import (
	"strconv"
	"syscall"
	"testing"
)

func TestForwardable(t *testing.T) {
	got := map[syscall.Signal]bool{}
	for _, s := range Forwardable() {
		got[s] = true
	}
	for s := syscall.Signal(1); s < NSig; s++ {
		excluded := s == syscall.SIGKILL || s == syscall.SIGSTOP || s == syscall.SIGCHLD || s == syscall.SIGPROF || (s >= 32 && s <= 34)
		if got[s] == excluded {
			t.Errorf("signal %d forwardable=%v", s, got[s])
		}
	}
}

func TestTable(t *testing.T) {
	var tab Table
	if to, ok := tab.Translate(15); to != 15 || ok {
		t.Errorf("empty table: %d %v", to, ok)
	}
	tab.Set(15, 3)
	tab.Set(2, 0)
	tab.SetDefault(15, 19)
	tab.SetDefault(20, 19)
	for from, want := range map[syscall.Signal]syscall.Signal{15: 3, 2: 0, 20: 19, 1: 1, 40: 40} {
		if to, _ := tab.Translate(from); to != want {
			t.Errorf("%d -> %d, want %d", from, to, want)
		}
	}
}

func TestParseRewrite(t *testing.T) {
	good := map[string][2]syscall.Signal{"15:3": {15, 3}, "1:0": {1, 0}, "31:31": {31, 31}, "01:02": {1, 2}}
	for spec, want := range good {
		f, to, err := ParseRewrite(spec)
		if err != nil || f != want[0] || to != want[1] {
			t.Errorf("%q: %d %d %v", spec, f, to, err)
		}
	}
	named := map[string][2]syscall.Signal{"TERM:QUIT": {15, 3}, "sigterm:SIGQUIT": {15, 3}, "RTMIN+1:RTMAX": {35, 64}, "40:RTMAX-1": {40, 63}, "iot:0": {syscall.SIGABRT, 0}, "64:1": {64, 1}}
	for spec, want := range named {
		f, to, err := ParseRewrite(spec)
		if err != nil || f != want[0] || to != want[1] {
			t.Errorf("%q: %d %d %v", spec, f, to, err)
		}
	}
	for _, bad := range []string{"", "15", "15:", ":3", "0:3", "32:3", "15:32", "33:1", "1:34", "65:1", "1:65", "RTMIN:1", "RTMIN+31:1", "RTMAX+1:1", "RTMIN-1:1", "15:3:", "a:b", "15:3x", "1\n:2", "SIG:1", "SIGSIGTERM:1"} {
		if _, _, err := ParseRewrite(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPrintable(t *testing.T) {
	if got := Printable("a\nb\\c\x7f"); got != `a\x0ab\x5cc\x7f` {
		t.Errorf("got %q", got)
	}
}

// FuzzParseRewrite: never panics; accepts exactly FROM:TO with FROM in 1..31
// and TO in 0..31, and the accepted values print back to an equivalent spec;
// errors stay on one line.
func FuzzParseRewrite(f *testing.F) {
	for _, s := range []string{"15:3", "1:0", "31:31", "0:1", "32:1", "1:32", "", ":", "a:b", "15:3x", "\n:\n", "001:002", "TERM:RTMIN+3", "rtmax-0:sigusr1", "RTMIN+30:RTMAX-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		from, to, err := ParseRewrite(spec)
		if err != nil {
			if msg := err.Error(); len(msg) == 0 || containsNewline(msg) {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		if from < 1 || from > RTMax || to < 0 || to > RTMax || (from >= 32 && from <= 34) || (to >= 32 && to <= 34) {
			t.Fatalf("%q accepted as %d:%d", spec, from, to)
		}
		f2, t2, err := ParseRewrite(itoa(int(from)) + ":" + itoa(int(to)))
		if err != nil || f2 != from || t2 != to {
			t.Fatalf("%q -> %d:%d does not round-trip", spec, from, to)
		}
	})
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseAndName(t *testing.T) {
	for spec, want := range map[string]syscall.Signal{
		"1": 1, "TERM": syscall.SIGTERM, "SIGTERM": syscall.SIGTERM, "sigterm": syscall.SIGTERM, "Term": syscall.SIGTERM,
		"USR1": syscall.SIGUSR1, "CHLD": syscall.SIGCHLD, "CLD": syscall.SIGCHLD, "POLL": syscall.SIGIO, "IOT": syscall.SIGABRT,
		"RTMIN+1": 35, "RTMIN+3": 37, "RTMAX": 64, "RTMAX-1": 63, "rtmin+30": 64, "64": 64,
	} {
		got, err := Parse(spec)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "65", "32", "33", "34", "RTMIN", "RTMIN+0", "RTMAX-30", "RTMIN+31", "SIG", "TERM ", "+15", "0x0f", "1000"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	for s := syscall.Signal(1); s < NSig; s++ {
		if s >= 32 && s <= 34 {
			continue
		}
		back, err := Parse(Name(s))
		if err != nil || back != s {
			t.Errorf("Name(%d) = %q parses to %d, %v", s, Name(s), back, err)
		}
	}
}

// FuzzParse: names and numbers never panic, accepted signals are in range
// and not reserved, and their name parses back to them.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"TERM", "sigusr1", "RTMIN+3", "RTMAX-1", "33", "0", "", "SIG", "rtmin+", "RTMIN+999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		sig, err := Parse(spec)
		if err != nil {
			if containsNewline(err.Error()) {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if sig < 1 || sig > RTMax || (sig >= 32 && sig <= 34) {
			t.Fatalf("%q accepted as %d", spec, sig)
		}
		if back, err := Parse(Name(sig)); err != nil || back != sig {
			t.Fatalf("%q -> %d -> %q -> %d %v", spec, sig, Name(sig), back, err)
		}
	})
}
