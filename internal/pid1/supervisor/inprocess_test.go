package supervisor

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/diag"
	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
)

// spawnAndWait starts argv with env through the init's own spawn (real
// vfork and exec, in this process) and returns the child's exit status, or
// the error spawn reported.
func spawnAndWait(t *testing.T, argv, env []string) (int, error) {
	t.Helper()
	pid, _, err := spawn(argv, env, spawnAttr{})
	if err != nil {
		return 0, err
	}
	var ws unix.WaitStatus
	for {
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != unix.EINTR {
			break
		}
	}
	return ws.ExitStatus(), nil
}

// script writes an executable file (mode) into dir.
func script(t *testing.T, dir, name, body string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// execvp's search, as the child does it: PATH from the child's environment
// in order, the default path without one, the caller's directory for an
// empty entry, EACCES skipped for a later match but reported when nothing
// else runs, ENOEXEC handed to /bin/sh with the arguments, and a name with a
// slash tried alone.
func TestSpawnSearchesLikeExecvp(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	script(t, a, "first", "#!/bin/sh\nexit 11\n", 0o755)
	script(t, b, "first", "#!/bin/sh\nexit 12\n", 0o755)
	script(t, a, "locked", "#!/bin/sh\nexit 13\n", 0o644)
	script(t, b, "locked", "#!/bin/sh\nexit 14\n", 0o755)
	script(t, c, "onlylocked", "#!/bin/sh\nexit 15\n", 0o644)
	noShebang := script(t, c, "noshebang", "exit $(($1 + $2))\n", 0o755)
	script(t, dir, "here", "#!/bin/sh\nexit 16\n", 0o755)
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + a + ":" + b + ":" + c
	cases := []struct {
		argv   []string
		env    []string
		status int
		err    error
	}{
		{[]string{"first"}, []string{path}, 11, nil},                                  // first match wins
		{[]string{"first"}, []string{"PATH=" + b + ":" + a}, 12, nil},                 // in PATH's order
		{[]string{"locked"}, []string{path}, 14, nil},                                 // EACCES in a, b runs
		{[]string{"onlylocked"}, []string{path}, 0, syscall.EACCES},                   // nothing else: EACCES
		{[]string{"missing"}, []string{path}, 0, syscall.ENOENT},                      // not anywhere
		{[]string{"noshebang", "3", "4"}, []string{path}, 7, nil},                     // ENOEXEC: /bin/sh file args
		{[]string{noShebang, "1", "1"}, nil, 2, nil},                                  // with a slash: no search
		{[]string{filepath.Join(c, "onlylocked")}, []string{path}, 0, syscall.EACCES}, // with a slash: its own error
		{[]string{"here"}, []string{"PATH=" + a + "::" + b}, 16, nil},                 // empty entry: the directory
		{[]string{"here"}, []string{path}, 0, syscall.ENOENT},                         // no empty entry: not searched
		{[]string{"sh", "-c", "exit 9"}, nil, 9, nil},                                 // no PATH: /bin:/usr/bin
		{[]string{"sh", "-c", "exit 9"}, []string{"PATH="}, 0, syscall.ENOENT},        // empty PATH: the directory only
		{[]string{""}, []string{path}, 0, syscall.ENOENT},
	}
	for _, c := range cases {
		status, err := spawnAndWait(t, c.argv, c.env)
		if err != c.err || err == nil && status != c.status {
			t.Errorf("%q with %q: status %d, error %v; want %d, %v", c.argv, c.env, status, err, c.status, c.err)
		}
	}
}

// fakeTime is a clock the test moves by hand. Alarms go off when the test
// advances the time past them, never on their own.
type fakeTime struct {
	mu     sync.Mutex
	t      int64
	alarms []*fakeAlarm
	// sets counts Set calls; armed is the last duration set.
	sets  int
	armed clock.Duration
}

type fakeAlarm struct {
	*clock.Alarm
	at int64 // 0: disarmed
}

// install makes the supervisor's clock f until the test ends.
func (f *fakeTime) install(t *testing.T) {
	t.Helper()
	realNow, realNewAlarm := now, newAlarm
	t.Cleanup(func() { now, newAlarm = realNow, realNewAlarm })
	now = func() int64 { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
	newAlarm = func() (*clock.Alarm, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		a := &fakeAlarm{}
		a.Alarm = clock.NewAlarmFunc(func(d clock.Duration) {
			f.mu.Lock()
			defer f.mu.Unlock()
			a.at = 0
			if d > 0 {
				a.at = f.t + int64(d)
			}
			f.sets++
			f.armed = d
		})
		f.alarms = append(f.alarms, a)
		return a.Alarm, nil
	}
}

// advance moves the time by d and fires the alarms that are due.
func (f *fakeTime) advance(d clock.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t += int64(d)
	for _, a := range f.alarms {
		if a.at != 0 && a.at <= f.t {
			a.at = 0
			select {
			case a.C <- struct{}{}:
			default:
			}
		}
	}
}

// waitSet waits (in real time, bounded) until an alarm has been set more
// than after times, and returns the count and the last duration set.
func (f *fakeTime) waitSet(t *testing.T, after int) (int, clock.Duration) {
	t.Helper()
	var n int
	var d clock.Duration
	if !procwatch.WaitFor(10*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		n, d = f.sets, f.armed
		return n > after
	}) {
		t.Fatal("the supervisor set no alarm")
	}
	return n, d
}

// lockedBuffer is the log's writer, read by the test while the supervisor
// writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// waitFor polls cond (real time, bounded) and fails the test if it never
// holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !procwatch.WaitFor(10*time.Second, cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// runInProcess starts the supervisor in this process with cfg, on the clock
// fake, and returns its status channel.
func runInProcess(t *testing.T, cfg Config, fake *fakeTime) (<-chan int, *lockedBuffer) {
	t.Helper()
	fake.install(t)
	logs := &lockedBuffer{}
	cfg.Log = &diag.Log{W: logs, Debug: true}
	cfg.Env = os.Environ()
	sigs := Catch()
	status, done := make(chan int, 1), make(chan struct{})
	go func() { status <- Run(cfg, sigs); close(done) }()
	// Whatever happens to the test, no child of this process outlives it
	// (a failed test would leave the shell's loop running).
	t.Cleanup(func() {
		procfs.Scan(func(p procfs.Stat) {
			if p.PPid == os.Getpid() && !p.Dead() {
				_ = unix.Kill(p.Pid, syscall.SIGKILL)
			}
		})
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	})
	return status, logs
}

func wantStatus(t *testing.T, status <-chan int, want int) {
	t.Helper()
	select {
	case got := <-status:
		if got != want {
			t.Errorf("supervisor returned %d, want %d", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("supervisor did not return")
	}
}

// --delay on a clock the test moves: a held signal is forwarded when its
// delay has passed and not a nanosecond before, as many times as it came.
func TestDelayHoldsUntilItsTime(t *testing.T) {
	dir := t.TempDir()
	got, ready := filepath.Join(dir, "got"), filepath.Join(dir, "ready")
	fake := &fakeTime{}
	var delay [signals.NSig]clock.Duration
	delay[syscall.SIGUSR1] = 20 * clock.Second
	status, logs := runInProcess(t, Config{
		Command: []string{"/bin/sh", "-c", `trap 'echo u >> "$0"' USR1; : > "$1"; while :; do sleep 0.01; done`, got, ready},
		Delay:   &delay,
	}, fake)
	waitFor(t, "the child's trap", func() bool { _, err := os.Stat(ready); return err == nil })
	child := childOf("sh")

	_ = unix.Kill(os.Getpid(), syscall.SIGUSR1)
	_, armed := fake.waitSet(t, 0)
	if armed != 20*clock.Second {
		t.Errorf("alarm set for %d ns, want 20 s", armed)
	}
	_ = unix.Kill(os.Getpid(), syscall.SIGUSR1)
	waitFor(t, "the second signal to be held", func() bool { return strings.Contains(logs.String(), "Signal 10 is already held") })

	fake.advance(20*clock.Second - 1)
	time.Sleep(50 * time.Millisecond) // room for a wrong forward to show
	if strings.Contains(logs.String(), "Forwarded signal 10") {
		t.Fatalf("forwarded before the delay ended:\n%s", logs)
	}
	fake.advance(1)
	waitFor(t, "two forwards", func() bool { return strings.Count(logs.String(), "Forwarded signal 10 to children.") == 2 })
	waitFor(t, "the child's trap to run", func() bool { b, _ := os.ReadFile(got); return len(b) > 0 })
	if strings.Count(logs.String(), "Delay of signal 10 is over.") != 1 {
		t.Errorf("want one end of delay:\n%s", logs)
	}
	_ = unix.Kill(child, syscall.SIGKILL)
	wantStatus(t, status, 128+int(syscall.SIGKILL))
}

// --grace on a clock the test moves: after the child exits, a member of its
// group that ignores SIGTERM is polled every 50 ms of clock time, lives
// through the whole period, and is killed when the period ends; the init
// then exits with the child's status.
func TestGraceKillsWhenThePeriodEnds(t *testing.T) {
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "straggler")
	fake := &fakeTime{}
	status, logs := runInProcess(t, Config{
		// The child leaves a member of its group that ignores SIGTERM
		// (an ignored disposition survives exec), and exits only once
		// the trap is in place (the closing SIGTERM follows at once).
		Command: []string{"/bin/sh", "-c", `(trap "" TERM; echo $(exec sh -c 'echo $PPID') > "$0.tmp"; mv "$0.tmp" "$0"; exec sleep 1000) &
while [ ! -s "$0" ]; do sleep 0.01; done; exit 3`, pidfile},
		Policy: Policy{NewProcessGroup: true, SignalGroup: true, ClosingTerm: true},
		Grace:  10 * clock.Second,
	}, fake)
	n, armed := fake.waitSet(t, 0)
	var straggler int
	waitFor(t, "the straggler's pid", func() bool {
		b, _ := os.ReadFile(pidfile)
		straggler, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		return straggler > 0
	})
	t.Cleanup(func() { _ = unix.Kill(straggler, syscall.SIGKILL) })
	elapsed := clock.Duration(0)
	for elapsed < 10*clock.Second {
		if armed != pollEvery {
			t.Fatalf("at %d ms the alarm was set for %d ns, want the poll interval", elapsed/clock.Millisecond, armed)
		}
		if unix.Kill(straggler, 0) != nil {
			t.Fatalf("the straggler died at %d ms of the 10 s grace period:\n%s", elapsed/clock.Millisecond, logs)
		}
		fake.advance(armed)
		elapsed += armed
		n, armed = fake.waitSet(t, n)
	}
	// The period is over and SIGKILL went out; the init polls (on the
	// test's clock) until the straggler is gone, then exits with the
	// child's status.
	for done := false; !done; {
		select {
		case got := <-status:
			if got != 3 {
				t.Errorf("supervisor returned %d, want 3", got)
			}
			done = true
		case <-time.After(time.Millisecond):
			fake.mu.Lock()
			more := fake.sets > n
			fake.mu.Unlock()
			if more {
				n, armed = fake.waitSet(t, n)
				fake.advance(armed)
				elapsed += armed
			}
			if elapsed > 10*clock.Second+killWait {
				t.Fatalf("the init did not exit within the wait after SIGKILL:\n%s", logs)
			}
		}
	}
	waitFor(t, "the straggler to be gone", func() bool {
		st, ok := procfs.Read(straggler, make([]byte, 512))
		return !ok || st.Dead()
	})
	for _, line := range []string{"giving the rest up to 10000 ms to exit.", "Grace period over; killing what is left.", "Nothing is left. Goodbye."} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, logs)
		}
	}
}
