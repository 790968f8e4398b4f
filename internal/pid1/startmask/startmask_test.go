package startmask

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The set helpers agree with each other for every signal, whatever the word
// size of the architecture's sigset.
func TestSetBits(t *testing.T) {
	for sig := unix.Signal(1); sig <= 64; sig++ {
		var set unix.Sigset_t
		Add(&set, sig)
		for other := unix.Signal(1); other <= 64; other++ {
			if got := Has(&set, other); got != (other == sig) {
				t.Fatalf("set with %d: Has(%d) = %v", sig, other, got)
			}
		}
		if !Has(All(), sig) {
			t.Errorf("All() lacks %d", sig)
		}
	}
	var set unix.Sigset_t
	Add(&set, 0)
	Add(&set, 5000)
	if set != (unix.Sigset_t{}) || Has(&set, 0) || Has(All(), 0) {
		t.Error("out-of-range signals must be ignored")
	}
}

// Held reports what was blocked when the process started: a child started
// with SIGUSR1 blocked (and nothing else) holds SIGUSR1 and not SIGWINCH. The
// test runs itself as that child.
func TestHeldIsTheStartMask(t *testing.T) {
	if os.Getenv("STARTMASK_CHILD") == "1" {
		fmt.Printf("usr1=%v winch=%v\n", Held(unix.SIGUSR1), Held(unix.SIGWINCH))
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// syscall.ForkExec gives the child the calling thread's mask.
	runtime.LockOSThread()
	var before, usr1 unix.Sigset_t
	Add(&usr1, unix.SIGUSR1)
	_ = unix.PthreadSigmask(unix.SIG_BLOCK, &usr1, &before)
	pid, err := syscall.ForkExec(os.Args[0], []string{os.Args[0], "-test.run=^TestHeldIsTheStartMask$"},
		&syscall.ProcAttr{Env: append(os.Environ(), "STARTMASK_CHILD=1"), Files: []uintptr{0, w.Fd(), 2}})
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &before, nil)
	runtime.UnlockOSThread()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	var ws syscall.WaitStatus
	_, _ = syscall.Wait4(pid, &ws, 0, nil)
	if !strings.Contains(string(out), "usr1=true winch=false") {
		t.Errorf("child started with SIGUSR1 blocked reports %q", out)
	}
}
