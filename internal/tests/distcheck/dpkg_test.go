//go:build dist

package distcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/debroot"
	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// minimalDebian returns a fresh copy of a minimal Debian root made with
// debootstrap --variant=minbase; the pristine root is cached between runs.
func minimalDebian(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"unshare", "chroot"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian packages util-linux, coreutils)", tool)
		}
	}
	cache := debroot.DebianRoot(t, "minbase")
	root := filepath.Join(t.TempDir(), "root")
	if out, err := exec.Command("cp", "-a", cache, root).CombinedOutput(); err != nil {
		t.Fatalf("copy root: %v %s", err, out)
	}
	return root
}

// The amd64 package installs with dpkg -i into a clean minimal Debian; the
// installed /usr/bin/dumb-init works there as PID 1 of a new PID namespace
// (reaps orphans, forwards SIGTERM from outside); dpkg -r removes every file.
func TestDebInstallInMinimalDebian(t *testing.T) {
	needDist(t)
	host := hostTarget(t)
	root := minimalDebian(t)
	testbin.Cleanup(t)
	deb := host.DebName()
	data, _ := os.ReadFile(filepath.Join(dist, deb))
	os.WriteFile(filepath.Join(root, "tmp", deb), data, 0o644)
	run(t, "", nil, "chroot", root, "dpkg", "-i", "/tmp/"+deb)
	if st := run(t, "", nil, "chroot", root, "dpkg-query", "-W", "-f=${db:Status-Abbrev}${Version}", "dumb-init"); st != "ii 1.3.0" && !strings.HasPrefix(st, "ii ") {
		t.Fatalf("after dpkg -i: %q", st)
	}
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	pid1 := []string{"unshare", "--pid", "--fork", "--mount-proc", "--root=" + root, "/usr/bin/dumb-init"}

	script := `i=0; while [ $i -lt 200 ]; do (sleep 0.1 &); i=$((i+1)); done
n=0; while [ $n -lt 300 ]; do
  left=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
  [ "$left" -le 1 ] && break; sleep 0.05; n=$((n+1)); done
echo "pid1=$(cat /proc/1/comm) left=$left zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"`
	out := run(t, "", env, pid1[0], append(pid1[1:], "sh", "-c", script)...)
	if out != "pid1=dumb-init left=1 zombies=0\n" {
		t.Errorf("reaping as PID 1: %q", out)
	}

	c := exec.Command(pid1[0], append(pid1[1:], "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`)...)
	c.Env = env
	stdout, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	stdout.Read(buf)
	var initPid int
	procwatch.WaitFor(5*time.Second, func() bool {
		for _, st := range procwatch.AllStats() {
			if st.PPid == c.Process.Pid {
				initPid = st.Pid
				return procwatch.Catches(initPid, syscall.SIGTERM)
			}
		}
		return false
	})
	if initPid == 0 {
		t.Fatal("init not found")
	}
	syscall.Kill(initPid, syscall.SIGTERM)
	c.Wait()
	if code := c.ProcessState.ExitCode(); code != 42 {
		t.Errorf("SIGTERM from outside: exit %d, want 42", code)
	}

	// The tini-mode names the package installs work as docker run
	// --init-path would use them.
	if out := run(t, "", env, "chroot", root, "/usr/libexec/dumb-init/docker-init", "--version"); out != "tini version 0.19.0 - git.dumb-init-v"+strings.ReplaceAll(release.Version(), ".", "_")+"\n" {
		t.Errorf("docker-init --version: %q", out)
	}
	if out := run(t, "", append(env, "TINI_VERBOSITY=0"), "chroot", root, "/usr/libexec/dumb-init/tini", "-e", "3", "--", "sh", "-c", "echo ok; exit 3"); out != "ok\n" {
		t.Errorf("tini -e 3: %q", out)
	}

	run(t, "", nil, "chroot", root, "dpkg", "-r", "dumb-init")
	for _, f := range []string{"usr/bin/dumb-init", "usr/share/man/man1/dumb-init.1.gz", "usr/share/doc/dumb-init", "usr/share/lintian/overrides/dumb-init", "usr/libexec/dumb-init"} {
		if _, err := os.Lstat(filepath.Join(root, f)); err == nil {
			t.Errorf("dpkg -r left /%s", f)
		}
	}
	if out, err := exec.Command("chroot", root, "dpkg-query", "-W", "-f=${db:Status-Abbrev}", "dumb-init").Output(); err == nil && strings.HasPrefix(string(out), "i") {
		t.Errorf("still installed after dpkg -r: %q", out)
	}
}
