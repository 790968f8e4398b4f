//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// When the direct child exits, setsid mode sends SIGTERM to what is left of
// its process group; single-child mode sends nothing.
func TestTermToGroupWhenChildExits(t *testing.T) {
	sp := testbin.Helper(t, "sigprint")
	for _, single := range []bool{false, true} {
		for _, debug := range []string{"0", "1"} {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			env := testbin.CleanEnv("DUMB_INIT_DEBUG="+debug, "SP="+sp, "OUT="+out)
			if single {
				env = append(env, "DUMB_INIT_SETSID=0")
			}
			// The shell exits as soon as its background sigprint is ready.
			r := run(t, env, "sh", "-c", `"$SP" > "$OUT" & until grep -q ready "$OUT"; do sleep 0.01; done; exit 7`)
			if r.code != 7 {
				t.Fatalf("single=%v: init exited %d, want 7; stderr %s", single, r.code, r.stderr)
			}
			m := regexp.MustCompile(`ready \(pid: (\d+)\)`).FindStringSubmatch(readFile(t, out))
			if m == nil {
				t.Fatalf("no ready line in %q", readFile(t, out))
			}
			pid, _ := strconv.Atoi(m[1])
			if !single {
				if !procwatch.WaitFor(3*time.Second, func() bool { return strings.Contains(readFile(t, out), "\n15\n") }) {
					t.Errorf("setsid: the group's survivor did not get SIGTERM; it printed %q", readFile(t, out))
				}
				continue
			}
			// Single child: it got nothing; prove it is alive and
			// listening by signalling it directly.
			time.Sleep(100 * time.Millisecond)
			_ = syscall.Kill(pid, syscall.SIGHUP)
			if !procwatch.WaitFor(3*time.Second, func() bool { return strings.Contains(readFile(t, out), "\n1\n") }) {
				t.Errorf("single child: survivor did not answer SIGHUP: %q", readFile(t, out))
			}
			if strings.Contains(readFile(t, out), "\n15\n") {
				t.Errorf("single child: survivor got SIGTERM: %q", readFile(t, out))
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWorkingDirectories(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		dir, _ := filepath.EvalSymlinks(t.TempDir())
		// The init leaves its directory right after the fork, as
		// 1.2.5 does, so the child may look before it has: the
		// child gives it up to 5 s.
		r := runIn(t, dir, env, "sh", "-c", leftDirectory+"; readlink /proc/$PPID/cwd && readlink /proc/$$/cwd")
		if r.code != 0 || r.stdout != "/\n"+dir+"\n" {
			t.Errorf("code %d stdout %q, want init in / and child in %s", r.code, r.stdout, dir)
		}
	})
}

// leftDirectory is shell that waits up to 5 s for the parent (the init) to
// be in /, without a single quote (it goes inside one).
const leftDirectory = `i=0; while [ "$(readlink /proc/$PPID/cwd)" != / ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done`

// A directory that cannot be reached by its path any more (removed while
// we are in it) is inherited by the child, and the init still leaves it.
func TestWorkingDirectoryRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	os.Mkdir(dir, 0o755)
	sh := `cd "$1" && rmdir "$1" && exec "$2" sh -c '` + leftDirectory + `; readlink /proc/$PPID/cwd; readlink /proc/$$/cwd'`
	r := run(t, testbin.CleanEnv(), "sh", "-c", "exec sh -c '"+strings.ReplaceAll(sh, "'", `'\''`)+"' x "+dir+" "+testbin.Init(t))
	if r.code != 0 || r.stdout != "/\n"+dir+" (deleted)\n" {
		t.Errorf("code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestExecFailure(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\nexit 0\n"), 0o644)
	cases := []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"/doesnotexist"}, nil, "[dumb-init] /doesnotexist: No such file or directory\n"},
		{[]string{"--", "/doesnotexist"}, nil, "[dumb-init] /doesnotexist: No such file or directory\n"},
		{[]string{"-c", "/doesnotexist"}, nil, "[dumb-init] /doesnotexist: No such file or directory\n"},
		{[]string{"--single-child", "--", "/doesnotexist"}, nil, "[dumb-init] /doesnotexist: No such file or directory\n"},
		{[]string{"no-such-command-anywhere"}, nil, "[dumb-init] no-such-command-anywhere: No such file or directory\n"},
		{[]string{noexec}, nil, "[dumb-init] " + noexec + ": Permission denied\n"},
		{[]string{"noexec"}, []string{"PATH=" + dir}, "[dumb-init] noexec: Permission denied\n"},
		{[]string{dir}, nil, "[dumb-init] " + dir + ": Permission denied\n"},
		{[]string{"/etc/passwd/x"}, nil, "[dumb-init] /etc/passwd/x: Not a directory\n"},
		{[]string{""}, nil, "[dumb-init] : No such file or directory\n"},
	}
	for _, c := range cases {
		for _, debug := range []string{"0", "1"} {
			env := testbin.CleanEnv(append(c.env, "DUMB_INIT_DEBUG="+debug)...)
			if c.env != nil {
				env = append(withoutPath(testbin.CleanEnv()), append(c.env, "DUMB_INIT_DEBUG="+debug)...)
			}
			r := run(t, env, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("%q debug=%s: code %d stderr %q, want 2 and %q", c.args, debug, r.code, r.stderr, c.want)
			}
		}
	}
}

func withoutPath(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "PATH=") })
}

// The lookup follows execvp: PATH order, skipping unusable entries, the
// default path when PATH is unset, the current directory for an empty
// entry, and /bin/sh for a file without a #! line.
func TestExecLookup(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Mkdir(a, 0o755)
	os.Mkdir(b, 0o755)
	os.WriteFile(filepath.Join(a, "tool"), []byte("#!/bin/sh\necho a\n"), 0o644) // not executable: skipped
	os.WriteFile(filepath.Join(b, "tool"), []byte("#!/bin/sh\necho b\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "noshebang"), []byte("echo \"no shebang $1\"\nexit 5\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "here"), []byte("#!/bin/sh\necho here\n"), 0o755)
	cases := []struct {
		dir  string
		path *string
		args []string
		out  string
		code int
	}{
		{"", ptr(a + ":" + b), []string{"tool"}, "b\n", 0},
		{"", ptr("/nonexistent:" + a + "/tool:" + b), []string{"tool"}, "b\n", 0},
		{"", nil, []string{"sh", "-c", "echo default path"}, "default path\n", 0},
		{"", ptr("/usr/bin:/bin"), []string{filepath.Join(dir, "noshebang"), "arg"}, "no shebang arg\n", 5},
		{"", ptr(dir), []string{"noshebang", "x"}, "no shebang x\n", 5},
		{dir, ptr("/usr/bin:/bin"), []string{"./here"}, "here\n", 0},
		{dir, ptr(":/usr/bin:/bin"), []string{"here"}, "here\n", 0},
		{dir, ptr("/usr/bin::/bin"), []string{"here"}, "here\n", 0},
	}
	modes(t, func(t *testing.T, env []string) {
		for _, c := range cases {
			e := withoutPath(env)
			if c.path != nil {
				e = append(e, "PATH="+*c.path)
			}
			r := runIn(t, c.dir, e, c.args...)
			if r.code != c.code || r.stdout != c.out {
				t.Errorf("%q PATH=%v: code %d stdout %q stderr %q, want %d and %q", c.args, c.path, r.code, r.stdout, r.stderr, c.code, c.out)
			}
		}
	})
}

func ptr(s string) *string { return &s }

func TestVerboseLog(t *testing.T) {
	for _, flag := range []string{"-v", "--verbose"} {
		r := run(t, testbin.CleanEnv(), flag, "echo", "oh,", "hi")
		if r.code != 0 || r.stdout != "oh, hi\n" {
			t.Fatalf("code %d stdout %q", r.code, r.stdout)
		}
		if !regexp.MustCompile(`(^|\n)\[dumb-init\] setsid complete\.\n`).MatchString(r.stderr) {
			t.Errorf("no setsid line:\n%s", r.stderr)
		}
		want := `(?s)(^|\n)\[dumb-init\] Child spawned with PID \d+\.\n.*` +
			`\[dumb-init\] Received signal 17\.\n` +
			`\[dumb-init\] A child with PID \d+ exited with exit status 0\.\n` +
			`\[dumb-init\] Forwarded signal 15 to children\.\n` +
			`\[dumb-init\] Child exited with status 0\. Goodbye\.\n$`
		if !regexp.MustCompile(want).MatchString(r.stderr) {
			t.Errorf("%s: log does not match:\n%s", flag, r.stderr)
		}
		for _, flag2 := range []string{"-c", "--single-child"} {
			r := run(t, testbin.CleanEnv(), flag, flag2, "echo", "oh,", "hi")
			want := `^\[dumb-init\] Child spawned with PID \d+\.\n` +
				`\[dumb-init\] Received signal 17\.\n` +
				`\[dumb-init\] A child with PID \d+ exited with exit status 0\.\n` +
				`\[dumb-init\] Forwarded signal 15 to children\.\n` +
				`\[dumb-init\] Child exited with status 0\. Goodbye\.\n$`
			if r.code != 0 || r.stdout != "oh, hi\n" || !regexp.MustCompile(want).MatchString(r.stderr) {
				t.Errorf("%s %s: code %d stdout %q log:\n%s", flag, flag2, r.code, r.stdout, r.stderr)
			}
		}
	}
	// Without -v or DUMB_INIT_DEBUG=1 the init says nothing.
	for _, v := range []string{"", "0", "true", "01", " 1"} {
		r := run(t, testbin.CleanEnv("DUMB_INIT_DEBUG="+v), "sh", "-c", "kill -TERM $$")
		if r.stderr != "" || r.code != 143 {
			t.Errorf("DUMB_INIT_DEBUG=%q: code %d stderr %q", v, r.code, r.stderr)
		}
	}
	r := run(t, testbin.CleanEnv("DUMB_INIT_DEBUG=1"), "true")
	if !strings.HasPrefix(r.stderr, "[dumb-init] Running in debug mode.\n") {
		t.Errorf("DUMB_INIT_DEBUG=1 log starts %q", r.stderr)
	}
}

// setsid mode makes the child leader of its own session and process group;
// single-child mode (-c or exactly DUMB_INIT_SETSID=0) leaves it in the
// init's.
func TestSessionModes(t *testing.T) {
	script := `read pid pgid sid rest < /proc/self/stat 2>/dev/null; set -- $(cut -d')' -f2 /proc/$$/stat); echo $$ $3 $4`
	cases := []struct {
		args   []string
		env    string
		setsid bool
	}{
		{nil, "", true},
		{nil, "DUMB_INIT_SETSID=1", true},
		{nil, "DUMB_INIT_SETSID=false", true},
		{nil, "DUMB_INIT_SETSID=00", true},
		{nil, "DUMB_INIT_SETSID=0", false},
		{[]string{"-c"}, "", false},
		{[]string{"--single-child"}, "DUMB_INIT_SETSID=1", false},
	}
	for _, c := range cases {
		r := run(t, testbin.CleanEnv(c.env), append(c.args, "sh", "-c", script)...)
		f := strings.Fields(r.stdout)
		if len(f) != 3 {
			t.Fatalf("%v %s: output %q stderr %q", c.args, c.env, r.stdout, r.stderr)
		}
		leader := f[0] == f[1] && f[0] == f[2]
		if leader != c.setsid {
			t.Errorf("%v %s: child pid/pgid/sid %v, want session leader %v", c.args, c.env, f, c.setsid)
		}
	}
}

// The child gets the caller's environment unchanged, whichever way the init
// was built (a plain build re-executes itself with GODEBUG set and must hide
// that).
func TestEnvironmentPassedUnchanged(t *testing.T) {
	for _, bin := range []string{testbin.Init(t), testbin.PlainInit(t)} {
		for _, extra := range [][]string{
			nil,
			{"GODEBUG=madvdontneed=1"},
			{"GODEBUG=asyncpreemptoff=0"},
			{"A=1", "GODEBUG=", "B=2", "DUMB_INIT_DEBUG=0"},
		} {
			env := append(testbin.CleanEnv(), extra...)
			env = append(env, "LAST=x=y")
			r := runBin(t, bin, env, "/usr/bin/env")
			got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if !slices.Equal(got, env) {
				t.Errorf("%s with %q: child environment differs:\ngot  %q\nwant %q", filepath.Base(bin), extra, got, env)
			}
		}
	}
}

func runBin(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	c := startRaw(t, env, append([]string{bin}, args...)...)
	var out []string
	for l := range c.lines {
		out = append(out, l)
	}
	code := c.wait(10 * time.Second)
	s := strings.Join(out, "\n")
	if len(out) > 0 {
		s += "\n"
	}
	return result{code: code, stdout: s, stderr: c.stderr.String()}
}

// The child holds only the descriptors the caller gave the init, not the
// init's own, and a caller's extra descriptor (socket activation) survives.
func TestFileDescriptors(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		f, err := os.Open("/dev/null")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		testbin.Cleanup(t)
		cmd := exec.Command(testbin.Init(t), testbin.Helper(t, "sigprint"), "-fds")
		cmd.Env = append(env, "LISTEN_FDS=1")
		cmd.ExtraFiles = []*os.File{f}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if want := "fds: 0 1 2 3=/dev/null\n"; string(out) != want {
			t.Errorf("child descriptors %q, want %q", out, want)
		}
	})
}
