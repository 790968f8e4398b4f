//go:build dist

package distcheck

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/debroot"
	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// The release holds exactly the expected files, and sha256sum -c accepts
// its checksum file.
func TestDistContents(t *testing.T) {
	needDist(t)
	want := []string{"sha256sums", release.SdistName()}
	for _, tg := range release.Targets {
		want = append(want, tg.BinaryName(), tg.DebName())
		if tg.HasWheel() {
			want = append(want, tg.WheelName())
		}
		if a := tg.AliasName(); a != "" {
			want = append(want, a)
		}
	}
	ents, _ := os.ReadDir(dist)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("dist holds\n%q\nwant\n%q", got, want)
	}
	out := run(t, dist, nil, "sha256sum", "-c", "sha256sums")
	if n := strings.Count(out, ": OK\n"); n != len(want)-1 {
		t.Errorf("sha256sum -c checked %d files, want %d:\n%s", n, len(want)-1, out)
	}
}

// Release names never change: they follow `uname -m` with an alias named
// after the Debian architecture.
func TestReleaseNames(t *testing.T) {
	v := release.Version()
	want := map[string][2]string{
		"amd64": {"x86_64", "amd64"}, "arm64": {"aarch64", "arm64"}, "armhf": {"armv7l", "armhf"},
		"armel": {"armv5tel", "armel"}, "i386": {"i386", ""}, "ppc64el": {"ppc64le", "ppc64el"},
		"s390x": {"s390x", ""}, "riscv64": {"riscv64", ""}, "loong64": {"loongarch64", "loong64"},
		"mips64el": {"mips64", "mips64el"},
	}
	if len(release.Targets) != len(want) {
		t.Errorf("%d targets, want %d", len(release.Targets), len(want))
	}
	for _, tg := range release.Targets {
		w := want[tg.Deb]
		if tg.BinaryName() != "dumb-init_"+v+"_"+w[0] {
			t.Errorf("%s: binary %s", tg.Deb, tg.BinaryName())
		}
		alias := ""
		if w[1] != "" {
			alias = "dumb-init_" + v + "_" + w[1]
		}
		if tg.AliasName() != alias {
			t.Errorf("%s: alias %q, want %q", tg.Deb, tg.AliasName(), alias)
		}
	}
}

// Every binary is static, for the right machine, identical to its alias and
// carries the SIGURG protection (the linked-in runtime default).
func TestBinaries(t *testing.T) {
	needDist(t)
	for _, tg := range release.Targets {
		bin := filepath.Join(dist, tg.BinaryName())
		if m := elfMachine(t, bin); m != tg.ELFMachine {
			t.Errorf("%s: ELF machine %s, want %s", tg.BinaryName(), m, tg.ELFMachine)
		}
		b, _ := os.ReadFile(bin)
		if a := tg.AliasName(); a != "" {
			ab, _ := os.ReadFile(filepath.Join(dist, a))
			if !bytes.Equal(ab, b) {
				t.Errorf("%s differs from %s", a, tg.BinaryName())
			}
		}
		if !bytes.Contains(b, []byte("asyncpreemptoff=1")) {
			t.Errorf("%s lacks the linked-in asyncpreemptoff=1 default", tg.BinaryName())
		}
	}
}

// emulator returns how to run tg's binaries here: natively, or under
// qemu-user. The i386 binary runs natively on x86-64 only where the kernel
// has its 32-bit emulation (IA32) on; elsewhere the test skips: Go's 386
// runtime is not reliable under qemu-i386 (tried: "morestack on g0" and
// "bad g in signal handler" crashes within a few runs), so emulating it
// would make the test flaky, not stronger.
func emulator(t *testing.T, tg release.Target) []string {
	t.Helper()
	if tg.Qemu == "" {
		if err := exec.Command(filepath.Join(dist, tg.BinaryName()), "-V").Run(); errors.Is(err, syscall.ENOEXEC) || debroot.QemuRegistered("qemu-i386") {
			t.Skipf("this kernel cannot execute 32-bit x86 programs (%v: IA32 emulation is off or unavailable under this hypervisor) and Go's 386 runtime is not reliable under qemu-i386; the %s binary is checked statically only", err, tg.Deb)
		}
		return nil
	}
	if _, err := exec.LookPath(tg.Qemu); err != nil {
		t.Skipf("%s not installed (Debian package qemu-user-static)", tg.Qemu)
	}
	return []string{tg.Qemu}
}

// Each binary runs on its architecture (emulated where foreign): version,
// exit-status propagation, signal forwarding to the child's group, and, as
// PID 1 of a PID namespace, reaping.
func TestBinariesRun(t *testing.T) {
	needDist(t)
	for _, tg := range release.Targets {
		t.Run(tg.Deb, func(t *testing.T) {
			testbin.Cleanup(t)
			emu := emulator(t, tg)
			bin := filepath.Join(dist, tg.BinaryName())
			cmd := func(args ...string) *exec.Cmd {
				all := append(append(append([]string{}, emu...), bin), args...)
				c := exec.Command(all[0], all[1:]...)
				c.Env = testbin.CleanEnv()
				return c
			}
			var stderr bytes.Buffer
			c := cmd("-V")
			c.Stderr = &stderr
			if err := c.Run(); err != nil || stderr.String() != "dumb-init v"+release.Version()+"\n" {
				t.Fatalf("-V: %v %q", err, stderr.String())
			}
			c = cmd("sh", "-c", "exit 3")
			if err := c.Run(); c.ProcessState.ExitCode() != 3 {
				t.Errorf("exit status: %v", err)
			}
			// Signal forwarding: TERM reaches the shell's whole group.
			c = cmd("sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`)
			out, _ := c.StdoutPipe()
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 6)
			if n, _ := out.Read(buf); string(buf[:n]) != "ready\n" {
				t.Fatalf("child said %q", buf[:n])
			}
			if !procwatch.WaitFor(5*time.Second, func() bool { return procwatch.Catches(c.Process.Pid, syscall.SIGTERM) }) {
				t.Fatal("init never caught SIGTERM")
			}
			c.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("init did not exit after SIGTERM")
			}
			if code := c.ProcessState.ExitCode(); code != 42 {
				t.Errorf("after SIGTERM: exit %d, want 42", code)
			}
			reapAsPID1(t, append(append([]string{}, emu...), bin))
		})
	}
}

// reapAsPID1 runs init as PID 1 of a new PID namespace with a shell that
// orphans 100 grandchildren, and checks none is left as a zombie.
func reapAsPID1(t *testing.T, init []string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Log("reaping as PID 1 not checked: needs root")
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Log("reaping as PID 1 not checked: no unshare")
		return
	}
	script := `i=0; while [ $i -lt 100 ]; do (sleep 0.1 &); i=$((i+1)); done
n=0; while [ $n -lt 300 ]; do
  left=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
  [ "$left" -le 1 ] && break; sleep 0.05; n=$((n+1)); done
echo "left=$left zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"`
	args := append([]string{"--pid", "--fork", "--mount-proc"}, init...)
	args = append(args, "sh", "-c", script)
	c := exec.Command("unshare", args...)
	c.Env = testbin.CleanEnv()
	out, err := c.Output()
	if err != nil || string(out) != "left=1 zombies=0\n" {
		t.Errorf("as PID 1: %v %q, want no orphan or zombie left", err, out)
	}
}

// Signal names resolve to the numbers of the binary's own architecture:
// SIGUSR1 is 16 and SIGCHLD 18 on MIPS, 10 and 17 elsewhere (checked by
// running each release binary's --list-signals, emulated where foreign).
func TestSignalNumbersFollowArchitecture(t *testing.T) {
	needDist(t)
	for _, tg := range release.Targets {
		t.Run(tg.Deb, func(t *testing.T) {
			emu := emulator(t, tg)
			bin := filepath.Join(dist, tg.BinaryName())
			out, err := exec.Command(append(emu, bin, "--list-signals")[0], append(emu, bin, "--list-signals")[1:]...).Output()
			if err != nil {
				t.Fatal(err)
			}
			usr1, chld := "10   USR1 ", "17   CHLD "
			if strings.HasPrefix(tg.GOARCH, "mips") {
				usr1, chld = "16   USR1 ", "18   CHLD "
			}
			for _, want := range []string{usr1, chld, "37   RTMIN+3 "} {
				if !strings.Contains(string(out), "\n"+want) {
					t.Errorf("--list-signals lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
