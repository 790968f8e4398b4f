//go:build e2e

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// startPTY starts the init on a new pseudo-terminal, as leader of a new
// session with the terminal as its controlling terminal (like docker run -t).
func startPTY(t *testing.T, env []string, args ...string) (*exec.Cmd, *os.File) {
	t.Helper()
	testbin.Cleanup(t)
	cmd := exec.Command(testbin.Init(t), args...)
	cmd.Env = env
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	// Raw-ish: no output post-processing, no echo, so what we read is
	// what the programs wrote.
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	return cmd, f
}

// readPTY reads until EOF (EIO once every slave is closed) or timeout.
func readPTY(t *testing.T, f *os.File, timeout time.Duration) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		var b []byte
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				done <- string(b)
				return
			}
		}
	}()
	select {
	case s := <-done:
		return s
	case <-time.After(timeout):
		f.Close()
		return <-done + "\n<timeout>"
	}
}

func waitCmd(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode()
}

func TestTTYTac(t *testing.T) {
	for _, setsid := range []string{"1", "0"} {
		cmd, f := startPTY(t, testbin.CleanEnv("DUMB_INIT_SETSID="+setsid), "tac")
		f.Write([]byte("1\n2\n3\n"))
		f.Write([]byte{4, 4}) // EOF twice: end the partial line, then the input
		out := readPTY(t, f, 10*time.Second)
		if code := waitCmd(t, cmd); code != 0 || out != "3\n2\n1\n" {
			t.Errorf("setsid=%s: code %d output %q", setsid, code, out)
		}
	}
}

// The child takes over the terminal: a shell under the init has job
// control, in both modes.
func TestTTYJobControl(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	modes(t, func(t *testing.T, env []string) {
		cmd, f := startPTY(t, env, "bash", "--norc", "-m")
		f.Write([]byte("echo \"flags are: [[$-]]\"\n"))
		f.Write([]byte("exit 0\n"))
		out := readPTY(t, f, 10*time.Second)
		if code := waitCmd(t, cmd); code != 0 {
			t.Fatalf("code %d, output %q", code, out)
		}
		m := regexp.MustCompile(`flags are: \[\[([a-zA-Z]+)\]\]`).FindStringSubmatch(out)
		if m == nil || !strings.Contains(m[1], "m") {
			t.Errorf("no job control in the shell: %q", out)
		}
	})
}

// In setsid mode the child is leader of a new session whose controlling
// terminal is the init's former one, and the child's group is in the
// foreground.
func TestTTYHandedToChild(t *testing.T) {
	cmd, f := startPTY(t, testbin.CleanEnv(), "sh", "-c", `set -- $(cut -d')' -f2 /proc/$$/stat); echo "pid=$$ pgid=$3 sid=$4 tty=$5 tpgid=$6"; echo "tty=$(tty)"`)
	out := readPTY(t, f, 10*time.Second)
	if code := waitCmd(t, cmd); code != 0 {
		t.Fatalf("code %d, output %q", code, out)
	}
	m := regexp.MustCompile(`pid=(\d+) pgid=(\d+) sid=(\d+) tty=(\d+) tpgid=(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output %q", out)
	}
	if m[1] != m[2] || m[1] != m[3] || m[1] != m[5] || m[4] == "0" {
		t.Errorf("child pid/pgid/sid/tty/tpgid = %v, want a session leader owning the terminal in the foreground", m[1:])
	}
	if !strings.Contains(out, "tty=/dev/pts/") {
		t.Errorf("child has no terminal: %q", out)
	}
}

// Giving up the terminal as session leader makes the kernel send the init
// SIGHUP and SIGCONT; exactly those first two are not forwarded.
func TestTTYHandoffSignalsIgnoredOnce(t *testing.T) {
	cmd, f := startPTY(t, testbin.CleanEnv(), "-v", "sleep", "20")
	outc := make(chan string, 1)
	go func() { outc <- readPTY(t, f, 15*time.Second) }()
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGHUP)
	out := <-outc
	waitCmd(t, cmd)
	for _, want := range []string{
		"[dumb-init] Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.",
		"[dumb-init] Ignoring tty hand-off signal 1.",
		"[dumb-init] Ignoring tty hand-off signal 18.",
		"[dumb-init] Forwarded signal 1 to children.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Forwarded signal 18 to children.") {
		t.Errorf("the hand-off SIGCONT was forwarded:\n%s", out)
	}
}

// A terminal on stdin that belongs to another session is never stolen, even
// by a privileged init: the child runs without a controlling terminal and the
// owner keeps it.
func TestTTYNotStolen(t *testing.T) {
	testbin.Cleanup(t)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	// The owner: a session leader holding the terminal.
	owner := exec.Command("sleep", "30")
	owner.Stdin, owner.Stdout, owner.Stderr = tty, tty, tty
	owner.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := owner.Start(); err != nil {
		t.Fatal(err)
	}
	defer owner.Process.Kill()
	// The init: stdin is that terminal, but it is not the init's
	// controlling terminal.
	outf, _ := os.Create(t.TempDir() + "/out")
	cmd := exec.Command(testbin.Init(t), "-v", "sh", "-c", `set -- $(cut -d')' -f2 /proc/$$/stat); echo "tty=$5"`)
	cmd.Env = testbin.CleanEnv()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, outf, outf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	out := readFile(t, outf.Name())
	if !strings.Contains(out, "tty=0\n") {
		t.Errorf("child took a terminal that belongs to another session:\n%s", out)
	}
	st, _ := procwatch.ReadStat(owner.Process.Pid)
	if owner.ProcessState != nil || st.State == 0 {
		t.Fatalf("owner gone")
	}
	if fields := strings.Fields(readFile(t, "/proc/"+strconv.Itoa(owner.Process.Pid)+"/stat")); fields[6] == "0" {
		t.Errorf("the owner lost its controlling terminal")
	}
}
