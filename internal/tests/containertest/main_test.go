//go:build containers

package containertest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/debroot"
	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

func TestMain(m *testing.M) {
	code := testbin.Main(m)
	removeImages()
	removePodmans()
	removeContainerd()
	if distDir != "" {
		os.RemoveAll(distDir)
	}
	os.Exit(code)
}

// prefix names everything this package creates in Docker; runID keeps two
// runs on one engine (a developer's and CI's) from touching each other's
// images and containers.
const prefix = "dumbinit-test"

var runID = strconv.Itoa(os.Getpid())

var (
	dockerOnce sync.Once
	dockerErr  string
)

// needDocker skips unless a Docker Engine answers and we are root.
func needDocker(t *testing.T) {
	t.Helper()
	testbin.NeedRoot(t)
	dockerOnce.Do(func() {
		if _, err := exec.LookPath("docker"); err != nil {
			dockerErr = "docker not installed"
			return
		}
		if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
			dockerErr = "no Docker Engine answers: " + strings.TrimSpace(string(out))
		}
	})
	if dockerErr != "" {
		t.Skip(dockerErr)
	}
}

// docker runs the docker CLI and returns its combined output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := dockerErrOK(args...)
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func dockerErrOK(args ...string) (string, error) {
	cmd := exec.Command("docker", args...)
	// The engine here builds with the classic builder; say so instead of
	// getting a warning on every build.
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var (
	imagesMu sync.Mutex
	images   []string
)

// build builds dir's Dockerfile (or file) as tag with build args.
func build(t *testing.T, dir, dockerfile, tag string, args ...string) {
	t.Helper()
	cmdArgs := []string{"build", "-q", "--rm", "--force-rm", "-t", tag, "-f", dockerfile}
	for _, a := range args {
		cmdArgs = append(cmdArgs, "--build-arg", a)
	}
	docker(t, append(cmdArgs, dir)...)
	imagesMu.Lock()
	images = append(images, tag)
	imagesMu.Unlock()
}

func removeImages() {
	imagesMu.Lock()
	defer imagesMu.Unlock()
	for i := len(images) - 1; i >= 0; i-- {
		_, _ = dockerErrOK("rmi", "-f", images[i])
	}
}

// container starts a detached container named after the test and removes
// it when the test ends.
func container(t *testing.T, args ...string) string {
	t.Helper()
	name := prefix + "-" + runID + "-" + strings.NewReplacer("/", "-", " ", "-", "=", "-").Replace(strings.ToLower(t.Name()))
	_, _ = dockerErrOK("rm", "-f", name)
	docker(t, append([]string{"run", "-d", "--name", name}, args...)...)
	t.Cleanup(func() { _, _ = dockerErrOK("rm", "-f", name) })
	return name
}

// logs returns the container's stdout and stderr.
func logs(t *testing.T, name string) string {
	t.Helper()
	out, _ := dockerErrOK("logs", name)
	return out
}

// waitLog waits until the container's log contains want.
func waitLog(t *testing.T, name, want string, timeout time.Duration) {
	t.Helper()
	if !procwatch.WaitFor(timeout, func() bool { return strings.Contains(logs(t, name), want) }) {
		t.Fatalf("container %s never logged %q; log:\n%s", name, want, logs(t, name))
	}
}

// stop runs docker stop with the given timeout and returns how long it
// took and the container's exit code.
func stop(t *testing.T, name string, timeout int) (time.Duration, int) {
	t.Helper()
	start := time.Now()
	docker(t, "stop", "-t", strconv.Itoa(timeout), name)
	took := time.Since(start)
	return took, exitCode(t, name)
}

func exitCode(t *testing.T, name string) int {
	t.Helper()
	out := strings.TrimSpace(docker(t, "wait", name))
	n, err := strconv.Atoi(out)
	if err != nil {
		t.Fatalf("docker wait %s: %q", name, out)
	}
	return n
}

// Artifacts: the release files for this machine's architecture, built once.
var (
	distOnce sync.Once
	distDir  string
	distErr  error
)

func artifacts(t *testing.T) string {
	t.Helper()
	distOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dumbinit-containers-dist-")
		if err != nil {
			distErr = err
			return
		}
		distDir = dir
		host, ok := release.HostTarget()
		if !ok {
			distErr = os.ErrNotExist
			return
		}
		// The host's files, and arm64's (or amd64's on an arm64 host)
		// so that the Python example's context holds the wheels of two
		// architectures and pip has to choose.
		other := "arm64"
		if host.Deb == "arm64" {
			other = "amd64"
		}
		cmd := exec.Command(testbin.GoTool(), "run", "./cmd/release", "dist", "-o", dir, "-arch", host.Deb+","+other)
		cmd.Dir = testbin.Root()
		if out, err := cmd.CombinedOutput(); err != nil {
			distErr = &buildError{string(out)}
		}
	})
	if distErr != nil {
		t.Fatalf("release build: %v", distErr)
	}
	return distDir
}

type buildError struct{ out string }

func (e *buildError) Error() string { return "release dist failed:\n" + e.out }

func host(t *testing.T) release.Target {
	t.Helper()
	h, ok := release.HostTarget()
	if !ok || h.Deb != "amd64" {
		// The examples name the amd64 files; other machines would need
		// their own names substituted.
		t.Skip("the container tests use the amd64 release files")
	}
	return h
}

// context makes a build context: the example's Dockerfile, the named
// release files and extra files (name -> content, executable).
func context(t *testing.T, example string, release []string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(testbin.Root(), "examples", example, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "Dockerfile"), string(src), 0o644)
	dist := artifacts(t)
	for _, name := range release {
		b, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, name), string(b), 0o755)
	}
	for name, content := range extra {
		write(t, filepath.Join(dir, name), content, 0o755)
	}
	return dir
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// Base images, each made once per run.

var (
	busyboxOnce sync.Once
	debianOnce  sync.Once
	pythonOnce  sync.Once
)

const (
	busyboxImage = prefix + "/busybox"
	debianImage  = prefix + "/debian"
	pythonImage  = prefix + "/python"
)

// busybox is FROM scratch with Debian's busybox-static and its applets.
func busybox(t *testing.T) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil || !release.IsStatic(bb) {
		t.Skip("a static busybox is needed for the scratch base image (Debian package busybox-static)")
	}
	busyboxOnce.Do(func() {
		dir := t.TempDir()
		b, _ := os.ReadFile(bb)
		write(t, filepath.Join(dir, "busybox"), string(b), 0o755)
		write(t, filepath.Join(dir, "Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n", 0o644)
		build(t, dir, filepath.Join(dir, "Dockerfile"), busyboxImage+":"+runID)
	})
	return busyboxImage + ":" + runID
}

// importRoot loads a debootstrap root as an image.
func importRoot(t *testing.T, root, tag string, changes ...string) {
	t.Helper()
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	args = append(args, "-", tag)
	tar := exec.Command("tar", "-C", root, "--numeric-owner", "-c", ".")
	imp := exec.Command("docker", args...)
	pipe, err := tar.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	imp.Stdin = pipe
	var out bytes.Buffer
	imp.Stdout, imp.Stderr = &out, &out
	if err := tar.Start(); err != nil {
		t.Fatal(err)
	}
	if err := imp.Run(); err != nil {
		t.Fatalf("docker import: %v %s", err, out.String())
	}
	if err := tar.Wait(); err != nil {
		t.Fatalf("tar: %v", err)
	}
	imagesMu.Lock()
	images = append(images, tag)
	imagesMu.Unlock()
}

// debian is a minimal Debian (debootstrap --variant=minbase) as an image.
func debian(t *testing.T) string {
	t.Helper()
	root := debroot.DebianRoot(t, "minbase")
	debianOnce.Do(func() { importRoot(t, root, debianImage+":"+runID, "CMD [\"/bin/bash\"]") })
	return debianImage + ":" + runID
}

// python is the same with python3 and pip, standing in for python:3-slim
// (whose pip installs into the system; Debian's needs the variable).
func python(t *testing.T) string {
	t.Helper()
	root := debroot.DebianRoot(t, "python", "python3", "python3-pip")
	pythonOnce.Do(func() {
		importRoot(t, root, pythonImage+":"+runID, "ENV PIP_BREAK_SYSTEM_PACKAGES=1", "CMD [\"python3\"]")
	})
	return pythonImage + ":" + runID
}

// engineCLI is a docker-compatible command line other than the engine's
// docker (the second Docker daemon's, podman with a store of its own): it
// runs the arguments and returns the combined output.
type engineCLI func(args ...string) (string, error)

func (c engineCLI) must(t *testing.T, args ...string) string {
	t.Helper()
	out, err := c(args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// waitLog waits until the container's log contains want.
func (c engineCLI) waitLog(t *testing.T, name, want string) {
	t.Helper()
	if !waitUntil(30*time.Second, func() bool { out, _ := c("logs", name); return strings.Contains(out, want) }) {
		out, _ := c("logs", name)
		t.Fatalf("%s never logged %q; log:\n%s", name, want, out)
	}
}

// exitCode waits up to a minute for the container to end and returns its
// exit code. (Not `wait`, which would wait for ever when the init under
// test fails to end it.)
func (c engineCLI) exitCode(t *testing.T, name string) int {
	t.Helper()
	var state string
	if !waitUntil(time.Minute, func() bool {
		out, _ := c("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name)
		state = strings.TrimSpace(out)
		return strings.HasPrefix(state, "exited ")
	}) {
		t.Fatalf("%s has not exited after a minute: %q", name, state)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(state, "exited "))
	if err != nil {
		t.Fatalf("inspect %s: %q", name, state)
	}
	return n
}

// noZombies waits up to 15 s for the container to have no zombie.
func (c engineCLI) noZombies(t *testing.T, name string) {
	t.Helper()
	var z string
	if !waitUntil(15*time.Second, func() bool {
		out, _ := c("exec", name, "sh", "-c", "grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l")
		z = strings.TrimSpace(out)
		return z == "0"
	}) {
		t.Errorf("zombies left in %s: %s", name, z)
	}
}
