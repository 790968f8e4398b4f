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
