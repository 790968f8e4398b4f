//go:build containers

package containertest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// bundle makes an OCI bundle with `runc spec`: a busybox root with our
// release binary at /usr/local/bin/dumb-init and the workloads, running
// args as the container's process (PID 1).
func bundle(t *testing.T, args ...string) string {
	t.Helper()
	testbin.NeedRoot(t)
	if _, err := exec.LookPath("runc"); err != nil {
		t.Skip("runc not installed (Debian package runc)")
	}
	bb, err := exec.LookPath("busybox")
	if err != nil || !release.IsStatic(bb) {
		t.Skip("a static busybox is needed for the bundle's root (Debian package busybox-static)")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "sbin", "usr/local/bin", "proc", "dev", "sys", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(bb)
	write(t, filepath.Join(root, "bin", "busybox"), string(b), 0o755)
	list, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, applet := range strings.Fields(string(list)) {
		if applet != "busybox" {
			_ = os.Symlink("busybox", filepath.Join(root, "bin", applet))
		}
	}
	bin, _ := os.ReadFile(filepath.Join(artifacts(t), host(t).BinaryName()))
	write(t, filepath.Join(root, "usr/local/bin/dumb-init"), string(bin), 0o755)
	// docker run --init's name for its init, as a symlink like the .deb's.
	if err := os.Symlink("/usr/local/bin/dumb-init", filepath.Join(root, "sbin/docker-init")); err != nil {
		t.Fatal(err)
	}
	for name, content := range scripts(entrypointNoExec) {
		write(t, filepath.Join(root, "usr/local/bin", name), content, 0o755)
	}
	if out, err := exec.Command("runc", "spec", "--bundle", dir).CombinedOutput(); err != nil {
		t.Fatalf("runc spec: %v %s", err, out)
	}
	cfgPath := filepath.Join(dir, "config.json")
	raw, _ := os.ReadFile(cfgPath)
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	proc := cfg["process"].(map[string]any)
	proc["terminal"] = false
	proc["args"] = args
	cfg["root"].(map[string]any)["readonly"] = false
	raw, _ = json.Marshal(cfg)
	write(t, cfgPath, string(raw), 0o644)
	return dir
}

// runcContainer is a foreground `runc run`: its exit status is PID 1's.
type runcContainer struct {
	t    *testing.T
	id   string
	cmd  *exec.Cmd
	out  string // file with the container's stdout and stderr
	done chan struct{}
}

func runcRun(t *testing.T, dir string) *runcContainer {
	t.Helper()
	id := prefix + "-" + runID + "-" + strings.NewReplacer("/", "-", "=", "-").Replace(strings.ToLower(t.Name()))
	_ = exec.Command("runc", "delete", "-f", id).Run()
	out := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command("runc", "run", "--bundle", dir, id)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &runcContainer{t: t, id: id, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = exec.Command("runc", "kill", id, "KILL").Run()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		_ = exec.Command("runc", "delete", "-f", id).Run()
	})
	return c
}

func (c *runcContainer) log() string {
	b, _ := os.ReadFile(c.out)
	return string(b)
}

func (c *runcContainer) waitLog(want string) {
	c.t.Helper()
	if !waitUntil(20*time.Second, func() bool { return strings.Contains(c.log(), want) }) {
		c.t.Fatalf("runc container never logged %q; log:\n%s", want, c.log())
	}
}

// stop plays the runtime's stop: SIGTERM, then SIGKILL after grace. It
// returns how long the container took to end and its exit status.
func (c *runcContainer) stop(grace time.Duration) (time.Duration, int) {
	c.t.Helper()
	start := time.Now()
	if out, err := exec.Command("runc", "kill", c.id, "TERM").CombinedOutput(); err != nil {
		c.t.Fatalf("runc kill: %v %s", err, out)
	}
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = exec.Command("runc", "kill", c.id, "KILL").Run()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			c.t.Fatal("container did not end after SIGKILL")
		}
	}
	took := time.Since(start)
	ws := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return took, ws.ExitStatus()
}

// The entrypoint-script scenarios under runc directly: runc kill TERM
// reaches the server through setsid-mode forwarding, not in single-child
// mode, always with exec; without an init the script ignores it.
func TestRuncKillEntrypointScript(t *testing.T) {
	const grace = 4 * time.Second
	cases := []struct {
		name string
		args []string
		fast bool
		code int
	}{
		{"setsid-noexec", []string{"/usr/local/bin/dumb-init", "--", "/usr/local/bin/docker-entrypoint.sh"}, true, 0},
		{"single-child-noexec", []string{"/usr/local/bin/dumb-init", "--single-child", "--", "/usr/local/bin/docker-entrypoint.sh"}, false, 137},
		{"setsid-exec", []string{"/usr/local/bin/dumb-init", "--", "/usr/local/bin/entrypoint-exec.sh"}, true, 0},
		{"single-child-exec", []string{"/usr/local/bin/dumb-init", "-c", "--", "/usr/local/bin/entrypoint-exec.sh"}, true, 0},
		{"rewrite-15-3", []string{"/usr/local/bin/dumb-init", "--rewrite", "15:3", "--", "/usr/local/bin/worker.sh"}, true, 0},
		{"tini-mode", []string{"/usr/local/bin/dumb-init", "--tini", "--", "/usr/local/bin/entrypoint-exec.sh"}, true, 0},
		{"docker-init-layout", []string{"/sbin/docker-init", "--", "/usr/local/bin/entrypoint-exec.sh"}, true, 0},
		{"no-init-control", []string{"/usr/local/bin/docker-entrypoint.sh"}, false, 137},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := runcRun(t, bundle(t, c.args...))
			rc.waitLog("worker ready")
			took, code := rc.stop(grace)
			log := rc.log()
			if c.fast && took > 2500*time.Millisecond {
				t.Errorf("took %v after runc kill TERM; log:\n%s", took, log)
			}
			if !c.fast && took < grace {
				t.Errorf("ended after %v, before the SIGKILL at %v; log:\n%s", took, grace, log)
			}
			if code != c.code {
				t.Errorf("exit status %d, want %d; log:\n%s", code, c.code, log)
			}
			got := strings.Contains(log, "worker got TERM") || strings.Contains(log, "worker got QUIT")
			if got != c.fast {
				t.Errorf("worker saw the signal: %v, want %v; log:\n%s", got, c.fast, log)
			}
			if c.name == "rewrite-15-3" && !strings.Contains(log, "worker got QUIT") {
				t.Errorf("want SIGQUIT; log:\n%s", log)
			}
		})
	}
}

// Zombies and --grace under runc: 1000 orphans are reaped by PID 1, and a
// straggler that ignores SIGTERM is killed by dumb-init when --grace ends,
// before the runtime's SIGKILL, with the workload's status.
func TestRuncZombiesAndGrace(t *testing.T) {
	rc := runcRun(t, bundle(t, "/usr/local/bin/dumb-init", "--", "sh", "-c",
		// The fewest zombies seen in five looks 0.3 s apart: an orphan
		// that has just exited is a zombie for the instant before the
		// init reaps it (and on a loaded machine the script may still be
		// making orphans at 3 s); one that is never reaped is in every
		// look.
		`/usr/local/bin/orphans.sh & sleep 3; zmin=999; for k in 1 2 3 4 5; do z=$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l); [ "$z" -lt "$zmin" ] && zmin=$z; sleep 0.3; done; echo zombies=$zmin sleeps=$(grep -l '^Name:.*sleep' /proc/[0-9]*/status | wc -l); wait`))
	rc.waitLog("zombies=")
	if log := rc.log(); !strings.Contains(log, "zombies=0 sleeps=") {
		t.Errorf("log:\n%s", log)
	}
	if _, code := rc.stop(5 * time.Second); code != 0 && code != 143 {
		t.Errorf("exit %d", code)
	}

	b := bundle(t, "/usr/local/bin/dumb-init", "--grace=1500ms", "--", "sh", "-c", "IGNORE=1 exec /usr/local/bin/straggling.sh")
	rc = runcRun(t, b)
	rc.waitLog("straggler ready")
	rc.waitLog("worker ready")
	took, code := rc.stop(8 * time.Second)
	if code != 0 || took < 1500*time.Millisecond || took > 5*time.Second {
		t.Errorf("exit %d after %v, want the workload's 0 after the 1.5s grace; log:\n%s", code, took, rc.log())
	}
}

// setConfig edits a bundle's config.json.
func setConfig(t *testing.T, dir string, edit func(cfg map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "config.json")
	raw, _ := os.ReadFile(path)
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	raw, _ = json.Marshal(cfg)
	write(t, path, string(raw), 0o644)
}

// statePid is the host pid of a running container's PID 1.
func statePid(t *testing.T, id string) int {
	t.Helper()
	var st struct {
		Pid    int    `json:"pid"`
		Status string `json:"status"`
	}
	if !waitUntil(10*time.Second, func() bool {
		out, err := exec.Command("runc", "state", id).Output()
		return err == nil && json.Unmarshal(out, &st) == nil && st.Status == "running" && st.Pid > 0
	}) {
		t.Fatalf("container %s not running", id)
	}
	return st.Pid
}

// A pod's shared PID namespace under runc: our --pause is PID 1 of the
// first container; dumb-init in a second container joins its PID
// namespace and, with --subreaper, reaps its subtree's orphans itself;
// without, the pause process reaps them.
func TestRuncSharedPIDNamespace(t *testing.T) {
	pause := runcRun(t, bundle(t, "/usr/local/bin/dumb-init", "-v", "--pause"))
	pause.waitLog("Pausing")
	ns := "/proc/" + strconv.Itoa(statePid(t, pause.id)) + "/ns/pid"
	for _, c := range sharedPIDCases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"/usr/local/bin/dumb-init"}, c.args...)
			dir := bundle(t, append(args, "--", "sh", "-c", sharedPIDScript)...)
			setConfig(t, dir, func(cfg map[string]any) {
				linux := cfg["linux"].(map[string]any)
				for _, n := range linux["namespaces"].([]any) {
					if m := n.(map[string]any); m["type"] == "pid" {
						m["path"] = ns
					}
				}
			})
			rc := runcRun(t, dir)
			select {
			case <-rc.done:
			case <-time.After(20 * time.Second):
				t.Fatalf("second container did not end; log:\n%s", rc.log())
			}
			ours := strings.Contains(rc.log(), "(sleep), status 0.")
			if ours != c.subreaper || !strings.Contains(rc.log(), "done") {
				t.Errorf("our init reaped the orphan: %v, want %v; log:\n%s", ours, c.subreaper, rc.log())
			}
			if !c.subreaper && !waitUntil(3*time.Second, func() bool { return strings.Contains(pause.log(), "(sleep), status 0.") }) {
				t.Errorf("the pause process did not reap the orphan; its log:\n%s", pause.log())
			}
		})
	}
	took, code := pause.stop(5 * time.Second)
	if code != 0 || took > 3*time.Second {
		t.Errorf("pause: exit %d after %v, want 0 at once", code, took)
	}
}

// runc run with a terminal (as `docker run -it` asks of it), driven
// through a pty: the shell under dumb-init has job control.
func TestRuncInteractive(t *testing.T) {
	dir := bundle(t, "/usr/local/bin/dumb-init", "sh")
	setConfig(t, dir, func(cfg map[string]any) {
		cfg["process"].(map[string]any)["terminal"] = true
	})
	id := prefix + "-" + runID + "-interactive"
	_ = exec.Command("runc", "delete", "-f", id).Run()
	t.Cleanup(func() { _ = exec.Command("runc", "delete", "-f", id).Run() })
	cmd := exec.Command("runc", "run", "--bundle", dir, id)
	interactiveShell(t, cmd)
}
