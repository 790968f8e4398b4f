//go:build containers

package containertest

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

// secondDockerd is a Docker daemon the test starts beside the machine's
// engine, with our binary as the daemon's init (--init-path pointing at a
// docker-init link to it, as the .deb's /usr/libexec/dumb-init/docker-init
// would be used): what `docker run --init` runs is then ours, chosen by
// dockerd itself.
type secondDockerd struct {
	dir    string
	sock   string
	bridge string
	cmd    *exec.Cmd
}

// startDockerd starts the daemon and stops it, removing all its state,
// when the test ends. It shares nothing with the engine: its own
// configuration file (an empty one: the engine's daemon.json sets options
// that would clash with the flags), data root, exec root, socket and pid
// file; a bridge of its own and no iptables rules (containers run with
// --network none); the vfs storage driver, which needs no kernel support.
// Not --bridge none: a daemon started with it deletes the docker0
// interface, which is the engine's (seen here: the engine's builds then
// failed with "could not find bridge docker0").
func startDockerd(t *testing.T, initBinary string) *secondDockerd {
	t.Helper()
	testbin.NeedRoot(t)
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		t.Skip("dockerd not installed (Debian package docker.io, or Docker's)")
	}
	dir, err := os.MkdirTemp("", "dumbinit-dockerd-")
	if err != nil {
		t.Fatal(err)
	}
	d := &secondDockerd{dir: dir, sock: filepath.Join(dir, "docker.sock")}
	write(t, filepath.Join(dir, "daemon.json"), "{}\n", 0o644)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, initBinary, filepath.Join(bin, "dumb-init"))
	if err := os.Symlink("dumb-init", filepath.Join(bin, "docker-init")); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The bridge: TEST-NET-1 (RFC 5737), an address range never routed.
	bridge := "dit-br-" + runID
	if len(bridge) > 15 { // the kernel's limit for interface names
		bridge = bridge[:15]
	}
	_ = exec.Command("ip", "link", "delete", bridge).Run()
	for _, args := range [][]string{
		{"link", "add", "name", bridge, "type", "bridge"},
		{"addr", "add", "192.0.2.1/24", "dev", bridge},
		{"link", "set", bridge, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			_ = exec.Command("ip", "link", "delete", bridge).Run()
			t.Skipf("cannot make a bridge for the second daemon (ip %s: %v %s)", strings.Join(args, " "), err, out)
		}
	}
	d.bridge = bridge
	d.cmd = exec.Command(dockerd,
		"--config-file", filepath.Join(dir, "daemon.json"),
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"-H", "unix://"+d.sock,
		"--bridge", bridge, "--iptables=false", "--ip6tables=false", "--ip-masq=false",
		"--storage-driver", "vfs",
		"--init-path", filepath.Join(bin, "docker-init"))
	d.cmd.Stdout, d.cmd.Stderr = log, log
	// Its own process group, so that it and the containerd it starts can
	// be ended together if it does not stop by itself.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		_ = exec.Command("ip", "link", "delete", bridge).Run()
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stop(t) })
	if !procwatch.Poll(60*time.Second, 250*time.Millisecond, func() bool { _, err := d.docker("info"); return err == nil }) {
		b, _ := os.ReadFile(filepath.Join(dir, "dockerd.log"))
		t.Fatalf("the second dockerd did not answer within 60 s; its log:\n%s", debroot.LastLines(b, 30))
	}
	return d
}

func (d *secondDockerd) docker(args ...string) (string, error) {
	out, err := exec.Command("docker", append([]string{"-H", "unix://" + d.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// stop removes the containers, stops the daemon (SIGTERM, as systemd does;
// SIGKILL to its group after 30 s), unmounts what it left and removes its
// state.
func (d *secondDockerd) stop(t *testing.T) {
	if out, err := d.docker("ps", "-aq"); err == nil {
		for _, id := range strings.Fields(out) {
			_, _ = d.docker("rm", "-f", id)
		}
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Errorf("the second dockerd did not stop within 30 s of SIGTERM")
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	if b, err := os.ReadFile("/proc/self/mounts"); err == nil {
		var under []string
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], d.dir+"/") {
				under = append(under, f[1])
			}
		}
		for i := len(under) - 1; i >= 0; i-- {
			_ = syscall.Unmount(under[i], syscall.MNT_DETACH)
		}
	}
	_ = os.RemoveAll(d.dir)
	_ = exec.Command("ip", "link", "delete", d.bridge).Run()
}

// Docker's own --init with our binary as the daemon's init: dockerd reads
// its version (docker info, docker version), runs it as PID 1 of
// `docker run --init` containers (/sbin/docker-init -- command), and it
// does the init's job there: exit status, docker stop, docker kill
// --signal, zombies.
func TestDockerdInitPath(t *testing.T) {
	needDocker(t)
	img := binaryImage(t)
	bin := filepath.Join(artifacts(t), host(t).BinaryName())
	d := startDockerd(t, bin)
	cli := engineCLI(d.docker)

	underscored := "dumb-init-v" + strings.ReplaceAll(release.Version(), ".", "_")
	if got := strings.TrimSpace(cli.must(t, "info", "--format", "{{.InitBinary}} {{.InitCommit.ID}}")); got != filepath.Join(d.dir, "bin", "docker-init")+" "+underscored {
		t.Errorf("docker info: init binary and version %q, want our docker-init and %s", got, underscored)
	}
	if got := strings.TrimSpace(cli.must(t, "version", "--format", `{{range .Server.Components}}{{if eq .Name "docker-init"}}{{.Version}} {{.Details.GitCommit}}{{end}}{{end}}`)); got != "0.19.0 "+underscored {
		t.Errorf("docker version: docker-init %q, want 0.19.0 %s", got, underscored)
	}

	// The example image, moved from the engine: no registry.
	tarball := filepath.Join(t.TempDir(), "image.tar")
	docker(t, "save", "-o", tarball, img)
	cli.must(t, "load", "-q", "-i", tarball)

	run := func(t *testing.T, args ...string) string {
		t.Helper()
		name := prefix + "-" + runID + "-" + strings.ToLower(filepath.Base(t.Name()))
		cli.must(t, append([]string{"run", "-d", "--init", "--network", "none", "--name", name}, args...)...)
		t.Cleanup(func() { _, _ = d.docker("rm", "-f", name) })
		return name
	}
	t.Run("pid1-and-exit-status", func(t *testing.T) {
		name := run(t, "--entrypoint", "sh", img, "-c", `tr '\0' ' ' </proc/1/cmdline; exit 3`)
		if code := cli.exitCode(t, name); code != 3 {
			t.Errorf("exit %d, want 3", code)
		}
		if out, _ := d.docker("logs", name); !strings.HasPrefix(out, "/sbin/docker-init -- sh -c ") {
			t.Errorf("PID 1 is %q, want /sbin/docker-init -- sh -c ...", out)
		}
	})
	t.Run("stop", func(t *testing.T) {
		name := run(t, "--entrypoint", "/usr/local/bin/worker.sh", img)
		cli.waitLog(t, name, "worker ready")
		start := time.Now()
		cli.must(t, "stop", "-t", "10", name)
		took := time.Since(start)
		out, _ := d.docker("logs", name)
		if code := cli.exitCode(t, name); code != 0 || took > 3*time.Second || !strings.Contains(out, "worker got TERM") {
			t.Errorf("exit %d after %v, want 0 at once with the worker's TERM; log:\n%s", code, took, out)
		}
	})
	t.Run("kill-signal", func(t *testing.T) {
		name := run(t, "--entrypoint", "sh", img, "-c", `trap 'exit 42' USR1; echo ready; while :; do sleep 1 & wait $!; done`)
		cli.waitLog(t, name, "ready")
		cli.must(t, "kill", "--signal", "USR1", name)
		if code := cli.exitCode(t, name); code != 42 {
			t.Errorf("after docker kill --signal USR1: exit %d, want 42", code)
		}
	})
	t.Run("zombies", func(t *testing.T) {
		name := run(t, "--entrypoint", "/usr/local/bin/orphans.sh", img)
		cli.waitLog(t, name, "worker ready")
		cli.noZombies(t, name)
	})
}
