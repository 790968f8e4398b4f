package e2e

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/testbin"
)

// masked returns a command prefix that starts the rest with sig blocked in
// the whole process: Perl is single-threaded, so once it has blocked the
// signal no thread can take it, and execve keeps the mask and any pending
// signal. (A Go wrapper cannot do this: its runtime threads would take the
// signal and drop it.)
func masked(sig syscall.Signal) []string {
	return []string{"perl", "-MPOSIX", "-e",
		`sigprocmask(SIG_BLOCK, POSIX::SigSet->new(` + num(sig) + `)) or die "sigprocmask: $!"; exec {$ARGV[0]} @ARGV or die "exec: $!"`, "--"}
}

// A signal that reaches the init before its child exists is forwarded once
// the child exists: exactly once. The signal is sent the moment the process
// that becomes the init (a wrapper, which then executes the init) has
// SIGUSR1 blocked. The whole chain keeps it blocked until it is caught, so
// neither the init's runtime before it catches signals nor the child before
// its handler is ready can lose it or die of it; what is tested is that the
// init queues it and forwards it once the child exists.
func TestSignalDuringStartupForwardedOnce(t *testing.T) {
	for _, single := range []bool{false, true} {
		env := testbin.CleanEnv()
		if single {
			env = testbin.CleanEnv("DUMB_INIT_SETSID=0")
		}
		for i := 0; i < iterations(25, 1000); i++ {
			c := startRaw(t, env, append(masked(syscall.SIGUSR1), testbin.Init(t), testbin.Helper(t, "sigprint"))...)
			pid := c.cmd.Process.Pid
			// Blocked by the wrapper, or the wrapper has already
			// executed the init, which inherited the mask.
			if !testbin.WaitFor(5*time.Second, func() bool {
				st, _ := testbin.ReadStat(pid)
				return testbin.Blocks(pid, syscall.SIGUSR1) || st.Comm == "dumb-init"
			}) {
				t.Fatalf("SIGUSR1 never blocked in %d", pid)
			}
			_ = syscall.Kill(pid, syscall.SIGUSR1)
			c.receivesOnce(syscall.SIGUSR1)
		}
	}
}

// A signal sent after the init announced it is running (its first debug
// line) but possibly before the child is started is forwarded exactly once.
func TestSignalBeforeChildForwardedOnce(t *testing.T) {
	for i := 0; i < iterations(25, 1000); i++ {
		c := startRaw(t, testbin.CleanEnv("DUMB_INIT_DEBUG=1"), append(masked(syscall.SIGUSR2), testbin.Init(t), testbin.Helper(t, "sigprint"))...)
		// (SIGUSR2 blocked only to protect the child's start.)
		if !testbin.WaitFor(5*time.Second, func() bool { return strings.Contains(c.stderr.String(), "Running in debug mode") }) {
			t.Fatalf("no debug line: %q", c.stderr.String())
		}
		c.signal(syscall.SIGUSR2)
		c.receivesOnce(syscall.SIGUSR2)
	}
}

// receivesOnce asserts the child gets ready, then receives sig exactly once;
// then it ends the init.
func (c *child) receivesOnce(sig syscall.Signal) {
	c.t.Helper()
	if l := c.next(10 * time.Second); !strings.HasPrefix(l, "ready") {
		c.t.Fatalf("got %q, want ready line", l)
	}
	c.expect(num(sig))
	c.quiet(50 * time.Millisecond)
	c.signal(syscall.SIGKILL)
	c.wait(5 * time.Second)
}
