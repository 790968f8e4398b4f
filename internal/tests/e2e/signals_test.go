//go:build e2e

package e2e

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// normalSignals are the standard signals a user can send that the init
// forwards unchanged in both modes (job-control signals have their own test;
// SIGPROF is the Go runtime's and cannot be forwarded, see README).
func normalSignals() []syscall.Signal {
	var out []syscall.Signal
	for s := syscall.Signal(1); s <= 31; s++ {
		switch s {
		case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGCHLD, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGPROF:
			continue
		}
		out = append(out, s)
	}
	return out
}

func num(s syscall.Signal) string { return strconv.Itoa(int(s)) }

func TestForwardsEverySignal(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		c := startSigprint(t, env, nil)
		sigs := append(normalSignals(), 35, 36, 50, 63, 64)
		for _, s := range sigs {
			c.signal(s)
			c.expect(num(s))
		}
		c.quiet(100 * time.Millisecond)
		c.signal(syscall.SIGKILL)
	})
}

func TestRewrite(t *testing.T) {
	cases := []struct {
		rewrites []string
		send     []syscall.Signal
		want     []syscall.Signal
	}{
		{nil, []syscall.Signal{15, 3, 18, 2}, []syscall.Signal{15, 3, 18, 2}},
		{[]string{"15:2"}, []syscall.Signal{15, 3, 18, 2}, []syscall.Signal{2, 3, 18, 2}},
		{[]string{"15:2", "2:15", "3:3"}, []syscall.Signal{15, 3, 18, 2}, []syscall.Signal{2, 3, 18, 15}},
		{[]string{"1:31", "31:1"}, []syscall.Signal{1, 31}, []syscall.Signal{31, 1}},
		// A later rewrite of the same signal wins.
		{[]string{"15:2", "15:10"}, []syscall.Signal{15}, []syscall.Signal{10}},
		// Real-time signals pass through unrewritten.
		{[]string{"15:3"}, []syscall.Signal{40}, []syscall.Signal{40}},
	}
	modes(t, func(t *testing.T, env []string) {
		for _, tc := range cases {
			var args []string
			for _, r := range tc.rewrites {
				args = append(args, "-r", r)
			}
			c := startSigprint(t, env, args)
			for i, s := range tc.send {
				c.signal(s)
				c.expect(num(tc.want[i]))
			}
			c.signal(syscall.SIGKILL)
		}
	})
}

func TestRewriteToZeroDrops(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		c := startSigprint(t, env, []string{"-r", "15:3", "-r", "2:0", "--rewrite=28:0"})
		c.signal(syscall.SIGTERM)
		c.signal(syscall.SIGINT)
		c.expect("3")
		c.signal(syscall.SIGWINCH)
		c.signal(syscall.SIGHUP)
		c.expect("1")
		c.quiet(100 * time.Millisecond)
		c.signal(syscall.SIGKILL)
	})
}

func TestUserSIGURGArrivesOnce(t *testing.T) {
	for _, init := range []string{"release", "plain"} {
		t.Run(init, func(t *testing.T) {
			bin := testbin.Init(t)
			if init == "plain" {
				bin = testbin.PlainInit(t)
			}
			c := startWith(t, bin, testbin.CleanEnv(), nil, nil)
			for i := 0; i < 5; i++ {
				c.signal(syscall.SIGURG)
				c.expect("23")
			}
			c.quiet(200 * time.Millisecond)
			c.signal(syscall.SIGKILL)
		})
	}
}

// waitState waits until pid is in one of the states.
func waitState(t *testing.T, pid int, states string) {
	t.Helper()
	if !procwatch.WaitFor(5*time.Second, func() bool {
		s := procwatch.State(pid)
		return s != "" && strings.Contains(states, s)
	}) {
		t.Fatalf("pid %d is in state %q, want one of %q", pid, procwatch.State(pid), states)
	}
}

func TestJobControlSetsid(t *testing.T) {
	for _, debug := range []string{"0", "1"} {
		env := testbin.CleanEnv("DUMB_INIT_DEBUG=" + debug)
		c := startSigprint(t, env, nil)
		for _, s := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN} {
			waitState(t, c.pid, "RS")
			waitState(t, c.cmd.Process.Pid, "RS")
			c.signal(s)
			// Rewritten to SIGSTOP: the child stops without seeing
			// anything, and the init stops itself.
			waitState(t, c.pid, "T")
			waitState(t, c.cmd.Process.Pid, "T")
			c.signal(syscall.SIGCONT)
			c.expect(num(syscall.SIGCONT))
			waitState(t, c.pid, "RS")
			waitState(t, c.cmd.Process.Pid, "RS")
		}
		c.signal(syscall.SIGKILL)
	}
}

func TestJobControlRewritten(t *testing.T) {
	// The user's rewrite replaces the default SIGSTOP, but the init still
	// stops itself.
	for _, env := range [][]string{testbin.CleanEnv(), testbin.CleanEnv("DUMB_INIT_SETSID=0")} {
		c := startSigprint(t, env, []string{"-r", "21:15", "-r", "22:2", "-r", "20:1"})
		for s, want := range map[syscall.Signal]syscall.Signal{21: 15, 22: 2, 20: 1} {
			waitState(t, c.cmd.Process.Pid, "RS")
			c.signal(s)
			c.expect(num(want))
			waitState(t, c.cmd.Process.Pid, "T")
			c.signal(syscall.SIGCONT)
			c.expect(num(syscall.SIGCONT))
			waitState(t, c.cmd.Process.Pid, "RS")
		}
		c.signal(syscall.SIGKILL)
	}
}

func TestJobControlSingleChild(t *testing.T) {
	c := startSigprint(t, testbin.CleanEnv(), []string{"-c"})
	for _, s := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN} {
		waitState(t, c.cmd.Process.Pid, "RS")
		c.signal(s)
		// Forwarded as it is (the child decides), and the init stops.
		c.expect(num(s))
		waitState(t, c.cmd.Process.Pid, "T")
		c.signal(syscall.SIGCONT)
		c.expect(num(syscall.SIGCONT))
		waitState(t, c.cmd.Process.Pid, "RS")
		waitState(t, c.pid, "RS")
	}
	c.signal(syscall.SIGKILL)
}

func TestExitStatus(t *testing.T) {
	for code := 0; code < 256; code++ {
		setsid, debug := []string{"1", "0"}[code%2], []string{"0", "1"}[(code/2)%2]
		r := run(t, testbin.CleanEnv("DUMB_INIT_SETSID="+setsid, "DUMB_INIT_DEBUG="+debug), "sh", "-c", "exit "+strconv.Itoa(code))
		if r.code != code {
			t.Errorf("exit %d (setsid=%s): init exited %d; stderr %q", code, setsid, r.code, r.stderr)
		}
	}
}

func TestExitStatusKilledBySignal(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		for _, s := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGKILL, syscall.SIGUSR1, syscall.SIGSEGV, syscall.SIGTERM} {
			r := run(t, env, "sh", "-c", "kill -"+num(s)+" $$")
			if r.code != 128+int(s) {
				t.Errorf("child killed by %d: init exited %d, want %d", s, r.code, 128+int(s))
			}
		}
	})
}

// A process group is signalled as a whole in setsid mode and not at all in
// single-child mode; shown with a shell that runs two sleeps in the
// background and waits.
func TestGroupVersusSingleChild(t *testing.T) {
	script := `sleep 1000 & sleep 1000 & echo started; wait`
	for _, single := range []bool{false, true} {
		env := testbin.CleanEnv()
		if single {
			env = testbin.CleanEnv("DUMB_INIT_SETSID=0")
		}
		c := startShell(t, env, script)
		sleeps := waitDescendants(t, c.cmd.Process.Pid, 3)
		c.cmd.Process.Signal(syscall.SIGTERM)
		code := c.wait(5 * time.Second)
		if code != 143 {
			t.Errorf("single=%v: init exited %d, want 143", single, code)
		}
		alive := 0
		time.Sleep(200 * time.Millisecond)
		for _, p := range sleeps {
			if s := procwatch.State(p); s != "" && s != "Z" {
				alive++
			}
		}
		// setsid: the shell and both sleeps got SIGTERM. Single child:
		// only the shell did; the sleeps live on.
		want := 0
		if single {
			want = 2
		}
		if alive != want {
			t.Errorf("single=%v: %d of the shell's processes alive after SIGTERM, want %d", single, alive, want)
		}
	}
}

// waitDescendants waits until pid has n descendants and returns them.
func waitDescendants(t *testing.T, pid, n int) []int {
	t.Helper()
	var got []int
	if !procwatch.WaitFor(5*time.Second, func() bool {
		got = procwatch.Descendants(pid)
		return len(got) >= n
	}) {
		t.Fatalf("pid %d has %d descendants, want %d", pid, len(got), n)
	}
	return got
}
