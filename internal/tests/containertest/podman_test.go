//go:build containers

package containertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// podman is one podman set-up for the tests: rootful podman with a store
// of its own (removed at the end, so nothing touches the machine's images)
// and one OCI runtime, crun or runc.
type podman struct {
	runtime string
	dir     string // store, run state and containers.conf
}

var (
	podmanMu  sync.Mutex
	podmans   = map[string]*podman{}
	podmanErr = map[string]string{}
)

// newPodman returns the podman set-up for runtime, made once per run, or
// skips when podman, the runtime or root is missing.
func newPodman(t *testing.T, runtime string) *podman {
	t.Helper()
	testbin.NeedRoot(t)
	for _, tool := range []string{"podman", runtime} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian packages podman, crun, runc)", tool)
		}
	}
	podmanMu.Lock()
	defer podmanMu.Unlock()
	if p := podmans[runtime]; p != nil {
		return p
	}
	if e := podmanErr[runtime]; e != "" {
		t.Fatal(e)
	}
	dir, err := os.MkdirTemp("", "dumbinit-podman-"+runtime+"-")
	if err != nil {
		t.Fatal(err)
	}
	// containers.conf: examples/podman/containers.conf (our init as
	// podman's --init) with its init_path pointing at the release binary
	// under test, the runtime, and limits this machine allows (podman's
	// default of 1,048,576 open files is above the hard limit here, and the
	// OCI runtime cannot raise it).
	example, err := os.ReadFile(filepath.Join(testbin.Root(), "examples", "podman", "containers.conf"))
	if err != nil {
		t.Fatal(err)
	}
	initPath := filepath.Join(dir, "dumb-init")
	copyFile(t, filepath.Join(artifacts(t), host(t).BinaryName()), initPath)
	conf, n := "", 0
	for _, line := range strings.Split(string(example), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "init_path" {
			line, n = "init_path = \""+initPath+"\"", n+1
		}
		conf += line + "\n"
		if strings.TrimSpace(line) == "[containers]" {
			conf += "default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]\n"
		}
	}
	if n != 1 {
		t.Fatalf("examples/podman/containers.conf sets init_path %d times, want once", n)
	}
	conf += "[engine]\nruntime = \"" + runtime + "\"\n"
	write(t, filepath.Join(dir, "containers.conf"), conf, 0o644)
	p := &podman{runtime: runtime, dir: dir}
	podmans[runtime] = p
	return p
}

// removePodmans removes every container, pod and image of the tests' stores,
// then the stores.
func removePodmans() {
	podmanMu.Lock()
	defer podmanMu.Unlock()
	for _, p := range podmans {
		_, _ = p.run("pod", "rm", "--all", "--force")
		_, _ = p.run("rm", "--all", "--force")
		_, _ = p.run("rmi", "--all", "--force")
		_ = os.RemoveAll(p.dir)
	}
}

// command is podman with the set-up's store and configuration. crun cannot
// run on this machine kind's hybrid cgroup layout (cgroup v1 controllers
// plus a cgroup2 mount at /sys/fs/cgroup/unified: "cgroups in hybrid mode
// not supported"), so for crun podman runs in a mount namespace of its own
// where the cgroup2 mount is gone and crun sees plain cgroup v1; the host's
// mounts are not changed. Containers use --network none (no network set-up
// needed, and no network namespace file that another mount namespace could
// not see).
func (p *podman) command(args ...string) *exec.Cmd {
	base := []string{"--root", filepath.Join(p.dir, "storage"), "--runroot", filepath.Join(p.dir, "run"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"}
	all := append(base, args...)
	var cmd *exec.Cmd
	if p.runtime == "crun" {
		cmd = exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c",
			`umount /sys/fs/cgroup/unified 2>/dev/null; exec podman "$@"`, "podman"}, all...)...)
	} else {
		cmd = exec.Command("podman", all...)
	}
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+filepath.Join(p.dir, "containers.conf"))
	return cmd
}

func (p *podman) run(args ...string) (string, error) {
	out, err := p.command(args...).CombinedOutput()
	return string(out), err
}

// cli is the set-up's podman as a docker-compatible command line.
func (p *podman) cli() engineCLI { return p.run }

// images returns the tests' images, made once per set-up: a busybox root
// with the workloads, imported (no registry), and examples/podman's pod
// infra image built on it with podman build, as a user would.
func (p *podman) images(t *testing.T) (workload, pause string) {
	t.Helper()
	workload = prefix + "/podman-busybox:" + runID
	pause = prefix + "/podman-pause:" + runID
	if _, err := p.run("image", "exists", pause); err == nil {
		return workload, pause
	}
	bb, err := exec.LookPath("busybox")
	if err != nil || !release.IsStatic(bb) {
		t.Skip("a static busybox is needed for the image (Debian package busybox-static)")
	}
	root := t.TempDir()
	for _, d := range []string{"bin", "usr/local/bin", "proc", "sys", "dev", "etc", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, bb, filepath.Join(root, "bin", "busybox"))
	applets, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range strings.Fields(string(applets)) {
		if a != "busybox" {
			if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, content := range scripts(entrypointNoExec) {
		write(t, filepath.Join(root, "usr", "local", "bin", name), content, 0o755)
	}
	tarball := filepath.Join(t.TempDir(), "root.tar")
	if out, err := exec.Command("tar", "-C", root, "--numeric-owner", "-cf", tarball, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	p.cli().must(t, "import", "-q", "--change", `CMD ["/usr/local/bin/docker-entrypoint.sh"]`, tarball, workload)
	ctx := context(t, "podman", []string{host(t).BinaryName()}, nil)
	p.cli().must(t, "build", "-q", "--network", "none", "--build-arg", "BASE="+workload,
		"--build-arg", "DUMB_INIT_VERSION="+release.Version(), "-t", pause, "-f", filepath.Join(ctx, "Dockerfile"), ctx)
	return workload, pause
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(b), 0o755)
}

// container starts a detached container (--network none) and removes it
// when the test ends.
func (p *podman) container(t *testing.T, args ...string) string {
	t.Helper()
	name := prefix + "-" + runID + "-" + strings.NewReplacer("/", "-", " ", "-", "=", "-").Replace(strings.ToLower(t.Name()))
	_, _ = p.run("rm", "--force", name)
	p.cli().must(t, append([]string{"run", "-d", "--network", "none", "--name", name}, args...)...)
	t.Cleanup(func() { _, _ = p.run("rm", "--force", name) })
	return name
}

// The podman runtimes the tests run under.
var podmanRuntimes = []string{"crun", "runc"}

// podman run --init with our binary (--init-path, or init_path in
// containers.conf as examples/podman shows): podman bind-mounts the binary
// at /run/podman-init and starts it as PID 1 with "--" and the command
// (where it would use catatonit). Under crun and runc: exit statuses, podman
// stop of the classic entrypoint script without exec (the worker gets the
// SIGTERM and the container stops at once; without an init podman has to
// SIGKILL), podman kill --signal, and no zombie left by 1000 orphans.
func TestPodmanInitPath(t *testing.T) {
	for _, rt := range podmanRuntimes {
		t.Run(rt, func(t *testing.T) {
			p := newPodman(t, rt)
			img, _ := p.images(t)
			bin := filepath.Join(artifacts(t), host(t).BinaryName())
			// --init alone uses containers.conf's init_path (the
			// example's); the first case names the binary itself.
			init := []string{"--init"}

			t.Run("pid1-and-exit-status", func(t *testing.T) {
				for _, args := range [][]string{{"--init", "--init-path", bin}, init} {
					out, err := p.run(append(append([]string{"run", "--rm", "--network", "none"}, args...), img, "sh", "-c", `tr '\0' ' ' </proc/1/cmdline; /run/podman-init -V; exit 3`)...)
					if code := exitStatus(err); code != 3 || out != "/run/podman-init -- sh -c "+`tr '\0' ' ' </proc/1/cmdline; /run/podman-init -V; exit 3 dumb-init v`+release.Version()+"\n" {
						t.Errorf("%v: exit %d (want 3), output %q (want PID 1 /run/podman-init -- sh -c ..., and our version)", args, code, out)
					}
				}
			})
			t.Run("stop-entrypoint-script", func(t *testing.T) {
				name := p.container(t, append(init, img)...)
				p.cli().waitLog(t, name, "worker ready")
				start := time.Now()
				p.cli().must(t, "stop", "-t", "10", name)
				took := time.Since(start)
				log, _ := p.run("logs", name)
				if code := p.cli().exitCode(t, name); code != 0 || took > 6*time.Second || !strings.Contains(log, "worker got TERM") {
					t.Errorf("exit %d after %v, want 0 at once with the worker's TERM logged; log:\n%s", code, took, log)
				}
			})
			t.Run("stop-without-init-control", func(t *testing.T) {
				name := p.container(t, img)
				p.cli().waitLog(t, name, "worker ready")
				start := time.Now()
				p.cli().must(t, "stop", "-t", "2", name)
				if took, code := time.Since(start), p.cli().exitCode(t, name); code != 137 || took < 2*time.Second {
					t.Errorf("without an init: exit %d after %v, want 137 after the 2 s timeout", code, took)
				}
			})
			t.Run("kill-signal", func(t *testing.T) {
				name := p.container(t, append(init, img, "sh", "-c", `trap 'echo got USR1; exit 42' USR1; echo ready; while :; do sleep 1 & wait $!; done`)...)
				p.cli().waitLog(t, name, "ready")
				p.cli().must(t, "kill", "--signal", "USR1", name)
				if code := p.cli().exitCode(t, name); code != 42 {
					t.Errorf("after podman kill --signal USR1: exit %d, want 42", code)
				}
			})
			t.Run("zombies", func(t *testing.T) {
				name := p.container(t, append(init, img, "/usr/local/bin/orphans.sh")...)
				p.cli().waitLog(t, name, "worker ready")
				p.cli().noZombies(t, name)
			})
		})
	}
}

// Our binary in catatonit's place as a pod's infra container (dumb-init
// --pause, the image of examples/podman), with a second container sharing
// the pod's PID namespace: PID 1
// there is our init, it reaps what the second container orphans, and
// podman pod stop ends it with status 0.
func TestPodmanPodInfra(t *testing.T) {
	for _, rt := range podmanRuntimes {
		t.Run(rt, func(t *testing.T) {
			p := newPodman(t, rt)
			img, pause := p.images(t)
			pod := prefix + "-" + runID + "-pod-" + rt
			_, _ = p.run("pod", "rm", "--force", pod)
			p.cli().must(t, "pod", "create", "--name", pod, "--network", "none", "--share", "pid,ipc,uts", "--infra-image", pause)
			t.Cleanup(func() { _, _ = p.run("pod", "rm", "--force", pod) })
			p.cli().must(t, "pod", "start", pod)
			name := p.container(t, "--pod", pod, img, "sh", "-c",
				`i=0; while [ $i -lt 100 ]; do (sleep 0.2 &); i=$((i+1)); done; echo spawned; while :; do sleep 1 & wait $!; done`)
			p.cli().waitLog(t, name, "spawned")
			if out := p.cli().must(t, "exec", name, "cat", "/proc/1/cmdline"); out != "/usr/local/bin/dumb-init\x00--pause\x00" {
				t.Errorf("PID 1 of the pod is %q, want dumb-init --pause", out)
			}
			var z, left string
			if !waitUntil(15*time.Second, func() bool {
				out, _ := p.run("exec", name, "sh", "-c", "echo $(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l) $(grep -l '^Name:.*sleep' /proc/[0-9]*/status 2>/dev/null | wc -l)")
				z, left, _ = strings.Cut(strings.TrimSpace(out), " ")
				return z == "0" && left == "1" // the loop's own sleep
			}) {
				t.Errorf("zombies %s, sleeps %s; want 0 and 1", z, left)
			}
			p.cli().must(t, "pod", "stop", "-t", "5", pod)
			infra := strings.TrimSpace(p.cli().must(t, "pod", "inspect", pod, "--format", "{{.InfraContainerID}}"))
			if code := p.cli().exitCode(t, infra); code != 0 {
				t.Errorf("infra container (dumb-init --pause) exited %d, want 0", code)
			}
		})
	}
}

// exitStatus is a finished command's exit status (0 without error).
func exitStatus(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
