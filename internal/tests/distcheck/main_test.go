//go:build dist

package distcheck

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// dist is the directory the release is built into, once, by the first test
// that needs it.
var (
	dist     string
	distErr  error
	distOnce sync.Once
)

func TestMain(m *testing.M) {
	code := testbin.Main(m)
	if dist != "" {
		os.RemoveAll(dist)
	}
	os.Exit(code)
}

func buildDist() {
	d, err := os.MkdirTemp("", "dumb-init-dist-")
	if err != nil {
		distErr = err
		return
	}
	dist = d
	cmd := exec.Command("go", "run", "./cmd/release", "dist", "-o", dist)
	cmd.Dir = testbin.Root()
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(testbin.GoTool())+":"+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		distErr = &buildError{err, string(out)}
	}
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// needDist skips in -short mode and fails when the release build failed.
func needDist(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the whole release; not in -short mode")
	}
	distOnce.Do(buildDist)
	if distErr != nil {
		t.Fatalf("release build failed: %v", distErr)
	}
}

func python(t *testing.T) string {
	t.Helper()
	p := release.DefaultPython()
	if _, err := exec.LookPath(p); err != nil {
		t.Skipf("no Python (%s): install python3 python3-venv python3-setuptools python3-wheel", p)
	}
	return p
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func elfMachine(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	if !release.IsStatic(path) {
		t.Errorf("%s is dynamically linked", path)
	}
	return f.Machine.String()
}
