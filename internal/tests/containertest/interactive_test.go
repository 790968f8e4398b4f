//go:build containers

package containertest

import (
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// output collects what a process writes (a pty's screen, a task's
// output) while the test reads it.
type output struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (s *output) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *output) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// docker run -it of sh under dumb-init, driven through a real pty: the
// shell gets the terminal as its controlling terminal and job control
// works; Ctrl-C interrupts the foreground job and Ctrl-Z stops it, the
// shell survives both and dumb-init exits with the shell's status.
func TestDockerInteractive(t *testing.T) {
	img := binaryImage(t)
	name := prefix + "-" + runID + "-interactive"
	_, _ = dockerErrOK("rm", "-f", name)
	t.Cleanup(func() { _, _ = dockerErrOK("rm", "-f", name) })
	interactiveShell(t, exec.Command("docker", "run", "-it", "--name", name, "--entrypoint", "/usr/local/bin/dumb-init", img, "sh"))
}

// interactiveShell runs cmd (a container runtime starting busybox sh under
// dumb-init with a terminal) on a pty and plays a user: the shell owns the
// terminal, Ctrl-C interrupts and Ctrl-Z stops its foreground job, and the
// shell's exit status comes back.
func interactiveShell(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	out := &output{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				out.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	expect := func(want string) {
		t.Helper()
		if !waitUntil(15*time.Second, func() bool { return strings.Contains(out.String(), want) }) {
			t.Fatalf("terminal never showed %q; screen:\n%s", want, out.String())
		}
	}
	send := func(s string) {
		t.Helper()
		if _, err := ptmx.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	send("echo tty=$(tty) pgid-ok=$( [ $(cut -d' ' -f8 /proc/$$/stat) -eq $$ ] && echo yes)\r")
	expect("tty=/dev/pts/0 pgid-ok=yes")
	send("sleep 30\r")
	time.Sleep(500 * time.Millisecond)
	send("\x03") // Ctrl-C
	send("echo after-int=$?\r")
	expect("after-int=130")
	send("sleep 31\r")
	time.Sleep(500 * time.Millisecond)
	send("\x1a") // Ctrl-Z
	expect("Stopped")
	send("kill -9 %1; sleep 0.3; jobs; echo after-stop-$((40+2))\r")
	expect("after-stop-42")
	send("exit 3\r")
	// ash refuses the first exit while it still lists a stopped job.
	if waitUntil(time.Second, func() bool { return strings.Contains(out.String(), "You have stopped jobs") }) {
		send("exit 3\r")
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not end; screen:\n%s", cmd.Args[0], out.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("exit %d, want the shell's 3; screen:\n%s", code, out.String())
	}
}
