// Package buildflags owns the compiler and linker flags every release build of
// the init uses. It is imported by release tooling and tests, never by the init
// itself. Every other build route (scripts/build, setup.py, debian/rules,
// .goreleaser.yaml) must pass the same flags; tests compare them with these.
package buildflags

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// PreemptMarker is the linker -X assignment that tells the init that the
// runtime default below was linked in, so it need not re-exec itself to turn
// asynchronous preemption off (see internal/pid1/preempt).
const PreemptMarker = "-X=github.com/dumb-init/dumb-init/internal/pid1/preempt.disabledAtLink=yes"

// RuntimeDefault sets the runtime's built-in GODEBUG defaults:
//   - asyncpreemptoff=1: the Go scheduler never sends the process SIGURG,
//     which an init that forwards every signal would otherwise pass on to
//     its child;
//   - containermaxprocs=0, updatemaxprocs=0: the runtime neither reads the
//     cgroup CPU limit at start nor keeps /sys/fs/cgroup/cpu files open for
//     the whole run to follow it (an init needs no parallelism, and must
//     keep no mount busy).
const RuntimeDefault = "-X=runtime.godebugDefault=asyncpreemptoff=1,containermaxprocs=0,updatemaxprocs=0"

// Entry selects the init's own ELF entry point, which blocks every signal
// before the Go runtime starts (internal/pid1/startmask).
const Entry = "-E=_dumb_init_rt0"

// LDFlags is the complete -ldflags value of a release build: stripped, no
// build id (for reproducible output), SIGURG-safe, signals blocked from the
// first instruction.
var LDFlags = strings.Join([]string{"-s", "-w", "-buildid=", RuntimeDefault, PreemptMarker, Entry}, " ")

// GoFlags are the go build flags of a release build besides -ldflags.
var GoFlags = []string{"-trimpath", "-buildvcs=false"}

// Env is the environment a release build adds to the caller's: a static
// binary, no cgo.
var Env = []string{"CGO_ENABLED=0"}

// Args returns the arguments of `go build` for a release build of pkg written
// to out.
func Args(out, pkg string) []string {
	args := []string{"build"}
	args = append(args, GoFlags...)
	args = append(args, "-ldflags="+LDFlags, "-o", out, pkg)
	return args
}

// Build runs `go build` for the init in the module at root with the release
// flags, writing out; env is added to the caller's environment (GOARCH, ...).
func Build(root, out string, env ...string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", Args(out, "./cmd/dumb-init")...)
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), Env...), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return errors.New("go " + strings.Join(cmd.Args[1:], " ") + ": " + err.Error() + "\n" + string(b))
	}
	return nil
}
