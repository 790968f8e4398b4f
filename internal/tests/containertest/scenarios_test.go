//go:build containers

package containertest

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// exampleImage builds examples/<example>/Dockerfile as a user would, on the
// given base, with the classic no-exec entrypoint script, then a test layer
// on top that adds the other workloads to /usr/local/bin.
func exampleImage(t *testing.T, example, base string, files []string) string {
	t.Helper()
	ctx := context(t, example, files, map[string]string{"docker-entrypoint.sh": entrypointNoExec})
	tag := prefix + "/example-" + example + ":" + runID
	build(t, ctx, filepath.Join(ctx, "Dockerfile"), tag, "BASE="+base, "DUMB_INIT_VERSION="+release.Version())
	layer := t.TempDir()
	for name, content := range scripts(entrypointNoExec) {
		write(t, filepath.Join(layer, name), content, 0o755)
	}
	write(t, filepath.Join(layer, "Dockerfile"), "FROM "+tag+"\nCOPY *.sh /usr/local/bin/\n", 0o644)
	build(t, layer, filepath.Join(layer, "Dockerfile"), tag+"-workloads")
	return tag + "-workloads"
}

var (
	alpineOnce sync.Once
	alpineImg  string
)

// binaryImage is examples/alpine (the static binary route) on the busybox
// base, shared by the scenarios.
func binaryImage(t *testing.T) string {
	t.Helper()
	needDocker(t)
	h := host(t)
	base := busybox(t)
	alpineOnce.Do(func() { alpineImg = exampleImage(t, "alpine", base, []string{h.BinaryName()}) })
	if alpineImg == "" {
		t.Fatal("building the example image failed in an earlier test")
	}
	return alpineImg
}

// The case from the classic blog post: ENTRYPOINT ["dumb-init", "--"] with
// an entrypoint script that starts the server without exec. docker stop's
// SIGTERM reaches the server in setsid mode and the container stops at once;
// in --single-child mode only the shell gets it and Docker has to SIGKILL;
// with exec both work. Without any init the script ignores docker stop.
func TestDockerStopEntrypointScript(t *testing.T) {
	img := binaryImage(t)
	const grace = 4 // docker stop -t
	cases := []struct {
		name       string
		args       []string
		fast       bool
		code       int
		wantInLogs string
	}{
		{"setsid-noexec", []string{img}, true, 0, "worker got TERM"},
		{"single-child-noexec", []string{"-e", "DUMB_INIT_SETSID=0", img}, false, 137, ""},
		{"setsid-exec", []string{img, "/usr/local/bin/entrypoint-exec.sh"}, true, 0, "worker got TERM"},
		{"single-child-exec", []string{"-e", "DUMB_INIT_SETSID=0", img, "/usr/local/bin/entrypoint-exec.sh"}, true, 0, "worker got TERM"},
		{"no-init-control", []string{"--entrypoint", "/usr/local/bin/docker-entrypoint.sh", img}, false, 137, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := container(t, c.args...)
			waitLog(t, name, "worker ready", 20*time.Second)
			took, code := stop(t, name, grace)
			log := logs(t, name)
			if c.fast && took > 2500*time.Millisecond {
				t.Errorf("docker stop took %v; the SIGTERM should have stopped it at once", took)
			}
			if !c.fast && took < grace*time.Second {
				t.Errorf("docker stop took only %v; expected Docker to wait %ds and SIGKILL", took, grace)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d; log:\n%s", code, c.code, log)
			}
			if c.wantInLogs != "" && !strings.Contains(log, c.wantInLogs) {
				t.Errorf("log lacks %q:\n%s", c.wantInLogs, log)
			}
			if c.wantInLogs == "" && strings.Contains(log, "worker got TERM") {
				t.Errorf("the worker should not have seen SIGTERM:\n%s", log)
			}
		})
	}
}

// --rewrite 15:3: docker stop's SIGTERM arrives as SIGQUIT.
func TestDockerRewrite(t *testing.T) {
	img := binaryImage(t)
	name := container(t, "--entrypoint", "/usr/local/bin/dumb-init", img, "--rewrite", "15:3", "--", "/usr/local/bin/worker.sh")
	waitLog(t, name, "worker ready", 20*time.Second)
	stopsAtOnce(t, name, "worker got QUIT")
}

// A workload that orphans 1000 children leaves no zombie behind.
func TestDockerZombies(t *testing.T) {
	img := binaryImage(t)
	name := container(t, img, "/usr/local/bin/orphans.sh")
	waitLog(t, name, "worker ready", 30*time.Second)
	count := func(pattern string) string {
		return strings.TrimSpace(docker(t, "exec", name, "sh", "-c", "grep -l '"+pattern+"' /proc/[0-9]*/status 2>/dev/null | wc -l"))
	}
	var z, procs string
	ok := waitUntil(10*time.Second, func() bool {
		z, procs = count(`^State:.*Z`), count(`^Name:.*sleep`)
		return z == "0" && procs == "1" // the worker's own sleep
	})
	if !ok {
		t.Errorf("zombies %s, sleeps left %s; want 0 and 1", z, procs)
	}
	if out := docker(t, "exec", name, "ps", "-o", "stat"); strings.Contains(out, "Z") {
		t.Errorf("ps shows zombies:\n%s", out)
	}
	if _, code := stop(t, name, 10); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// stopsAtOnce runs docker stop (10 s before Docker's SIGKILL) and wants the
// container gone within 3 s with exit code 0 and want in its log: the
// SIGTERM reached the workload.
func stopsAtOnce(t *testing.T, name, want string) {
	t.Helper()
	took, code := stop(t, name, 10)
	if log := logs(t, name); code != 0 || took > 3*time.Second || !strings.Contains(log, want) {
		t.Errorf("exit %d after %v, want 0 at once with %q logged; log:\n%s", code, took, want, log)
	}
}

// waitUntil polls f every 100 ms (each check runs a docker command).
func waitUntil(d time.Duration, f func() bool) bool {
	return procwatch.Poll(d, 100*time.Millisecond, f)
}

// Kubernetes' stop sequence (SIGTERM, a grace period, SIGKILL), played with
// docker stop -t: with --grace a straggler gets time to finish its clean-up,
// one that ignores SIGTERM is killed by dumb-init itself before the
// runtime's SIGKILL, and the container exits with the workload's status.
func TestDockerGraceStopSequence(t *testing.T) {
	img := binaryImage(t)
	for _, c := range stopSequenceCases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"--entrypoint", "/usr/local/bin/dumb-init"}
			for _, e := range c.env {
				args = append(args, "-e", e)
			}
			args = append(append(append(args, img), c.initArgs...), "--", "/usr/local/bin/straggling.sh")
			name := container(t, args...)
			waitLog(t, name, "straggler ready", 20*time.Second)
			waitLog(t, name, "worker ready", 20*time.Second)
			took, code := stop(t, name, int(stopSequenceKill/time.Second))
			if problem := c.check(logs(t, name), took, code); problem != "" {
				t.Errorf("exit %d after %v: %s; log:\n%s", code, took, problem, logs(t, name))
			}
		})
	}
}

// shareProcessNamespace: a pause process (ours, --pause) is PID 1 of the
// pod; dumb-init in a second container, not PID 1, reaps its subtree's
// orphans as subreaper; without --subreaper they go to the pause process.
func TestDockerSharedPIDNamespace(t *testing.T) {
	img := binaryImage(t)
	pause := container(t, "--entrypoint", "/usr/local/bin/dumb-init", img, "-v", "--pause")
	waitLog(t, pause, "Pausing", 10*time.Second)
	for _, c := range sharedPIDCases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--pid", "container:" + pause, "--entrypoint", "/usr/local/bin/dumb-init", img}, c.args...)
			name := container(t, append(args, "--", "sh", "-c", sharedPIDScript)...)
			if code := exitCode(t, name); code != 0 {
				t.Fatalf("exit %d", code)
			}
			ours := strings.Contains(logs(t, name), "(sleep), status 0.")
			if ours != c.subreaper {
				t.Errorf("our init reaped the orphan: %v, want %v; log:\n%s", ours, c.subreaper, logs(t, name))
			}
			if !c.subreaper && !waitUntil(3*time.Second, func() bool { return strings.Contains(logs(t, pause), "(sleep), status 0.") }) {
				t.Errorf("the pause process did not reap the orphan; its log:\n%s", logs(t, pause))
			}
		})
	}
	took, code := stop(t, pause, 10)
	if code != 0 || took > 3*time.Second {
		t.Errorf("pause: exit %d after %v, want 0 at once", code, took)
	}
}

// docker run --init mounts the engine's init at /sbin/docker-init and runs
// `docker-init -- <entrypoint and command>`; ours does the same job in
// tini-compatible mode.
func TestDockerInitEquivalent(t *testing.T) {
	img := binaryImage(t)
	bin := filepath.Join(artifacts(t), host(t).BinaryName())
	name := container(t, "-v", bin+":/sbin/docker-init:ro", "--entrypoint", "/sbin/docker-init", img, "--", "/usr/local/bin/orphans.sh")
	waitLog(t, name, "worker ready", 30*time.Second)
	if cmdline := docker(t, "exec", name, "cat", "/proc/1/cmdline"); !strings.HasPrefix(cmdline, "/sbin/docker-init\x00--\x00") {
		t.Errorf("PID 1 is %q", cmdline)
	}
	if v := docker(t, "exec", name, "/sbin/docker-init", "--version"); v != "tini version 0.19.0 - git.dumb-init-v"+strings.ReplaceAll(release.Version(), ".", "_")+"\n" {
		t.Errorf("--version: %q", v)
	}
	if !waitUntil(10*time.Second, func() bool {
		return strings.TrimSpace(docker(t, "exec", name, "sh", "-c", "grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l")) == "0"
	}) {
		t.Error("zombies left")
	}
	stopsAtOnce(t, name, "worker got TERM")
}

// The .deb route (examples/debian on a debootstrap image) and the wheel
// route (examples/python on one with python3 and pip) install a working
// dumb-init that stops the classic no-exec entrypoint with docker stop.
func TestDockerDebAndWheelRoutes(t *testing.T) {
	needDocker(t)
	h := host(t)
	dist := artifacts(t)
	// The wheels of two architectures (artifacts): the example installs
	// with --find-links, and pip must pick the host's.
	wheels, _ := filepath.Glob(filepath.Join(dist, "dumb_init-*.whl"))
	type route struct {
		example, base string
		files         []string
		path          string // where the route puts dumb-init
	}
	cases := []route{{"debian", debian(t), []string{h.DebName()}, "/usr/bin/dumb-init"}}
	if len(wheels) == 2 {
		cases = append(cases, route{"python", python(t), []string{filepath.Base(wheels[0]), filepath.Base(wheels[1])}, "/usr/local/bin/dumb-init"})
	} else {
		t.Errorf("expected the wheels of two architectures, found %v", wheels)
	}
	for _, c := range cases {
		t.Run(c.example, func(t *testing.T) {
			img := exampleImage(t, c.example, c.base, c.files)
			// Installed where the route puts it, and the host's
			// architecture's binary (it runs, and it is the
			// release binary byte for byte).
			if out := docker(t, "run", "--rm", "--entrypoint", "sh", img, "-c", "command -v dumb-init; dumb-init --version 2>&1; sha256sum "+c.path); out != c.path+"\ndumb-init v"+release.Version()+"\n"+sha256File(t, filepath.Join(dist, h.BinaryName()))+"  "+c.path+"\n" {
				t.Errorf("installed dumb-init: %q", out)
			}
			name := container(t, img)
			waitLog(t, name, "worker ready", 20*time.Second)
			stopsAtOnce(t, name, "worker got TERM")
		})
	}
}

// examples/scratch: an image with nothing but the static binary and a Go
// server, FROM scratch; the example's --rewrite 15:3 turns docker stop into
// SIGQUIT for the server.
func TestDockerScratchRoute(t *testing.T) {
	needDocker(t)
	h := host(t)
	server, err := os.ReadFile(testbin.Helper(t, "sigprint"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context(t, "scratch", []string{h.BinaryName()}, map[string]string{"server": string(server)})
	tag := prefix + "/example-scratch:" + runID
	build(t, ctx, filepath.Join(ctx, "Dockerfile"), tag, "BASE=scratch", "DUMB_INIT_VERSION="+release.Version())
	name := container(t, tag, "/server", "-exit", "3")
	waitLog(t, name, "ready (pid: ", 20*time.Second)
	// docker kill --signal, by name and by real-time number, reaches the
	// server unchanged.
	docker(t, "kill", "--signal", "SIGUSR1", name)
	waitLog(t, name, "\n10\n", 10*time.Second)
	docker(t, "kill", "--signal", "37", name)
	waitLog(t, name, "\n37\n", 10*time.Second)
	stopsAtOnce(t, name, "\n3\n") // SIGQUIT, through the example's --rewrite 15:3
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// examples/user: the command runs as a user that exists only in the image
// (its /etc/passwd and /etc/group, made by the Dockerfile), with its groups,
// HOME and no_new_privs, while dumb-init stays root as PID 1; docker stop
// still ends the classic no-exec entrypoint at once.
func TestDockerUserExample(t *testing.T) {
	needDocker(t)
	h := host(t)
	img := exampleImage(t, "user", busybox(t), []string{h.BinaryName()})
	name := container(t, img, "sh", "-c", `id; echo "HOME=$HOME"; grep NoNewPrivs /proc/self/status; grep '^Uid' /proc/1/status; echo done; sleep 1000`)
	waitLog(t, name, "done", 20*time.Second)
	log := logs(t, name)
	for _, want := range []string{
		"uid=4242(app) gid=4242(app) groups=4242(app),4300(logs)\n",
		"HOME=/home/app\n",
		"NoNewPrivs:\t1\n",
		"Uid:\t0\t0\t0\t0\n", // PID 1, dumb-init, is still root
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	// The default command: the no-exec entrypoint script, as the user.
	name = container(t, img)
	waitLog(t, name, "worker ready", 20*time.Second)
	if took, code := stop(t, name, 4); took > 2500*time.Millisecond || code != 0 {
		t.Errorf("docker stop took %v, exit %d: the SIGTERM should have stopped it at once", took, code)
	}
}
