//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// tiniLink makes a symlink with the given name to the release binary, as a
// user (or the .deb, or docker's --init-path) would.
func tiniLink(t *testing.T, name string) string {
	t.Helper()
	link := filepath.Join(t.TempDir(), name)
	if err := os.Symlink(testbin.Init(t), link); err != nil {
		t.Fatal(err)
	}
	return link
}

// The command line, exit statuses and version line of tini 0.19, checked
// against the real tini where Debian's package is installed.
func TestTiniCommandLine(t *testing.T) {
	testbin.Cleanup(t)
	env := testbin.CleanEnv()
	dir := t.TempDir()
	notExec := filepath.Join(dir, "data")
	os.WriteFile(notExec, []byte("x"), 0o644)
	cases := []struct {
		args []string
		env  string
		code int
	}{
		{[]string{"--", "sh", "-c", "exit 3"}, "", 3},
		{[]string{"sh", "-c", "exit 3"}, "", 1}, // getopt permutes: -c is tini's, and unknown
		{[]string{"-e", "3", "--", "sh", "-c", "exit 3"}, "", 0},
		{[]string{"-e", "3", "-e", "4", "--", "sh", "-c", "exit 4"}, "", 0},
		{[]string{"-e3", "--", "sh", "-c", "exit 5"}, "", 5},
		{[]string{"--", "sh", "-c", "kill -TERM $$"}, "", 143},
		{[]string{"-e", "143", "--", "sh", "-c", "kill -TERM $$"}, "", 0},
		{[]string{"-e", "256", "--", "true"}, "", 1},
		{[]string{"-p", "SIGTERM", "--", "true"}, "", 0},
		{[]string{"-s", "-g", "-w", "-vvv", "--", "true"}, "", 0},
		{[]string{"--", "/nonexistent/cmd"}, "", 127},
		{[]string{"--", notExec}, "", 126},
		{[]string{"-x", "--", "true"}, "", 1},
		{[]string{"-p"}, "", 1},
		{nil, "", 1},
		{[]string{"true", "-s"}, "", 0},
		{[]string{"-h"}, "", 0},
		{[]string{"--", "true"}, "TINI_SUBREAPER=", 0},
		{[]string{"--", "sh", "-c", "exit 2"}, "TINI_VERBOSITY=0", 2},
	}
	ours := tiniLink(t, "tini")
	real, _ := exec.LookPath("tini")
	if real == "" {
		t.Log("Debian's tini is not installed: checking our expectations only")
	}
	for _, c := range cases {
		e := env
		if c.env != "" {
			e = append(append([]string{}, env...), c.env)
		}
		r := runProg(t, ours, e, c.args...)
		if r.code != c.code {
			t.Errorf("tini %q (%s): exit %d, want %d; stderr %q", c.args, c.env, r.code, c.code, r.stderr)
		}
		if real != "" {
			if rr := runProg(t, real, e, c.args...); rr.code != r.code {
				t.Errorf("tini %q (%s): ours exits %d, Debian's tini %d", c.args, c.env, r.code, rr.code)
			}
		}
	}

	// dockerd reads `docker-init --version` from stdout as "tini version
	// X - git.COMMIT" and shows COMMIT as the init's version; exit 0.
	want := "tini version 0.19.0 - git.dumb-init-v" + strings.ReplaceAll(version(t), ".", "_") + "\n"
	for _, name := range []string{"docker-init", "tini", "tini-static"} {
		r := runProg(t, tiniLink(t, name), env, "--version")
		if r.code != 0 || r.stdout != want {
			t.Errorf("%s --version: exit %d stdout %q, want %q", name, r.code, r.stdout, want)
		}
		if v, commit := dockerdInitVersion(r.stdout); v != "0.19.0" || commit != "dumb-init-v"+strings.ReplaceAll(version(t), ".", "_") {
			t.Errorf("dockerd would read version %q, commit %q from %q", v, commit, r.stdout)
		}
	}
	r := runProg(t, testbin.Init(t), env, "--tini", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "tini version ") {
		t.Errorf("--tini --version: exit %d %q", r.code, r.stdout)
	}
	r = runProg(t, testbin.Init(t), append(env, "DUMB_INIT_TINI=1"), "-e", "3", "--", "sh", "-c", "exit 3")
	if r.code != 0 {
		t.Errorf("DUMB_INIT_TINI=1 -e 3: exit %d", r.code)
	}
	r = runProg(t, ours, env, "-l")
	if r.code != 0 || !strings.Contains(r.stdout, "MIT License") {
		t.Errorf("-l: exit %d %q", r.code, r.stdout)
	}
	r = runProg(t, testbin.Init(t), env, "-v", "--tini", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "--tini must be the first argument") {
		t.Errorf("--tini later: exit %d %q", r.code, r.stderr)
	}
}

// tini's process model: the child leads a process group of its own in the
// init's session; signals go to the child alone unless -g (or
// TINI_KILL_PROCESS_GROUP); nothing is sent to the group when the child
// exits; SIGTTIN/SIGTTOU are not forwarded and do not stop the init.
func TestTiniSignals(t *testing.T) {
	env := testbin.CleanEnv()
	init := tiniLink(t, "docker-init")

	// The child's group and session.
	c := startWith(t, init, env, nil, []string{"--"}, "-exit", "15")
	st, _ := procwatch.ReadStat(c.pid)
	ist, _ := procwatch.ReadStat(c.cmd.Process.Pid)
	if st.PGrp != c.pid || st.Session != ist.Session {
		t.Errorf("child pgrp %d session %d, want its own group %d in the init's session %d", st.PGrp, st.Session, c.pid, ist.Session)
	}
	c.signal(syscall.SIGTTIN)
	c.signal(syscall.SIGUSR1)
	c.expect("10")
	if s := procwatch.State(c.cmd.Process.Pid); s == "T" {
		t.Error("init stopped on SIGTTIN")
	}
	c.signal(syscall.SIGTERM)
	c.expect("15")
	c.wait(5 * time.Second)

	// Child alone vs. the group: a grandchild in the group reports.
	script := `"$0" & echo started; wait`
	for _, mode := range []struct {
		args []string
		env  string
		want bool
	}{{nil, "", false}, {[]string{"-g"}, "", true}, {nil, "TINI_KILL_PROCESS_GROUP=1", true}} {
		e := env
		if mode.env != "" {
			e = append(append([]string{}, env...), mode.env)
		}
		args := append(append([]string{init}, mode.args...), "--", "sh", "-c", script, testbin.Helper(t, "sigprint"))
		c := startRaw(t, e, args...)
		first := c.next(10 * time.Second)
		second := c.next(10 * time.Second)
		if !(strings.HasPrefix(first, "ready") || strings.HasPrefix(second, "ready")) {
			t.Fatalf("no ready line: %q %q", first, second)
		}
		c.signal(syscall.SIGUSR2)
		got := c.next(time.Second) == "12"
		if got != mode.want {
			t.Errorf("%v %s: grandchild got SIGUSR2 %v, want %v", mode.args, mode.env, got, mode.want)
		}
		c.signal(syscall.SIGKILL)
		c.wait(5 * time.Second)
	}

	// No closing SIGTERM to the group when the child exits.
	c = startRaw(t, env, init, "--", "sh", "-c", `"$0" & sleep 0.3; exit 0`, testbin.Helper(t, "sigprint"))
	if l := c.next(10 * time.Second); !strings.HasPrefix(l, "ready") {
		t.Fatalf("got %q", l)
	}
	if code := c.wait(5 * time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
	c.quiet(300 * time.Millisecond)
}

// As PID 1 (docker run --init), the tini mode reaps orphans; -w warns for
// each; TINI_SUBREAPER does the same when not PID 1.
func TestTiniReaping(t *testing.T) {
	env := testbin.CleanEnv()
	init := tiniLink(t, "docker-init")
	r := runProg(t, init, append(env, "TINI_SUBREAPER="), "-w", "--", "sh", "-c", "(sleep 0.1 &); sleep 0.4")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: reaped zombie PID") || !strings.Contains(r.stderr, "(sleep)") {
		t.Errorf("subreaper -w: exit %d stderr %q", r.code, r.stderr)
	}
	r = runProg(t, init, env, "--", "true")
	if !strings.Contains(r.stderr, "not PID 1 and not a child subreaper") {
		t.Errorf("want the warning tini gives when it cannot reap; stderr %q", r.stderr)
	}
	r = runProg(t, init, append(env, "TINI_VERBOSITY=0"), "--", "true")
	if r.stderr != "" {
		t.Errorf("TINI_VERBOSITY=0 should silence warnings; stderr %q", r.stderr)
	}
	prefix := inNamespace(t)
	c := startRaw(t, env, append(prefix, init, "-w", "--", "sh", "-c", "i=0; while [ $i -lt 50 ]; do (sleep 0.05 &); i=$((i+1)); done; sleep 0.5; echo zombies=$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)")...)
	if l := c.next(10 * time.Second); l != "zombies=0" {
		t.Errorf("got %q, want zombies=0", l)
	}
	if code := c.wait(5 * time.Second); code != 0 {
		t.Errorf("exit %d", code)
	}
	if n := strings.Count(c.stderr.String(), "warning: reaped zombie"); n != 50 {
		t.Errorf("%d reap warnings, want 50", n)
	}
}

// In tini mode on a terminal, the child's process group is made the
// terminal's foreground group (as tini does), so it can read the terminal
// without being stopped, and Ctrl-C from the terminal reaches it directly.
func TestTiniForegroundOnTerminal(t *testing.T) {
	cmd, f := startPTY(t, testbin.CleanEnv(), "--tini", "--", "sh", "-c",
		`echo fg=$( [ "$(ps -o tpgid= -p $$ | tr -d ' ')" = "$(ps -o pgid= -p $$ | tr -d ' ')" ] && echo yes || echo no); read x; echo got=$x; trap 'echo got INT; exit 5' INT; echo armed; while :; do sleep 1 & wait $!; done`)
	if _, err := exec.LookPath("ps"); err != nil {
		t.Skip("ps (procps) not installed")
	}
	// A reader goroutine: a read on the terminal blocks until output
	// comes, and a stopped child (the failure this test is for) writes
	// none.
	chunks := make(chan string, 64)
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				chunks <- string(buf[:n])
			}
			if err != nil {
				close(chunks)
				return
			}
		}
	}()
	var seen strings.Builder
	waitFor := func(want string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for !strings.Contains(seen.String(), want) {
			select {
			case c, ok := <-chunks:
				if !ok {
					t.Fatalf("terminal closed before %q: %q", want, seen.String())
				}
				seen.WriteString(c)
			case <-deadline:
				syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
				t.Fatalf("terminal never showed %q: %q", want, seen.String())
			}
		}
	}
	waitFor("fg=yes")
	f.Write([]byte("hello\n"))
	waitFor("got=hello")
	waitFor("armed")
	f.Write([]byte{3}) // Ctrl-C from the terminal, to the foreground group
	waitFor("got INT")
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("init did not exit")
	}
	if code := cmd.ProcessState.ExitCode(); code != 5 {
		t.Errorf("exit %d, want 5", code)
	}
}

// dockerdInitVersion reads a `docker-init --version` line the way dockerd
// does (parseInitVersion in moby's daemon/info_unix.go): the part before
// " - " after "tini version ", and the commit from the next part only when
// it is "git." followed by text without a dot.
func dockerdInitVersion(line string) (version, commit string) {
	parts := strings.Split(line, " - ")
	if len(parts) >= 2 {
		if git := strings.Split(strings.TrimSpace(parts[1]), "."); len(git) == 2 && git[0] == "git" {
			commit = git[1]
		}
	}
	version, _ = strings.CutPrefix(strings.TrimSpace(parts[0]), "tini version ")
	return version, commit
}
