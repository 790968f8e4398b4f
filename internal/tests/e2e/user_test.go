//go:build e2e

package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// The account files the --user tests mount over /etc/passwd and /etc/group,
// in a mount namespace of their own: users that exist nowhere else.
const (
	testPasswd = "root:x:0:0:root:/root:/bin/sh\napp:x:4242:4242:App:/home/app:/bin/sh\n"
	testGroup  = "root:x:0:\napp:x:4242:\nlogs:x:4300:other,app\nwheel:x:10:\n"
)

// inAccounts returns the argv that runs the init, with args, in a private
// mount namespace where /etc/passwd and /etc/group are the test's (bind
// mounts, gone with the namespace). exec keeps the pid, so the init is the
// process the caller started.
func inAccounts(t *testing.T, args ...string) []string {
	t.Helper()
	testbin.NeedRoot(t)
	dir := t.TempDir()
	passwd, group := filepath.Join(dir, "passwd"), filepath.Join(dir, "group")
	if err := os.WriteFile(passwd, []byte(testPasswd), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(group, []byte(testGroup), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"`
	return append([]string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", passwd, group, testbin.Init(t)}, args...)
}

func runAccounts(t *testing.T, args ...string) result {
	t.Helper()
	argv := inAccounts(t, args...)
	return runProg(t, argv[0], testbin.CleanEnv("HOME=/root"), argv[1:]...)
}

// --user runs the command with the ids, groups and HOME of a user that
// exists only in the (namespace's) account files, in both modes; the init
// itself stays root.
func TestUserSwitch(t *testing.T) {
	report := `echo "uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME"; grep '^Uid' /proc/$PPID/status`
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--user", "app"}, "uid=4242 gid=4242 groups=4242 4300 home=/home/app\n"},
		{[]string{"-c", "--user", "app"}, "uid=4242 gid=4242 groups=4242 4300 home=/home/app\n"},
		{[]string{"--user", "4242"}, "uid=4242 gid=4242 groups=4242 4300 home=/home/app\n"},
		{[]string{"--user", "app:wheel"}, "uid=4242 gid=10 groups=10 home=/home/app\n"},
		{[]string{"--user", "5000:5001"}, "uid=5000 gid=5001 groups=5001 home=/\n"},
		{[]string{"--user", "5000"}, "uid=5000 gid=0 groups=0 home=/\n"},
		// DUMB_INIT_USER, here in tini's mode.
		{[]string{"DUMB_INIT_USER=app:logs", "DUMB_INIT_TINI=1"}, "uid=4242 gid=4300 groups=4300 home=/home/app\n"},
	}
	for _, c := range cases {
		var r result
		if strings.HasPrefix(c.args[0], "DUMB_INIT_") {
			argv := inAccounts(t, "--", "sh", "-c", report)
			r = runProg(t, argv[0], testbin.CleanEnv(append(c.args, "HOME=/root")...), argv[1:]...)
		} else {
			r = runAccounts(t, append(c.args, "sh", "-c", report)...)
		}
		if r.code != 0 || !strings.HasPrefix(r.stdout, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q first", c.args, r.code, r.stdout, r.stderr, c.want)
		}
		if !strings.Contains(r.stdout, "Uid:\t0\t0\t0\t0") {
			t.Errorf("%q: the init is not root any more: %q", c.args, r.stdout)
		}
	}
}

// Refusals come before anything starts: one line, exit 1.
func TestUserRefused(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	for args, want := range map[string]string{
		"bob":       "--user bob: no user 'bob' in /etc/passwd\n",
		"app:staff": "--user app:staff: no group 'staff' in /etc/group\n",
		"app:":      "invalid user 'app:': expected USER or USER:GROUP, each a name or a numeric id\n",
	} {
		r := runAccounts(t, "--user", args, "touch", marker)
		if r.code != 1 || !strings.HasSuffix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("--user %s: exit %d, stderr %q; want 1 and %q", args, r.code, r.stderr, want)
		}
	}
	// Not root: the init could not switch (and could not reap as root).
	argv := inAccounts(t)
	argv = append(argv[:len(argv)-1], "setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", testbin.Init(t), "--user", "app", "touch", marker)
	r := runProg(t, argv[0], testbin.CleanEnv(), argv[1:]...)
	if r.code != 1 || !strings.HasSuffix(r.stderr, "--user needs dumb-init to be started as root (it runs as uid 4242)\n") {
		t.Errorf("not root: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a refused --user still ran the command")
	}
}

// A switch the kernel refuses never runs the command: in a user namespace
// where the init is root but setgroups is denied (unshare --map-root-user),
// the step is named and the init exits 1.
func TestUserSwitchRefusedByKernel(t *testing.T) {
	testbin.NeedRoot(t)
	marker := filepath.Join(t.TempDir(), "ran")
	r := runProg(t, "unshare", testbin.CleanEnv(), "--user", "--map-root-user", testbin.Init(t), "--user", "4242:4242", "touch", marker)
	if want := "[dumb-init] Unable to run the command as the user asked for (setgroups): Operation not permitted\n"; r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran although the switch failed")
	}
}

// --no-new-privs: a setuid-root program run by the user keeps the user's
// ids; without it, the same program gets root (which shows the test can
// tell).
func TestNoNewPrivsKeepsSetuidFromWorking(t *testing.T) {
	testbin.NeedRoot(t)
	dir, err := os.MkdirTemp("", "dumb-init-suid-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	id, err := exec.LookPath("id")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(id)
	if err != nil {
		t.Fatal(err)
	}
	suid := filepath.Join(dir, "suid-id")
	if err := os.WriteFile(suid, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(suid, 0o755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	if r := runAccounts(t, "--user", "app", suid, "-u"); r.code != 0 || r.stdout != "0\n" {
		t.Fatalf("without --no-new-privs the setuid program should run as root: exit %d %q %q (a nosuid mount?)", r.code, r.stdout, r.stderr)
	}
	if r := runAccounts(t, "--user", "app", "--no-new-privs", suid, "-u"); r.code != 0 || r.stdout != "4242\n" {
		t.Errorf("with --no-new-privs: exit %d %q %q, want 4242", r.code, r.stdout, r.stderr)
	}
	// Alone, without --user: the flag is set for the command.
	if r := runAccounts(t, "--no-new-privs", "grep", "NoNewPrivs", "/proc/self/status"); r.code != 0 || r.stdout != "NoNewPrivs:\t1\n" {
		t.Errorf("--no-new-privs alone: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// On a terminal, the user's command gets the terminal as its controlling
// terminal (the hand-off happens before the switch) and its job control.
func TestUserOnTerminal(t *testing.T) {
	argv := inAccounts(t, "--user", "app", "sh", "-c", `id -u; exec 3</dev/tty && echo "ctty=$(tty)"`)
	testbin.Cleanup(t)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = testbin.CleanEnv()
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	done := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(f); done <- b }()
	var out []byte
	select {
	case out = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("no output")
	}
	code := waitCmd(t, cmd)
	got := strings.ReplaceAll(string(out), "\r\n", "\n")
	if code != 0 || !strings.HasPrefix(got, "4242\nctty=/dev/pts/") {
		t.Errorf("exit %d, output %q; want uid 4242 and a controlling terminal", code, got)
	}
}
