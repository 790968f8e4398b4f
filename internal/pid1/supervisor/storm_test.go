package supervisor

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/diag"
	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
)

// childOf finds the pid of this process's child running comm.
func childOf(comm string) int {
	pid := 0
	procfs.Scan(func(p procfs.Stat) {
		if p.PPid == os.Getpid() && string(p.Comm) == comm {
			pid = p.Pid
		}
	})
	return pid
}

// The supervisor runs in this test process, so its goroutines can be
// counted (from outside only threads are visible): a storm of 100,000 mixed
// signals, some of them held by --delay, leaves the goroutine count where it
// was when idle, and the child's status comes back.
func TestStormLeavesGoroutineCount(t *testing.T) {
	if testing.Short() {
		t.Skip("storm")
	}
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	sigs := Catch()
	var delay [signals.NSig]clock.Duration
	delay[syscall.SIGWINCH] = 20 * clock.Millisecond
	cfg := Config{
		Command: []string{"/bin/sh", "-c", `trap "" HUP USR1 USR2 WINCH 40; while :; do sleep 1 & wait $!; done`},
		Env:     os.Environ(),
		Log:     &diag.Log{},
		Delay:   &delay,
	}
	status := make(chan int, 1)
	go func() { status <- Run(cfg, sigs) }()
	var child int
	deadline := time.Now().Add(5 * time.Second)
	for child == 0 && time.Now().Before(deadline) {
		child = childOf("sh")
		time.Sleep(10 * time.Millisecond)
	}
	if child == 0 {
		t.Fatal("child not started")
	}
	// One held signal first, so the alarm's goroutine exists in the idle
	// count (it lives as long as the supervisor).
	_ = unix.Kill(os.Getpid(), syscall.SIGWINCH)
	time.Sleep(300 * time.Millisecond)
	runtime.GC()
	idle := runtime.NumGoroutine()

	storm := []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP, syscall.SIGWINCH, 40}
	for i := 0; i < 100000; i++ {
		_ = unix.Kill(os.Getpid(), storm[i%len(storm)])
	}
	time.Sleep(500 * time.Millisecond)
	runtime.GC()
	after := runtime.NumGoroutine()
	t.Logf("goroutines: %d idle, %d after 100,000 signals", idle, after)
	if after != idle {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines %d after the storm, %d idle:\n%s", after, idle, buf[:runtime.Stack(buf, true)])
	}
	_ = unix.Kill(child, syscall.SIGTERM)
	select {
	case code := <-status:
		if code != 128+int(syscall.SIGTERM) {
			t.Errorf("status %d, want 143", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("supervisor did not return")
	}
}
