// Package procwatch lets tests look at processes from outside: their
// /proc state, signal dispositions and masks, and polling until a condition
// holds. Tests only; the /proc/PID/stat parser is the init's own
// (internal/pid1/procfs), so the tests read what the init reads.
package procwatch

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
)

// Stat is one line of /proc/PID/stat, parsed by the init's own parser.
type Stat struct {
	Pid, PPid, PGrp, Session int
	State                    byte
	Comm                     string
}

// ReadStat reads /proc/PID/stat.
func ReadStat(pid int) (Stat, bool) {
	st, ok := procfs.Read(pid, make([]byte, 512))
	if !ok {
		return Stat{}, false
	}
	return Stat{Pid: st.Pid, PPid: st.PPid, PGrp: st.PGrp, Session: st.Session, State: st.State, Comm: string(st.Comm)}, true
}

// AllStats lists every process visible in /proc.
func AllStats() []Stat {
	ents, _ := os.ReadDir("/proc")
	var out []Stat
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := ReadStat(pid); ok {
			out = append(out, st)
		}
	}
	return out
}

// Children lists pid's children.
func Children(pid int) []int {
	var out []int
	for _, st := range AllStats() {
		if st.PPid == pid {
			out = append(out, st.Pid)
		}
	}
	return out
}

// Descendants lists pid's descendants, children first.
func Descendants(pid int) []int {
	all := AllStats()
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, st := range all {
			if st.PPid == p {
				out = append(out, st.Pid)
				queue = append(queue, st.Pid)
			}
		}
	}
	return out
}

// State returns the one-letter state of pid ("R", "S", "T", "Z", ...), or ""
// when it does not exist.
func State(pid int) string {
	st, ok := ReadStat(pid)
	if !ok {
		return ""
	}
	return string(st.State)
}

// Status returns a field of /proc/PID/status, e.g. "SigCgt".
func Status(pid int, field string) string {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == field {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Catches reports whether pid has a handler for sig (SigCgt).
func Catches(pid int, sig syscall.Signal) bool {
	v, err := strconv.ParseUint(Status(pid, "SigCgt"), 16, 64)
	return err == nil && v&(1<<(uint(sig)-1)) != 0
}

// Blocks reports whether pid's main thread blocks sig (SigBlk).
func Blocks(pid int, sig syscall.Signal) bool {
	v, err := strconv.ParseUint(Status(pid, "SigBlk"), 16, 64)
	return err == nil && v&(1<<(uint(sig)-1)) != 0
}

// WaitFor polls cond every few milliseconds until it holds or timeout passes.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	return Poll(timeout, 2*time.Millisecond, cond)
}

// Poll checks cond every interval until it holds or timeout passes; for
// conditions that are costly to check (a docker command each time).
func Poll(timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}
