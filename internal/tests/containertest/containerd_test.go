//go:build containers

package containertest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// containerd, driven with ctr, as Kubernetes' kubelet drives it through
// CRI: the engine's containerd (Docker runs one) in a namespace of the
// tests' own, removed at the end with everything in it.

// containerdSockets are where a containerd listens: the one Docker starts,
// then a stand-alone one.
var containerdSockets = []string{"/run/docker/containerd/containerd.sock", "/run/containerd/containerd.sock"}

var (
	ctrOnce  sync.Once
	ctrSock  string
	ctrSkip  string
	ctrImage string
	ctrErr   string
)

// ctrNamespace is the containerd namespace the tests use.
var ctrNamespace = prefix + "-" + runID

func needContainerd(t *testing.T) {
	t.Helper()
	testbin.NeedRoot(t)
	ctrOnce.Do(func() {
		if _, err := exec.LookPath("ctr"); err != nil {
			ctrSkip = "ctr not installed (Debian package containerd, or Docker's)"
			return
		}
		for _, s := range containerdSockets {
			if exec.Command("ctr", "--address", s, "version").Run() == nil {
				ctrSock = s
				return
			}
		}
		ctrSkip = "no containerd answers at " + strings.Join(containerdSockets, " or ")
	})
	if ctrSkip != "" {
		t.Skip(ctrSkip)
	}
}

func ctr(args ...string) *exec.Cmd {
	return exec.Command("ctr", append([]string{"--address", ctrSock, "--namespace", ctrNamespace}, args...)...)
}

func ctrMust(t *testing.T, args ...string) string {
	t.Helper()
	out, err := ctr(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ctr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// removeContainerd deletes the tests' namespace with every task, container
// and image in it.
func removeContainerd() {
	if ctrSock == "" {
		return
	}
	if out, err := ctr("containers", "ls", "-q").Output(); err == nil {
		for _, id := range strings.Fields(string(out)) {
			_ = ctr("tasks", "kill", "--signal", "SIGKILL", id).Run()
			_ = ctr("tasks", "delete", "--force", id).Run()
			_ = ctr("containers", "delete", id).Run()
		}
	}
	if out, err := ctr("images", "ls", "-q").Output(); err == nil {
		for _, ref := range strings.Fields(string(out)) {
			_ = ctr("images", "rm", "--sync", ref).Run()
		}
	}
	// A namespace can only go once it is empty: the images' snapshots
	// (children before parents: retried until none is left or none can
	// go) and content blobs too.
	for range 20 {
		out, err := ctr("snapshots", "ls").Output()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err != nil || len(lines) <= 1 {
			break
		}
		for _, l := range lines[1:] {
			if f := strings.Fields(l); len(f) > 0 {
				_ = ctr("snapshots", "rm", f[0]).Run()
			}
		}
	}
	if out, err := ctr("content", "ls", "-q").Output(); err == nil {
		for _, dgst := range strings.Fields(string(out)) {
			_ = ctr("content", "rm", dgst).Run()
		}
	}
	_ = exec.Command("ctr", "--address", ctrSock, "namespaces", "remove", ctrNamespace).Run()
}

// containerdImage loads the example image (static binary route, busybox
// base, the workloads) into containerd from a docker save tarball: no
// registry involved.
func containerdImage(t *testing.T) string {
	t.Helper()
	needContainerd(t)
	img := binaryImage(t)
	if ctrImage == "" && ctrErr == "" {
		tarball := filepath.Join(t.TempDir(), "image.tar")
		docker(t, "save", "-o", tarball, img)
		if out, err := ctr("images", "import", tarball).CombinedOutput(); err != nil {
			ctrErr = "ctr images import: " + err.Error() + "\n" + string(out)
		} else {
			ctrImage = "docker.io/" + img
			if !strings.Contains(img, "/") {
				ctrImage = "docker.io/library/" + img
			}
		}
	}
	if ctrErr != "" {
		t.Fatal(ctrErr)
	}
	return ctrImage
}

// ctrTask is a task started with ctr run in the foreground: its output and
// exit status are ctr's.
type ctrTask struct {
	id   string
	cmd  *exec.Cmd
	out  *output
	done chan struct{}
}

// ctrRun runs args (the whole process: ctr replaces the image's entrypoint
// and command) in a new container of image with env.
func ctrRun(t *testing.T, image string, env []string, args ...string) *ctrTask {
	t.Helper()
	// containerd takes IDs of up to 76 characters: the test's last name
	// part is enough within one run.
	id := prefix + "-" + runID + "-" + strings.ToLower(filepath.Base(t.Name()))
	if len(id) > 76 {
		id = id[:76]
	}
	runArgs := []string{"run", "--rm"}
	for _, e := range env {
		runArgs = append(runArgs, "--env", e)
	}
	runArgs = append(append(runArgs, image, id), args...)
	task := &ctrTask{id: id, cmd: ctr(runArgs...), out: &output{}, done: make(chan struct{})}
	task.cmd.Stdout, task.cmd.Stderr = task.out, task.out
	if err := task.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = task.cmd.Wait(); close(task.done) }()
	t.Cleanup(func() {
		_ = ctr("tasks", "kill", "--signal", "SIGKILL", id).Run()
		select {
		case <-task.done:
		case <-time.After(10 * time.Second):
			_ = task.cmd.Process.Kill()
		}
		_ = ctr("containers", "delete", id).Run()
	})
	return task
}

func (c *ctrTask) waitOutput(t *testing.T, want string) {
	t.Helper()
	if !procwatch.WaitFor(30*time.Second, func() bool { return strings.Contains(c.out.String(), want) }) {
		t.Fatalf("task %s never printed %q; output:\n%s", c.id, want, c.out.String())
	}
}

// stopLikeKubelet replays the kubelet's stop: SIGTERM, then SIGKILL when
// the grace period is over and the task still runs. It returns how long the
// task took to end after the SIGTERM and its exit status.
func (c *ctrTask) stopLikeKubelet(t *testing.T, grace time.Duration) (time.Duration, int) {
	t.Helper()
	start := time.Now()
	ctrMust(t, "tasks", "kill", "--signal", "SIGTERM", c.id)
	select {
	case <-c.done:
	case <-time.After(grace):
		ctrMust(t, "tasks", "kill", "--signal", "SIGKILL", c.id)
		<-c.done
	}
	return time.Since(start), c.cmd.ProcessState.ExitCode()
}

// Kubernetes' stop sequence on containerd (SIGTERM, the pod's grace period,
// SIGKILL) with dumb-init as PID 1 of the task: the cases of
// stopSequenceCases (--grace, --delay, and the control without them), and
// as a second control a task without any init.
func TestContainerdStopSequence(t *testing.T) {
	img := containerdImage(t)
	t.Run("pid1", func(t *testing.T) {
		task := ctrRun(t, img, nil, "/usr/local/bin/dumb-init", "--", "sh", "-c", `tr '\0' ' ' </proc/1/cmdline; echo; exit 3`)
		<-task.done
		if code := task.cmd.ProcessState.ExitCode(); code != 3 || !strings.HasPrefix(task.out.String(), "/usr/local/bin/dumb-init -- sh -c") {
			t.Errorf("exit %d (want 3), output %q (want PID 1 to be dumb-init)", code, task.out.String())
		}
	})
	for _, c := range stopSequenceCases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"/usr/local/bin/dumb-init"}, c.initArgs...)
			task := ctrRun(t, img, c.env, append(args, "--", "/usr/local/bin/straggling.sh")...)
			task.waitOutput(t, "straggler ready")
			task.waitOutput(t, "worker ready")
			took, code := task.stopLikeKubelet(t, stopSequenceKill)
			if problem := c.check(task.out.String(), took, code); problem != "" {
				t.Errorf("exit %d after %v: %s; output:\n%s", code, took, problem, task.out.String())
			}
		})
	}
	t.Run("control-no-init", func(t *testing.T) {
		// No init: the shell is PID 1 of the task, and the kernel does
		// not deliver a SIGTERM to a PID 1 without a handler for it;
		// only the kubelet's SIGKILL ends it.
		task := ctrRun(t, img, nil, "sh", "-c", `echo ready; while :; do sleep 1 & wait $!; done`)
		task.waitOutput(t, "ready")
		took, code := task.stopLikeKubelet(t, 3*time.Second)
		if code != 137 || took < 3*time.Second {
			t.Errorf("without an init: exit %d after %v, want 137 at the 3 s SIGKILL", code, took)
		}
	})
}

// The image's own command line (ENTRYPOINT dumb-init --, CMD the classic
// entrypoint script without exec) under containerd: the SIGTERM reaches
// the worker through the script and the task ends at once.
func TestContainerdImageEntrypoint(t *testing.T) {
	img := containerdImage(t)
	task := ctrRun(t, img, nil) // no args: the image's entrypoint and command
	task.waitOutput(t, "worker ready")
	took, code := task.stopLikeKubelet(t, 8*time.Second)
	if code != 0 || took > 3*time.Second || !strings.Contains(task.out.String(), "worker got TERM") {
		t.Errorf("exit %d after %v, want 0 at once with the worker's TERM; output:\n%s", code, took, task.out.String())
	}
}
