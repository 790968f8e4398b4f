package signals

import (
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
	for _, bad := range []string{"", "15", "15:", ":3", "0:3", "32:3", "15:32", "15:3:", "a:b", "15:3x", "1\n:2"} {
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
	for _, s := range []string{"15:3", "1:0", "31:31", "0:1", "32:1", "1:32", "", ":", "a:b", "15:3x", "\n:\n", "001:002"} {
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
		if from < 1 || from > MaxClassic || to < 0 || to > MaxClassic {
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

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
