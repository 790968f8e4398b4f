//go:build e2e

package e2e

// End-to-end tests of the extensions (issue #3): each runs the release
// binary with real processes and signals, and fails when the feature breaks.

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// Signals can be named (any case, with or without SIG, RTMIN+n, RTMAX-n)
// and real-time signals are forwarded and rewritten.
func TestSignalNamesAndRealtime(t *testing.T) {
	env := testbin.CleanEnv()
	c := startSigprint(t, env, []string{"-r", "sigterm:RTMIN+3", "--rewrite=USR1:0", "-r", "RTMAX-1:SIGHUP"})
	c.signal(syscall.SIGTERM)
	c.expect("37")
	c.signal(syscall.SIGUSR1) // dropped
	c.signal(syscall.Signal(39))
	c.expect("39") // RTMIN+5 passes as it is
	c.signal(syscall.Signal(63))
	c.expect("1")
	c.signal(syscall.SIGKILL)
	c.wait(5 * time.Second)

	for _, bad := range []string{"33:1", "1:RTMIN", "TERM:34", "RTMIN+0:1"} {
		r := run(t, env, "-r", bad, "true")
		if r.code != 1 || !strings.Contains(r.stderr, "reserved by the Go runtime") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("-r %s: exit %d stderr %q, want one line naming the Go runtime's reservation and exit 1", bad, r.code, r.stderr)
		}
	}
	r := run(t, env, "-r", "TERM:BOGUS", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "'BOGUS' is not a signal name") {
		t.Errorf("bad name: exit %d %q", r.code, r.stderr)
	}

	r = run(t, env, "--list-signals")
	for _, want := range []string{"1    HUP        yes\n", "9    KILL       no: cannot be caught\n", "33   RTMIN-1", "34   RTMIN      no: reserved by the Go runtime\n", "37   RTMIN+3    yes\n", "63   RTMAX-1    yes\n", "64   RTMAX      yes\n"} {
		if !strings.Contains(r.stdout, want) && !(want == "33   RTMIN-1" && strings.Contains(r.stdout, "33   33         no: reserved")) {
			t.Errorf("--list-signals lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 0 || strings.Count(r.stdout, "\n") != 65 {
		t.Errorf("--list-signals: exit %d, %d lines", r.code, strings.Count(r.stdout, "\n"))
	}
}

// --remap-exit and DUMB_INIT_REMAP_EXIT change only the listed statuses.
func TestRemapExit(t *testing.T) {
	env := testbin.CleanEnv()
	cases := []struct {
		env    []string
		args   []string
		script string
		want   int
	}{
		{nil, []string{"--remap-exit", "143:0"}, "kill -TERM $$", 0},
		{nil, []string{"--remap-exit=143:0"}, "exit 3", 3},
		{nil, []string{"--remap-exit", "3:4", "--remap-exit", "4:5"}, "exit 3", 4},
		{[]string{"DUMB_INIT_REMAP_EXIT=5:6,7:8"}, nil, "exit 7", 8},
		{[]string{"DUMB_INIT_REMAP_EXIT=7:8"}, []string{"--remap-exit", "7:9"}, "exit 7", 9},
		{nil, []string{"--remap-exit", "0:1"}, "exit 0", 1},
	}
	for _, c := range cases {
		r := run(t, append(append([]string{}, env...), c.env...), append(c.args, "sh", "-c", c.script)...)
		if r.code != c.want {
			t.Errorf("%v %v sh -c %q: exit %d, want %d; stderr %q", c.env, c.args, c.script, r.code, c.want, r.stderr)
		}
	}
	for _, bad := range []string{"256:0", "1:", "a:b", "1:2:3", "-1:0"} {
		if r := run(t, env, "--remap-exit", bad, "true"); r.code != 1 || !strings.Contains(r.stderr, "invalid exit remap") {
			t.Errorf("--remap-exit %s: exit %d %q", bad, r.code, r.stderr)
		}
	}
	if r := run(t, append(env, "DUMB_INIT_REMAP_EXIT=x"), "true"); r.code != 1 || !strings.Contains(r.stderr, "DUMB_INIT_REMAP_EXIT: invalid exit remap 'x'") {
		t.Errorf("bad DUMB_INIT_REMAP_EXIT: exit %d %q", r.code, r.stderr)
	}
}

// --delay holds one signal for its duration while others pass at once; a
// second delivery during the wait is forwarded when the delay ends, once.
func TestDelay(t *testing.T) {
	for _, how := range []string{"flag", "env"} {
		t.Run(how, func(t *testing.T) {
			env := testbin.CleanEnv("DUMB_INIT_DEBUG=1")
			args := []string{"--delay", "TERM:800ms"}
			if how == "env" {
				env = append(env, "DUMB_INIT_DELAY=HUP:5s,TERM:0.8s")
				args = nil
			}
			c := startSigprint(t, env, args)
			start := time.Now()
			c.signal(syscall.SIGTERM)
			time.Sleep(100 * time.Millisecond)
			c.signal(syscall.SIGTERM)
			c.signal(syscall.SIGUSR1)
			c.expect("10") // not held
			l := c.next(3 * time.Second)
			held := time.Since(start)
			if l != "15" || held < 750*time.Millisecond {
				t.Fatalf("first line after USR1 %q after %v, want 15 after the 800ms delay", l, held)
			}
			// The kernel may merge the two TERMs at the child; count
			// what the init forwarded instead.
			if l := c.next(300 * time.Millisecond); l != "" && l != "15" {
				t.Fatalf("child printed %q after the held TERMs", l)
			}
			c.quiet(300 * time.Millisecond)
			c.signal(syscall.SIGKILL)
			c.wait(5 * time.Second)
			log := c.stderr.String()
			if n := strings.Count(log, "Forwarded signal 15 to children."); n != 2 {
				t.Errorf("init forwarded SIGTERM %d times, want 2 (both deliveries, after the delay):\n%s", n, log)
			}
			if !strings.Contains(log, "Holding signal 15 for 800 ms") || !strings.Contains(log, "Signal 15 is already held") {
				t.Errorf("debug log lacks the hold lines:\n%s", log)
			}
		})
	}
	env := testbin.CleanEnv()
	for _, bad := range []string{"TERM", "TERM:", "KILL:1s", "CHLD:1s", "TERM:-1s", "TERM:1d", "33:1s", "TERM:25h"} {
		if r := run(t, env, "--delay", bad, "true"); r.code != 1 || !strings.Contains(r.stderr, "invalid delay") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("--delay %s: exit %d %q", bad, r.code, r.stderr)
		}
	}
}

// --grace as PID 1: a straggler that finishes on SIGTERM gets to finish and
// the init exits as soon as it has (the drain ends early); one that ignores
// SIGTERM is killed when the grace period ends; either way the init exits
// with the child's status.
func TestGracePID1(t *testing.T) {
	prefix := inNamespace(t)
	env := testbin.CleanEnv("DUMB_INIT_DEBUG=1")
	straggler := func(onTerm string) string {
		return `sh -c 'trap "` + onTerm + `" TERM; echo started; while :; do sleep 0.05; done' & sleep 0.3; exit 7`
	}
	t.Run("ends-early", func(t *testing.T) {
		start := time.Now()
		c := startRaw(t, env, append(prefix, testbin.Init(t), "--grace=10s", "sh", "-c", straggler("sleep 0.4; echo finished; exit 0"))...)
		c.expect("started")
		c.expect("finished")
		if code := c.wait(10 * time.Second); code != 7 {
			t.Errorf("exit %d, want the child's 7", code)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("init took %v, want it to leave as soon as the straggler finished", d)
		}
		if log := c.stderr.String(); !strings.Contains(log, "Nothing is left. Goodbye.") || strings.Contains(log, "killing") {
			t.Errorf("log:\n%s", log)
		}
	})
	t.Run("control-without-grace", func(t *testing.T) {
		c := startRaw(t, env, append(prefix, testbin.Init(t), "sh", "-c", straggler("sleep 0.4; echo finished; exit 0"))...)
		c.expect("started")
		if code := c.wait(10 * time.Second); code != 7 {
			t.Errorf("exit %d, want 7", code)
		}
		if rest := c.rest(2 * time.Second); len(rest) != 0 {
			t.Errorf("without --grace the straggler should die with the namespace, printed %q", rest)
		}
	})
	t.Run("ends-in-sigkill", func(t *testing.T) {
		start := time.Now()
		c := startRaw(t, env, append(prefix, testbin.Init(t), "--grace", "1s", "sh", "-c", straggler(""))...)
		c.expect("started")
		if code := c.wait(10 * time.Second); code != 7 {
			t.Errorf("exit %d, want the child's 7", code)
		}
		d := time.Since(start)
		if d < 1200*time.Millisecond || d > 6*time.Second {
			t.Errorf("init exited after %v, want about 0.3s + the 1s grace", d)
		}
		log := c.stderr.String()
		if !strings.Contains(log, "Grace period over; killing what is left.") || !strings.Contains(log, "was terminated by signal 9") {
			t.Errorf("log lacks the kill:\n%s", log)
		}
	})
}

// --grace when the init is neither PID 1 nor subreaper: the straggler is a
// member of the child's group but not the init's child, so the init polls
// the group, and kills it when the period ends.
func TestGraceGroupNotPID1(t *testing.T) {
	env := testbin.CleanEnv()
	dir := t.TempDir()
	script := `sh -c 'trap "" TERM; echo $$ > ` + dir + `/pid; while :; do sleep 0.05; done' & sleep 0.3; exit 9`
	start := time.Now()
	r := run(t, env, "--grace=700ms", "sh", "-c", script)
	if r.code != 9 {
		t.Fatalf("exit %d, want 9; stderr %q", r.code, r.stderr)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("init exited after %v, before the grace period ended", d)
	}
	b, _ := os.ReadFile(dir + "/pid")
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal("straggler did not start")
	}
	if !procwatch.WaitFor(2*time.Second, func() bool { s := procwatch.State(pid); return s == "" || s == "Z" }) {
		t.Errorf("straggler %d still alive (%s) after the init exited", pid, procwatch.State(pid))
	}
}

// --grace makes the init a subreaper when it is not PID 1 (like --wait-all),
// so a descendant that left the child's group and session (setsid) is waited
// for and, at the deadline, killed, in setsid and in single-child mode; with
// --no-subreaper it is not the init's to wait for.
func TestGraceWaitsForDescendantInOwnSession(t *testing.T) {
	dir := t.TempDir()
	// The straggler leaves the session (setsid -f forks, so it is an
	// orphan at once), ignores TERM, records its pid, and finishes after
	// 0.6 s unless told to run on.
	straggler := func(run string) string {
		return `setsid -f sh -c 'trap "" TERM; echo $$ > ` + dir + `/pid; sleep ` + run + `; echo straggler done > ` + dir + `/done' & sleep 0.3; exit 4`
	}
	for _, mode := range []struct {
		name string
		env  []string
	}{{"setsid", testbin.CleanEnv()}, {"single-child", testbin.CleanEnv("DUMB_INIT_SETSID=0")}} {
		t.Run(mode.name+"/finishes", func(t *testing.T) {
			os.Remove(dir + "/done")
			start := time.Now()
			r := run(t, mode.env, "--grace=5s", "sh", "-c", straggler("0.6"))
			if r.code != 4 {
				t.Fatalf("exit %d, want the child's 4; stderr %q", r.code, r.stderr)
			}
			if _, err := os.Stat(dir + "/done"); err != nil {
				t.Errorf("the init left after %v without waiting for the straggler in its own session", time.Since(start))
			}
		})
		t.Run(mode.name+"/killed-at-deadline", func(t *testing.T) {
			os.Remove(dir + "/done")
			start := time.Now()
			r := run(t, mode.env, "--grace=800ms", "sh", "-c", straggler("30"))
			if r.code != 4 {
				t.Fatalf("exit %d, want the child's 4; stderr %q", r.code, r.stderr)
			}
			if d := time.Since(start); d < time.Second || d > 8*time.Second {
				t.Errorf("init exited after %v, want about 0.3 s + the 0.8 s grace", d)
			}
			b, _ := os.ReadFile(dir + "/pid")
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal("straggler did not start")
			}
			if !procwatch.WaitFor(2*time.Second, func() bool { s := procwatch.State(pid); return s == "" || s == "Z" }) {
				t.Errorf("straggler %d still alive (%s) after the grace period", pid, procwatch.State(pid))
			}
		})
	}
	t.Run("no-subreaper", func(t *testing.T) {
		os.Remove(dir + "/done")
		start := time.Now()
		r := run(t, testbin.CleanEnv(), "--grace=5s", "--no-subreaper", "sh", "-c", straggler("3"))
		if r.code != 4 || time.Since(start) > 2500*time.Millisecond {
			t.Errorf("exit %d after %v: with --no-subreaper the straggler is not waited for", r.code, time.Since(start))
		}
	})
}

// --wait-all: the init outlives the child until the last descendant exits,
// forwards signals to what is left, and exits with the child's status. As
// PID 1 and (by default when not PID 1) as subreaper.
func TestWaitAll(t *testing.T) {
	daemon := `(trap 'echo daemon got TERM; exit 0' TERM; echo daemon up; i=0; while [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done; echo daemon done) & sleep 0.2; exit 5`
	runOne := func(t *testing.T, prefix []string) {
		c := startRaw(t, testbin.CleanEnv(), append(prefix, testbin.Init(t), "--wait-all", "sh", "-c", daemon)...)
		c.expect("daemon up")
		c.expect("daemon done")
		if code := c.wait(10 * time.Second); code != 5 {
			t.Errorf("exit %d, want the child's 5", code)
		}
		// A signal after the child exited reaches the daemon.
		c = startRaw(t, testbin.CleanEnv(), append(prefix, testbin.Init(t), "--wait-all", "sh", "-c", daemon)...)
		c.expect("daemon up")
		time.Sleep(500 * time.Millisecond) // the child has exited by now
		init := c.cmd.Process.Pid
		if len(prefix) > 0 {
			init = nsInit(t, c)
		}
		syscall.Kill(init, syscall.SIGTERM)
		c.expect("daemon got TERM")
		if code := c.wait(10 * time.Second); code != 5 {
			t.Errorf("exit %d, want the child's 5", code)
		}
	}
	t.Run("subreaper", func(t *testing.T) { runOne(t, nil) })
	t.Run("pid1", func(t *testing.T) { runOne(t, inNamespace(t)) })
	t.Run("with-grace", func(t *testing.T) {
		start := time.Now()
		r := run(t, testbin.CleanEnv(), "--wait-all", "--grace=500ms", "sh", "-c", `(trap "" TERM; sleep 20) & exit 4`)
		if r.code != 4 || time.Since(start) > 6*time.Second {
			t.Errorf("exit %d after %v, want 4 soon after the 500ms grace", r.code, time.Since(start))
		}
	})
	t.Run("control-without-wait-all", func(t *testing.T) {
		c := startRaw(t, testbin.CleanEnv(), testbin.Init(t), "sh", "-c", daemon)
		c.expect("daemon up")
		if l := c.next(3 * time.Second); l != "daemon got TERM" {
			t.Errorf("without --wait-all the daemon gets the closing SIGTERM; it printed %q", l)
		}
		if code := c.wait(10 * time.Second); code != 5 {
			t.Errorf("exit %d, want 5", code)
		}
	})
}

// --subreaper: orphans of the child's subtree are reaped by the init (and
// logged with their name) instead of going to the init's own parent.
func TestSubreaper(t *testing.T) {
	script := `(sleep 0.2 &); sleep 0.6`
	for _, c := range []struct {
		args []string
		env  string
		want bool
	}{
		{[]string{"--subreaper"}, "", true},
		{nil, "DUMB_INIT_SUBREAPER=1", true},
		{nil, "", false},
		{[]string{"--no-subreaper", "--wait-all"}, "", false},
		{[]string{"--no-subreaper"}, "DUMB_INIT_SUBREAPER=1", false},
	} {
		env := testbin.CleanEnv("DUMB_INIT_DEBUG=1", c.env)
		r := run(t, env, append(c.args, "sh", "-c", script)...)
		reaped := strings.Contains(r.stderr, "(sleep), status 0.")
		registered := strings.Contains(r.stderr, "Registered as child subreaper.")
		if r.code != 0 || reaped != c.want || registered != c.want {
			t.Errorf("%v %s: exit %d, reaped the orphan %v, registered %v; want %v:\n%s", c.args, c.env, r.code, reaped, registered, c.want, r.stderr)
		}
	}
}

// --pdeathsig: when the init's parent dies the init gets the signal and
// treats it like any other (rewritten, forwarded).
func TestPdeathsig(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--pdeathsig", "TERM"}, "", "15"},
		{[]string{"--pdeathsig=SIGTERM", "-r", "TERM:USR1"}, "", "10"},
		{nil, "DUMB_INIT_PDEATHSIG=HUP", "1"},
		{nil, "", ""},
	} {
		env := testbin.CleanEnv(c.env)
		args := append([]string{"sh", "-c", `"$@" & wait`, "sh", testbin.Init(t)}, c.args...)
		args = append(args, testbin.Helper(t, "sigprint"))
		ch := startRaw(t, env, args...)
		if l := ch.next(10 * time.Second); !strings.HasPrefix(l, "ready") {
			t.Fatalf("got %q, want ready", l)
		}
		ch.signal(syscall.SIGKILL) // the parent shell dies
		if c.want == "" {
			ch.quiet(500 * time.Millisecond)
			continue
		}
		ch.expect(c.want)
	}
	if r := run(t, testbin.CleanEnv(), "--pdeathsig", "33", "true"); r.code != 1 || !strings.Contains(r.stderr, "--pdeathsig: '33' is reserved") {
		t.Errorf("--pdeathsig 33: exit %d %q", r.code, r.stderr)
	}
}

// --pause as PID 1 (a pod's sandbox): reaps orphans that other processes in
// the namespace leave, ignores signals other than INT and TERM, exits 0.
func TestPause(t *testing.T) {
	prefix := inNamespace(t)
	if _, err := exec.LookPath("nsenter"); err != nil {
		t.Skip("nsenter (util-linux) not installed")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		c := startRaw(t, testbin.CleanEnv("DUMB_INIT_DEBUG=1"), append(prefix, testbin.Init(t), "--pause")...)
		init := nsInit(t, c)
		if !procwatch.WaitFor(5*time.Second, func() bool { return procwatch.Catches(init, syscall.SIGTERM) }) {
			t.Fatal("pause init not ready")
		}
		// Join the namespace as another container would; the
		// subshell's sleep is orphaned inside it and goes to PID 1.
		out, err := exec.Command("nsenter", "-t", strconv.Itoa(init), "--pid", "--mount", "--", "sh", "-c", "(sleep 0.1 &); echo ok").CombinedOutput()
		if err != nil {
			t.Fatalf("nsenter: %v %s", err, out)
		}
		if !procwatch.WaitFor(5*time.Second, func() bool { return strings.Contains(c.stderr.String(), "(sleep), status 0.") }) {
			t.Errorf("the orphan was not reaped by the pause process:\n%s", c.stderr.String())
		}
		syscall.Kill(init, syscall.SIGHUP)
		syscall.Kill(init, syscall.SIGUSR1)
		time.Sleep(100 * time.Millisecond)
		if procwatch.State(init) == "" {
			t.Fatal("pause exited on HUP/USR1")
		}
		syscall.Kill(init, sig)
		if code := c.wait(5 * time.Second); code != 0 {
			t.Errorf("exit %d on signal %d, want 0", code, sig)
		}
	}
	if r := run(t, testbin.CleanEnv(), "--pause", "true"); r.code != 1 || !strings.Contains(r.stderr, "--pause runs no command") {
		t.Errorf("--pause with a command: exit %d %q", r.code, r.stderr)
	}
}
