//go:build e2e

package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// masked returns a command prefix that starts the rest with sig blocked in
// the whole process: Perl is single-threaded, so once it has blocked the
// signal no thread can take it, and execve keeps the mask and any pending
// signal. (A Go wrapper cannot do this: its runtime threads would take the
// signal and drop it.)
func masked(sigs ...syscall.Signal) []string {
	var list []string
	for _, sig := range sigs {
		list = append(list, num(sig))
	}
	return []string{"perl", "-MPOSIX", "-e",
		`sigprocmask(SIG_BLOCK, POSIX::SigSet->new(` + strings.Join(list, ",") + `)) or die "sigprocmask: $!"; exec {$ARGV[0]} @ARGV or die "exec: $!"`, "--"}
}

// A signal that reaches the init before its child exists is forwarded once
// the child exists. The signal is sent the moment the process that becomes
// the init (a wrapper, which then executes the init) has SIGUSR1 blocked, so
// it is pending from before the init's first instruction. The command is the
// benchmark's C helper, which blocks every signal first thing and reports
// what it got: it either reports SIGUSR1 exactly once or, when the init
// forwarded it before the helper's first instruction (the command starts with
// an empty mask and default dispositions, as under dumb-init 1.2.5), dies of
// it, which the init reports as 128+10.
func TestSignalDuringStartupForwardedOnce(t *testing.T) {
	helper := testbin.CHelper(t)
	for _, single := range []bool{false, true} {
		env := testbin.CleanEnv()
		if single {
			env = testbin.CleanEnv("DUMB_INIT_SETSID=0")
		}
		for i := 0; i < iterations(25, 1000); i++ {
			c := startRaw(t, env, append(masked(syscall.SIGUSR1), testbin.Init(t), helper, "early", "100")...)
			pid := c.cmd.Process.Pid
			// Blocked by the wrapper, or the wrapper has already
			// executed the init, which inherited the mask.
			if !procwatch.WaitFor(5*time.Second, func() bool {
				st, _ := procwatch.ReadStat(pid)
				return procwatch.Blocks(pid, syscall.SIGUSR1) || st.Comm == "dumb-init"
			}) {
				t.Fatalf("SIGUSR1 never blocked in %d", pid)
			}
			_ = syscall.Kill(pid, syscall.SIGUSR1)
			c.forwardedOnce(syscall.SIGUSR1)
		}
	}
}

// A signal sent after the init announced it is running (its first debug
// line) but possibly before the child is started is forwarded exactly once.
func TestSignalBeforeChildForwardedOnce(t *testing.T) {
	helper := testbin.CHelper(t)
	for i := 0; i < iterations(25, 1000); i++ {
		c := startRaw(t, testbin.CleanEnv("DUMB_INIT_DEBUG=1"), testbin.Init(t), helper, "early", "100")
		if !procwatch.WaitFor(5*time.Second, func() bool { return strings.Contains(c.stderr.String(), "Running in debug mode") }) {
			t.Fatalf("no debug line: %q", c.stderr.String())
		}
		c.signal(syscall.SIGUSR2)
		c.forwardedOnce(syscall.SIGUSR2)
	}
}

// forwardedOnce asserts that the helper in "early" mode reported sig exactly
// once and exited 0, or died of it (the init exits 128+sig).
func (c *child) forwardedOnce(sig syscall.Signal) {
	c.t.Helper()
	var lines []string
	for _, l := range c.rest(10 * time.Second) {
		if !strings.HasPrefix(l, "t ") { // the helper's "ready" time
			lines = append(lines, l)
		}
	}
	status := c.wait(5 * time.Second)
	switch {
	case status == 128+int(sig) && len(lines) == 0:
	case status == 0 && len(lines) == 1 && lines[0] == num(sig):
	default:
		c.t.Fatalf("helper reported %q, init exited %d: want %s once (status 0) or status %d", lines, status, num(sig), 128+int(sig))
	}
}
