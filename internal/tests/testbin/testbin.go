// Package testbin builds the real binaries the tests run (the init the way
// releases build it, and small helper programs) and cleans up every process
// a test leaves behind. Tests only; nothing here is linked into the init.
package testbin

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

var (
	dir     string
	mu      sync.Mutex
	built   = map[string]string{}
	rootDir string
)

// Main wraps testing.M.Run for packages that use this package: it makes the
// test process a child subreaper, so that processes orphaned by a test are
// re-parented to it and can be killed and reaped, and removes the build
// directory at the end.
func Main(m *testing.M) int {
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	// Whatever the shell that started the tests left open must not leak
	// into the processes the tests inspect.
	_ = unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	d, err := os.MkdirTemp("", "dumb-init-test-")
	if err != nil {
		panic(err)
	}
	dir = d
	code := m.Run()
	killDescendants()
	os.RemoveAll(d)
	return code
}

// Root is the repository root (the directory holding go.mod).
func Root() string {
	if rootDir != "" {
		return rootDir
	}
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			rootDir = d
			return d
		}
		if d == filepath.Dir(d) {
			panic("go.mod not found above " + wd)
		}
	}
}

// GoTool is the go command: the one on PATH, else the usual install
// location.
func GoTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := "/usr/local/go/bin/go"; fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// cached makes the binary key once per test process, with make(out), and
// returns its path.
func cached(t testing.TB, key string, make func(out string) error) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[key]; ok {
		return p
	}
	if dir == "" {
		t.Fatal("testbin.Main was not called from TestMain")
	}
	out := filepath.Join(dir, key)
	if err := make(out); err != nil {
		t.Fatalf("building %s: %v", key, err)
	}
	built[key] = out
	return out
}

// build runs `go build -o OUT args...` in the repository with env added.
func build(t testing.TB, key string, env []string, args ...string) string {
	t.Helper()
	return cached(t, key, func(out string) error {
		cmd := exec.Command(GoTool(), append([]string{"build", "-o", out}, args...)...)
		cmd.Dir = Root()
		cmd.Env = append(os.Environ(), env...)
		if b, err := cmd.CombinedOutput(); err != nil {
			return errors.New(err.Error() + "\n" + string(b))
		}
		return nil
	})
}

// Init returns the init built exactly as a release builds it.
func Init(t testing.TB) string {
	t.Helper()
	return cached(t, "dumb-init", func(out string) error { return buildflags.Build(Root(), out) })
}

// PlainInit returns the init built with a bare `go build`, as a Go user who
// ignores our build scripts would.
func PlainInit(t testing.TB) string {
	return build(t, "dumb-init-plain", nil, "./cmd/dumb-init")
}

// Helper returns the helper program internal/tests/testbin/<name>, built SIGURG-safe
// so that it never sees preemption signals of its own runtime, and without
// the runtime's cgroup descriptors, so that every descriptor it holds came
// from its parent.
func Helper(t testing.TB, name string) string {
	return build(t, name, buildflags.Env, "-ldflags="+buildflags.RuntimeDefault, "./internal/tests/testbin/"+name)
}

// CHelper returns the benchmark's C helper (cmd/initbench/helper.c.in: signal
// receiver, orphan maker), compiled with the C compiler; skips without one.
func CHelper(t testing.TB) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (install gcc) for the orphan-making helper")
	}
	return cached(t, "c-helper", func(out string) error {
		src := out + ".c"
		b, err := os.ReadFile(filepath.Join(Root(), "cmd", "initbench", "helper.c.in"))
		if err == nil {
			err = os.WriteFile(src, b, 0o644)
		}
		if err != nil {
			return err
		}
		if o, err := exec.Command(cc, "-O2", "-static", "-o", out, src).CombinedOutput(); err != nil {
			return errors.New(err.Error() + "\n" + string(o))
		}
		return nil
	})
}

// Cleanup kills, at the end of the test, every process the test process has
// left behind (its whole tree of descendants, including orphans re-parented to
// it as subreaper) and reaps them.
func Cleanup(t testing.TB) {
	t.Cleanup(killDescendants)
}

func killDescendants() {
	for round := 0; round < 50; round++ {
		pids := procwatch.Descendants(os.Getpid())
		if len(pids) == 0 {
			return
		}
		for _, p := range pids {
			_ = unix.Kill(p, unix.SIGKILL)
		}
		for _, p := range procwatch.Children(os.Getpid()) {
			var ws unix.WaitStatus
			_, _ = unix.Wait4(p, &ws, unix.WNOHANG, nil)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// CleanEnv is the test process's environment without dumb-init's switches
// and GODEBUG (which the init reads), plus extra.
func CleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DUMB_INIT_") || strings.HasPrefix(kv, "GODEBUG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// Root reports whether the tests run as root, and skips t with the reason
// when they do not.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (PID namespaces, unshare); CI runs as root")
	}
}
