package procfs

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	cases := []struct {
		line string
		ok   bool
		want Stat
	}{
		{"1 (sh) S 0 1 1 34816 1 4194560 ...\n", true, Stat{Pid: 1, State: 'S', PPid: 0, PGrp: 1, Session: 1, Comm: []byte("sh")}},
		{"42 (a b) c)) Z 7 42 3 0\n", true, Stat{Pid: 42, State: 'Z', PPid: 7, PGrp: 42, Session: 3, Comm: []byte("a b) c)")}},
		{"42 (() R 1 2 3", true, Stat{Pid: 42, State: 'R', PPid: 1, PGrp: 2, Session: 3, Comm: []byte("(")}},
		{"9 () X 1 2 3 4", true, Stat{Pid: 9, State: 'X', PPid: 1, PGrp: 2, Session: 3, Comm: []byte("")}},
		{"", false, Stat{}},
		{"1 (sh)", false, Stat{}},
		{"1 (sh) S 0 1", false, Stat{}},
		{"(sh) S 0 1 1", false, Stat{}},
		{"x (sh) S 0 1 1", false, Stat{}},
		{"1 (sh) S 0 -1 1", false, Stat{}},
		{"1 (sh) S 0  1 1", false, Stat{}},
		{"1 (sh)  S 0 1 1", false, Stat{}},
		{"1 (sh) S 0 1 1234567890", false, Stat{}},
	}
	for _, c := range cases {
		got, ok := ParseStat([]byte(c.line))
		if ok != c.ok || ok && !same(got, c.want) {
			t.Errorf("ParseStat(%q) = %+v %v, want %+v %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func same(a, b Stat) bool {
	return a.Pid == b.Pid && a.PPid == b.PPid && a.PGrp == b.PGrp && a.Session == b.Session &&
		a.State == b.State && string(a.Comm) == string(b.Comm)
}

// reference parses a stat line the obvious way, with the standard library:
// fields are separated by single spaces and end at the newline, as the
// kernel writes them.
func reference(line string) (Stat, bool) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 1 || end < open {
		return Stat{}, false
	}
	pid, err := strconv.Atoi(strings.TrimSuffix(line[:open], " "))
	if err != nil {
		return Stat{}, false
	}
	if end+2 > len(line) {
		return Stat{}, false
	}
	rest, _, _ := strings.Cut(line[end+2:], "\n")
	f := strings.Split(rest, " ")
	if len(f) < 4 || f[0] == "" {
		return Stat{}, false
	}
	st := Stat{Pid: pid, State: f[0][0], Comm: []byte(line[open+1 : end])}
	st.PPid, _ = strconv.Atoi(f[1])
	st.PGrp, _ = strconv.Atoi(f[2])
	st.Session, _ = strconv.Atoi(f[3])
	return st, true
}

// Every process of this machine, as the kernel writes the file: the parser
// agrees with the obvious one, and Scan sees this process with its parent.
func TestReadAgreesWithReference(t *testing.T) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	buf := make([]byte, 512)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited since the listing
		}
		want, _ := reference(string(b))
		got, ok := ParseStat(b)
		if !ok || !same(got, want) || got.Pid != pid {
			t.Errorf("%q: got %+v %v, want %+v", b, got, ok, want)
		}
		if _, ok := Read(pid, buf); ok {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no process read")
	}
	found := false
	if !Scan(func(st Stat) {
		if st.Pid == os.Getpid() {
			found = st.PPid == os.Getppid() && !st.Dead()
		}
	}) || !found {
		t.Error("Scan did not list this process with its parent")
	}
	if c := Comm(os.Getpid()); c == "?" || c == "" {
		t.Errorf("Comm(self) = %q", c)
	}
	if c := Comm(1 << 30); c != "?" {
		t.Errorf("Comm(no such pid) = %q", c)
	}
}

// Any input: no panic; what parses agrees with the reference parser; and a
// line built from fields parses back to them whatever the command name
// (the state is a letter in real files; a space, newline or ")" is not).
func FuzzParseStat(f *testing.F) {
	f.Add("1 (sh) S 0 1 1 34816", "sh", byte('S'), uint32(0), uint32(1), uint32(1))
	f.Add("42 (a b) c)) Z 7 42 3 0\n", "a) (b", byte('Z'), uint32(7), uint32(42), uint32(3))
	f.Add("", "", byte('R'), uint32(4194304), uint32(0), uint32(0))
	f.Fuzz(func(t *testing.T, line, comm string, state byte, ppid, pgrp, session uint32) {
		if got, ok := ParseStat([]byte(line)); ok {
			want, wok := reference(line)
			if !wok || !same(got, want) {
				t.Errorf("ParseStat(%q) = %+v, reference %+v %v", line, got, want, wok)
			}
		}
		if state == ' ' || state == '\n' || state == ')' {
			return
		}
		ppid, pgrp, session = ppid%100000000, pgrp%100000000, session%100000000
		built := "77 (" + comm + ") " + string([]byte{state}) + " " + strconv.Itoa(int(ppid)) + " " +
			strconv.Itoa(int(pgrp)) + " " + strconv.Itoa(int(session)) + " 0 -1 4194560\n"
		want := Stat{Pid: 77, State: state, PPid: int(ppid), PGrp: int(pgrp), Session: int(session), Comm: []byte(comm)}
		if got, ok := ParseStat([]byte(built)); !ok || !same(got, want) {
			t.Errorf("ParseStat(%q) = %+v %v, want %+v", built, got, ok, want)
		}
	})
}
