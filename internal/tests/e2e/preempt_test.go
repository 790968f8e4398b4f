//go:build e2e

package e2e

import (
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// storm keeps the init busy for d with a mix of signals, with debug output on
// (allocations, hence garbage collections, hence preemption requests), then
// stops the child with SIGTERM and returns how many SIGURGs the child saw and
// how many signals it saw in all.
func storm(t *testing.T, bin string, env []string, d time.Duration) (urg, total int) {
	t.Helper()
	c := startWith(t, bin, append(env, "DUMB_INIT_DEBUG=1"), nil, nil, "-exit", "15")
	lines := make(chan []string, 1)
	go func() { lines <- c.rest(d + 30*time.Second) }()
	pid := c.cmd.Process.Pid
	deadline := time.Now().Add(d)
	for n := 0; time.Now().Before(deadline); n++ {
		for _, s := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGWINCH, syscall.SIGUSR2, 40} {
			_ = syscall.Kill(pid, s)
		}
	}
	time.Sleep(100 * time.Millisecond)
	_ = syscall.Kill(pid, syscall.SIGTERM)
	if code := c.wait(30 * time.Second); code != 0 {
		t.Fatalf("init exited %d after the storm, want 0", code)
	}
	for _, l := range <-lines {
		total++
		if l == "23" {
			urg++
		}
	}
	return urg, total
}

// No build of the init forwards a SIGURG that the Go runtime sent itself.
func TestNoSpuriousSIGURG(t *testing.T) {
	for _, build := range []string{"release", "plain"} {
		t.Run(build, func(t *testing.T) {
			bin := testbin.Init(t)
			if build == "plain" {
				bin = testbin.PlainInit(t)
			}
			urg, total := storm(t, bin, testbin.CleanEnv(), 3*time.Second)
			t.Logf("%s build: child received %d signals, %d of them SIGURG", build, total, urg)
			if total < 100 {
				t.Errorf("the storm reached the child only %d times", total)
			}
			if urg != 0 {
				t.Errorf("child received %d SIGURG nobody sent", urg)
			}
		})
	}
}

// The storm above can fail: an init whose runtime preempts asynchronously
// does forward SIGURGs. A plain build that is told it has already
// re-executed itself runs unprotected; the same storm must catch it.
func TestSpuriousSIGURGControl(t *testing.T) {
	for attempt := 1; attempt <= 3; attempt++ {
		urg, total := storm(t, testbin.PlainInit(t), testbin.CleanEnv("DUMB_INIT_INTERNAL_GODEBUG=-"), 3*time.Second)
		t.Logf("unprotected build, attempt %d: child received %d signals, %d of them SIGURG", attempt, total, urg)
		if urg > 0 {
			return
		}
	}
	t.Errorf("the storm never made an unprotected init forward SIGURG: the protection test proves nothing")
}
