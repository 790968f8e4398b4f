//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

func TestMain(m *testing.M) { os.Exit(testbin.Main(m)) }

// modes runs f for setsid and single-child mode, each with debug on and off.
func modes(t *testing.T, f func(t *testing.T, env []string)) {
	for _, setsid := range []string{"1", "0"} {
		for _, debug := range []string{"0", "1"} {
			name := "setsid=" + setsid + ",debug=" + debug
			env := testbin.CleanEnv("DUMB_INIT_SETSID="+setsid, "DUMB_INIT_DEBUG="+debug)
			t.Run(name, func(t *testing.T) { f(t, env) })
		}
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs the init with args to completion (at most 20 s).
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runIn(t, "", env, args...)
}

func runIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runProgIn(t, testbin.Init(t), dir, env, args...)
}

// runProg runs prog (the init under another name, a peer) like run.
func runProg(t *testing.T, prog string, env []string, args ...string) result {
	t.Helper()
	return runProgIn(t, prog, "", env, args...)
}

func runProgIn(t *testing.T, prog, dir string, env []string, args ...string) result {
	t.Helper()
	testbin.Cleanup(t)
	cmd := exec.Command(prog, args...)
	cmd.Env = env
	cmd.Dir = dir
	// Files, not pipes: Wait must not wait for survivors that inherited
	// them.
	tmp := t.TempDir()
	outf, _ := os.Create(tmp + "/stdout")
	errf, _ := os.Create(tmp + "/stderr")
	defer outf.Close()
	defer errf.Close()
	cmd.Stdout, cmd.Stderr = outf, errf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s %v did not exit within 20s; stderr:\n%s", prog, args, (&fileText{errf.Name()}).String())
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: (&fileText{outf.Name()}).String(), stderr: (&fileText{errf.Name()}).String()}
}

// child is a running init with a sigprint child whose output is read line by
// line.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	pid    int // sigprint's pid
	stderr *fileText
}

// fileText reads a file that another process writes.
type fileText struct{ path string }

func (f *fileText) String() string {
	b, _ := os.ReadFile(f.path)
	return string(b)
}

var readyRE = regexp.MustCompile(`^ready \(pid: ([0-9]+)\)$`)

// startSigprint starts `dumb-init args... sigprint sigargs...` and waits for
// the child's ready line.
func startSigprint(t *testing.T, env []string, initArgs []string, sigArgs ...string) *child {
	t.Helper()
	return startWith(t, testbin.Init(t), env, nil, initArgs, sigArgs...)
}

func startWith(t *testing.T, init string, env []string, prefix []string, initArgs []string, sigArgs ...string) *child {
	t.Helper()
	args := append(append(append([]string{}, prefix...), init), initArgs...)
	args = append(args, testbin.Helper(t, "sigprint"))
	args = append(args, sigArgs...)
	c := startRaw(t, env, args...)
	line := c.next(10 * time.Second)
	m := readyRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("expected ready line, got %q; stderr:\n%s", line, c.stderr.String())
	}
	c.pid, _ = strconv.Atoi(m[1])
	return c
}

// startShell starts the init with `sh -c script` and waits for the script
// to print "started".
func startShell(t *testing.T, env []string, script string) *child {
	t.Helper()
	c := startRaw(t, env, testbin.Init(t), "sh", "-c", script)
	if l := c.next(10 * time.Second); l != "started" {
		t.Fatalf("script printed %q, want started; stderr:\n%s", l, c.stderr.String())
	}
	return c
}

// startRaw starts args (the init, possibly behind a wrapper) with stdout
// read line by line.
func startRaw(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	testbin.Cleanup(t)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// stderr goes to a file, not a pipe: os/exec's Wait would otherwise
	// wait for every process holding the pipe, including survivors the
	// test means to leave alive.
	errf, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { errf.Close() })
	c := &child{t: t, cmd: cmd, lines: make(chan string, 1<<16), stderr: &fileText{errf.Name()}}
	cmd.Stderr = errf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	return c
}

// next returns the next line of the child's output ("" at EOF or timeout).
func (c *child) next(timeout time.Duration) string {
	select {
	case l, ok := <-c.lines:
		if !ok {
			return ""
		}
		return l
	case <-time.After(timeout):
		return ""
	}
}

// expect asserts the next line is want.
func (c *child) expect(want string) {
	c.t.Helper()
	if got := c.next(5 * time.Second); got != want {
		c.t.Fatalf("child printed %q, want %q; init stderr:\n%s", got, want, c.stderr.String())
	}
}

// quiet asserts the child prints nothing within d.
func (c *child) quiet(d time.Duration) {
	c.t.Helper()
	if got := c.next(d); got != "" {
		c.t.Fatalf("child printed %q, want nothing", got)
	}
}

// signal sends sig to the init.
func (c *child) signal(sig syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signal %d to init: %v", sig, err)
	}
}

// wait waits for the init to exit and returns its status.
func (c *child) wait(timeout time.Duration) int {
	c.t.Helper()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		c.t.Fatalf("init did not exit within %v; stderr:\n%s", timeout, c.stderr.String())
	}
	return c.cmd.ProcessState.ExitCode()
}

// rest drains the remaining output of the child until EOF.
func (c *child) rest(timeout time.Duration) []string {
	var out []string
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				return out
			}
			out = append(out, l)
		case <-deadline:
			return out
		}
	}
}

func version(t *testing.T) string {
	b, err := os.ReadFile(testbin.Root() + "/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
