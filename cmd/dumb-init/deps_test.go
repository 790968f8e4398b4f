package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

const module = "github.com/dumb-init/dumb-init"

// stdRoots are the standard packages the init may import, each for a
// reason; everything they depend on is allowed with them. Anything else
// from the standard library (fmt, time, os/exec, encoding/json, ...) must be
// argued for here first: each costs bytes in a binary that ships in
// millions of images, and fmt and time cost about 100 KiB each.
var stdRoots = map[string]string{
	"os":        "argv, environment, exit; the runtime's own dependency",
	"os/signal": "the runtime's unblockable signals (internal/pid1/supervisor/catch.go)",
	"syscall":   "signal numbers, errno values",
	"unsafe":    "siginfo and dirent layouts, vfork",
	"runtime":   "LockOSThread for the parent-death signal",
	"strconv":   "numbers in messages and /proc paths",
	"strings":   "option parsing",
	"io":        "io.Writer for the logs",
	"embed":     "VERSION, metadata.json and LICENSE (one source of each)",
	"slices":    "sorting the signal table",
}

// otherRoots are the packages outside the standard library the init may
// import.
var otherRoots = map[string]string{
	"golang.org/x/sys/unix": "system calls the syscall package lacks (signalfd, timerfd, prctl, waitid)",
}

// goList runs go list in the repository. It first looks at every Go source
// file and go.mod, so that go test's cache, which only knows the files the
// test process itself opened, reruns the test when any of them changes.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	_ = filepath.WalkDir(testbin.Root(), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".s") || d.Name() == "go.mod") {
			_, _ = os.Stat(path)
		}
		return nil
	})
	cmd := exec.Command(testbin.GoTool(), append([]string{"list"}, args...)...)
	cmd.Dir = testbin.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// The init links only its own packages (internal/pid1, the module root for
// the version and license) and what the allow-list above names, with their
// dependencies: no fmt, nothing of the release tooling, nfpm or the tests.
func TestInitDependenciesAllowList(t *testing.T) {
	roots := []string{}
	for p := range stdRoots {
		roots = append(roots, p)
	}
	for p := range otherRoots {
		roots = append(roots, p)
	}
	allowed := map[string]bool{}
	for _, p := range goList(t, append([]string{"-deps"}, roots...)...) {
		allowed[p] = true
	}
	for _, p := range goList(t, "-deps", "./cmd/dumb-init") {
		switch {
		case allowed[p]:
		case p == module, p == module+"/cmd/dumb-init", strings.HasPrefix(p, module+"/internal/pid1/"):
		default:
			t.Errorf("the init links %s: not in the allow-list (cmd/dumb-init/deps_test.go); the init's packages live in internal/pid1", p)
		}
	}
}

// The layers import downward only: the init's packages import nothing of
// the tooling or the tests (even those cmd/dumb-init does not link), and the
// tooling imports nothing of the tests.
func TestLayersImportDownwardOnly(t *testing.T) {
	check := func(pattern, forbidden string) {
		for _, line := range strings.Split(strings.Join(goList(t, "-deps", "-f", "{{.ImportPath}}:{{join .Imports \",\"}}", pattern), "\n"), "\n") {
			pkg, imports, _ := strings.Cut(line, ":")
			for _, imp := range strings.Split(imports, ",") {
				if strings.HasPrefix(imp, module+"/"+forbidden) {
					t.Errorf("%s imports %s (%s must not depend on %s)", pkg, imp, pattern, forbidden)
				}
			}
		}
	}
	check("./internal/pid1/...", "internal/tooling/")
	check("./internal/pid1/...", "internal/tests/")
	check("./internal/tooling/...", "internal/tests/")
	check("./cmd/...", "internal/tests/")
}
