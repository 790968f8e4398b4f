//go:build dist

package distcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/debroot"
	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// foreignPip lists the real userlands pip is tried in: for each Debian
// architecture of the release (bookworm has all but riscv64 and loong64), a
// debootstrap root of that architecture with Debian's own python3 and pip
// 23.0.1, run through qemu-user. pip there computes its own platform tags
// from the emulated CPU and the interpreter, exactly as on real hardware of
// that architecture; nothing is passed with --platform.
var foreignPip = []struct {
	name string
	deb  string
	// cpu is the CPU model qemu emulates (QEMU_CPU), "" for its default.
	cpu string
	// wheel: pip must choose the architecture's wheel; otherwise the
	// sdist, which installs its prebuilt binary for the interpreter.
	wheel bool
	// every: runs in every test run; the others only in the long tier
	// (DUMB_INIT_LONG=1), to keep CI's time down.
	every bool
}{
	{"arm64", "arm64", "", true, true},
	// qemu-arm's default CPU is an ARMv7: pip offers linux_armv7l only
	// (no manylinux tag for a soft-float interpreter), which the armel
	// wheel carries.
	{"armel", "armel", "", true, true},
	// An ARMv5 CPU (ARM926EJ-S, as in older NAS boxes): pip offers
	// linux_armv5tel only, which PyPI never accepts: the sdist serves it.
	{"armel-armv5", "armel", "arm926", false, true},
	// pip offers linux_mips64 only: the sdist.
	{"mips64el", "mips64el", "", false, true},
	{"armhf", "armhf", "", true, false},
	{"ppc64el", "ppc64el", "", true, false},
	{"s390x", "s390x", "", true, false},
	// Runs natively on an x86-64 kernel with its 32-bit emulation on,
	// under qemu-i386 elsewhere.
	{"i386", "i386", "", true, false},
}

// pipRootPackages are what the foreign roots have beyond minbase: Debian's
// python3 with pip and venv.
var pipRootPackages = []string{"python3", "python3-pip", "python3-venv", "python3-setuptools", "python3-wheel"}

func rootName(deb string) string { return "pip-" + deb }

// binfmtEntry is the binfmt_misc entry that runs tg's programs: qemu's for
// foreign architectures; for i386 none where the kernel runs 32-bit x86
// itself, qemu-i386 where it cannot (ENOEXEC).
func binfmtEntry(tg release.Target) string {
	if tg.Qemu != "" {
		return strings.TrimSuffix(tg.Qemu, "-static")
	}
	if debroot.QemuRegistered("qemu-i386") {
		return "qemu-i386" // registered by an earlier run or subtest
	}
	if err := exec.Command(filepath.Join(dist, tg.BinaryName()), "-V").Run(); errors.Is(err, syscall.ENOEXEC) {
		return "qemu-i386"
	}
	return ""
}

// longTier reports whether the slow tests run (DUMB_INIT_LONG=1).
func longTier() bool { return os.Getenv("DUMB_INIT_LONG") == "1" }

// Real pip, on a real interpreter of each architecture, installs dumb-init
// from the release directory (offline, --no-index --find-links): the file it
// chooses is the one the README promises for that architecture, the binary
// it installs is the release binary of that architecture byte for byte, and
// that binary works there: version, exit status, a forwarded signal, and
// reaping as PID 1 of a new PID namespace.
func TestPipInForeignDebian(t *testing.T) {
	needDist(t)
	testbin.NeedRoot(t)
	// Processes are bounded one by one below (the subtests run in
	// parallel, so none may kill the others' processes); this catches
	// anything left when they are all done.
	testbin.Cleanup(t)
	var later []string
	arches := map[string]string{}
	for _, c := range foreignPip {
		if !c.every && !longTier() {
			later = append(later, c.name)
			continue
		}
		if tg, ok := release.Find(c.deb); ok {
			arches[c.deb] = binfmtEntry(tg)
		}
	}
	// Make the roots that are not cached yet all at once (go test runs
	// only two parallel subtests at a time here). No other test runs
	// meanwhile, so none of their clean-ups can kill the debootstraps.
	debroot.StartForeignDebianRoots(rootName, pipRootPackages, arches)(t.Logf)
	for _, c := range foreignPip {
		if !c.every && !longTier() {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			// Each works in an emulated userland, mostly on one
			// CPU: in parallel.
			t.Parallel()
			tg, ok := release.Find(c.deb)
			if !ok {
				t.Fatalf("%s is not a release target", c.deb)
			}
			qemu := binfmtEntry(tg)
			// Under qemu-i386 (see binfmtEntry), Debian's i386
			// userland runs but Go's 386 runtime does not survive
			// signals: pip's choice and the installed bytes are
			// checked, the binary is not run.
			runsGo := qemu != "qemu-i386"
			if !runsGo {
				// Not left behind: it would make the machine run
				// every 32-bit x86 program under qemu.
				t.Cleanup(func() { debroot.UnregisterQemu(qemu) })
			}
			root := debroot.ForeignDebianRoot(t, c.deb, qemu, rootName(c.deb), pipRootPackages...)
			m := overlayRoot(t, root)
			env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8"}
			if c.cpu != "" {
				env = append(env, "QEMU_CPU="+c.cpu)
			}
			in := func(args ...string) *exec.Cmd {
				cmd := exec.Command("chroot", append([]string{m}, args...)...)
				cmd.Env = env
				return cmd
			}
			must := func(args ...string) string {
				t.Helper()
				var out bytes.Buffer
				if code := runBounded(t, 15*time.Minute, func() *exec.Cmd {
					out.Reset()
					c := in(args...)
					c.Stdout, c.Stderr = &out, &out
					return c
				}); code != 0 {
					t.Fatalf("%s: exit status %d\n%s", strings.Join(args, " "), code, debroot.LastLines(out.Bytes(), 40))
				}
				return out.String()
			}
			t.Logf("uname -m in the root: %s", strings.TrimSpace(must("uname", "-m")))
			// The tags this interpreter accepts, as pip computes them.
			must("python3", "-m", "venv", "--system-site-packages", "/venv")
			tags := must("/venv/bin/python", "-m", "pip", "debug", "--verbose")
			t.Logf("pip's most preferred tags: %s", strings.Join(firstTags(tags, 4), " "))

			// --no-build-isolation: offline, the sdist's build uses
			// Debian's setuptools and wheel (a user online gets them
			// from the index in an isolated build).
			must("/venv/bin/pip", "install", "--no-index", "--no-build-isolation", "--disable-pip-version-check",
				"--find-links", "/dist", "--report", "/report.json", "dumb-init")
			chose := chosenFile(t, filepath.Join(m, "report.json"))
			want := release.SdistName()
			if c.wheel {
				want = tg.WheelName()
			}
			if chose != want {
				t.Fatalf("pip chose %s, want %s", chose, want)
			}
			t.Logf("pip chose %s", chose)
			got, err := os.ReadFile(filepath.Join(m, "venv", "bin", "dumb-init"))
			rel, _ := os.ReadFile(filepath.Join(dist, tg.BinaryName()))
			if err != nil || !bytes.Equal(got, rel) {
				t.Fatalf("the installed dumb-init is not the release binary %s (%v)", tg.BinaryName(), err)
			}

			if !runsGo {
				t.Logf("the installed binary is not run: this kernel cannot execute 32-bit x86 programs, and under qemu-i386 Go's 386 runtime does not survive signals (tried: -V and exit statuses work, the first forwarded signal ends it with status 2); the i386 userland ran under qemu-i386")
				return
			}
			// The installed binary runs there.
			var stderr bytes.Buffer
			if code := runBounded(t, time.Minute, func() *exec.Cmd {
				stderr.Reset()
				v := in("/venv/bin/dumb-init", "-V")
				v.Stderr = &stderr
				return v
			}); code != 0 || stderr.String() != "dumb-init v"+release.Version()+"\n" {
				t.Errorf("-V: exit %d %q", code, stderr.String())
			}
			if code := runBounded(t, time.Minute, func() *exec.Cmd { return in("/venv/bin/dumb-init", "sh", "-c", "exit 3") }); code != 3 {
				t.Errorf("exit status %d, want 3", code)
			}
			forwardsInRoot(t, in("/venv/bin/dumb-init", "sh", "-c", `trap 'exit 42' USR1; echo ready; while :; do sleep 0.05; done`))
			reapInRoot(t, m, env)
		})
	}
	if len(later) > 0 {
		t.Logf("in the long tier only (DUMB_INIT_LONG=1; a root takes minutes to make): %s", strings.Join(later, ", "))
	}
}

// runBounded runs the command made by mk and returns its exit status.
// Emulation is slow, but never minutes slow for these commands: after limit
// it shows the processes still running with their signal state and kills
// them. One failure is the emulator's, not the program's, and is run again
// once: qemu-user emulates vfork with a real fork of the whole emulator, and
// the fork child of a multi-threaded guest (every Go program) can deadlock
// on a lock another emulator thread held at that moment, before it reaches
// execve (seen here once in a few hundred runs: the init waiting on its
// exec-report pipe, the child with the init's own command line blocked in a
// futex). The same spawn runs natively in every other test.
func runBounded(t *testing.T, limit time.Duration, mk func() *exec.Cmd) int {
	t.Helper()
	for attempt := 1; ; attempt++ {
		c := mk()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
			return c.ProcessState.ExitCode()
		case <-time.After(limit):
		}
		procs := append([]int{c.Process.Pid}, procwatch.Descendants(c.Process.Pid)...)
		var state strings.Builder
		for _, pid := range procs {
			fmt.Fprintf(&state, "%d %s: state %s, pending %s/%s, blocked %s, caught %s, waiting in %s\n", pid,
				cmdline(pid), procwatch.State(pid), procwatch.Status(pid, "SigPnd"), procwatch.Status(pid, "ShdPnd"),
				procwatch.Status(pid, "SigBlk"), procwatch.Status(pid, "SigCgt"), wchan(pid))
		}
		deadlock := qemuForkDeadlock(procs[1:])
		for i := len(procs) - 1; i >= 0; i-- {
			_ = syscall.Kill(procs[i], syscall.SIGKILL)
		}
		<-done
		if deadlock && attempt == 1 {
			t.Logf("%s: qemu's fork child deadlocked before execve (the emulator's, see runBounded); running it again:\n%s", strings.Join(c.Args, " "), state.String())
			continue
		}
		t.Errorf("%s still running after %v:\n%s", strings.Join(c.Args, " "), limit, state.String())
		return -1
	}
}

// qemuForkDeadlock reports whether one of procs is a fork child that never
// reached execve, stuck in a futex: the same command line as its parent.
func qemuForkDeadlock(procs []int) bool {
	for _, pid := range procs {
		st, ok := procwatch.ReadStat(pid)
		if ok && cmdline(pid) != "" && cmdline(pid) == cmdline(st.PPid) && strings.HasPrefix(wchan(pid), "futex") {
			return true
		}
	}
	return false
}

func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.ReplaceAll(string(bytes.TrimRight(b, "\x00")), "\x00", " ")
}

func wchan(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/wchan")
	return string(b)
}

// overlayRoot mounts a writable overlay of the cached root (which stays
// untouched), with /proc and the release directory (read-only, at /dist)
// inside, and removes it all when the test ends.
func overlayRoot(t *testing.T, root string) string {
	t.Helper()
	tmp := t.TempDir()
	upper, work, m := filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"), filepath.Join(tmp, "root")
	for _, d := range []string{upper, work, m} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var mounted []string
	t.Cleanup(func() {
		for i := len(mounted) - 1; i >= 0; i-- {
			_ = syscall.Unmount(mounted[i], syscall.MNT_DETACH)
		}
	})
	mount := func(src, dst, fstype string, flags uintptr, data string) {
		t.Helper()
		if err := syscall.Mount(src, dst, fstype, flags, data); err != nil {
			t.Fatalf("mount %s on %s: %v", src, dst, err)
		}
		mounted = append(mounted, dst)
	}
	mount("overlay", m, "overlay", 0, "lowerdir="+root+",upperdir="+upper+",workdir="+work)
	mount("proc", filepath.Join(m, "proc"), "proc", 0, "")
	d := filepath.Join(m, "dist")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	mount(dist, d, "", syscall.MS_BIND, "")
	if err := syscall.Mount("", d, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount /dist read-only: %v", err)
	}
	return m
}

// chosenFile reads the file pip installed from its --report.
func chosenFile(t *testing.T, report string) string {
	t.Helper()
	var r struct {
		Install []struct {
			DownloadInfo struct{ URL string } `json:"download_info"`
		}
	}
	b, err := os.ReadFile(report)
	if err != nil || json.Unmarshal(b, &r) != nil || len(r.Install) != 1 {
		t.Fatalf("pip's report %s: %v\n%s", report, err, b)
	}
	return filepath.Base(r.Install[0].DownloadInfo.URL)
}

// firstTags picks the first n "Compatible tags" lines of pip debug --verbose.
func firstTags(out string, n int) []string {
	_, rest, ok := strings.Cut(out, "Compatible tags:")
	if !ok {
		return nil
	}
	var tags []string
	for _, l := range strings.Split(rest, "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" && len(tags) < n {
			tags = append(tags, l)
		}
	}
	return tags
}

// forwardsInRoot starts c (an init running a shell that exits 42 on USR1),
// waits until the shell is ready and sends the init USR1.
func forwardsInRoot(t *testing.T, c *exec.Cmd) {
	t.Helper()
	out, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if n, _ := out.Read(buf); string(buf[:n]) != "ready\n" {
		c.Process.Kill()
		c.Wait()
		t.Fatalf("child said %q", buf[:n])
	}
	c.Process.Signal(syscall.SIGUSR1)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		<-done
		t.Fatal("the init did not exit after USR1")
	}
	if code := c.ProcessState.ExitCode(); code != 42 {
		t.Errorf("after USR1: exit %d, want 42 (the shell's USR1 trap)", code)
	}
}

// reapInRoot runs the installed init as PID 1 of a new PID namespace (and
// mount namespace, for its own /proc) inside the root, with a shell that
// orphans 20 grandchildren, and checks that none is left as a zombie.
func reapInRoot(t *testing.T, m string, env []string) {
	t.Helper()
	script := `i=0; while [ $i -lt 20 ]; do (sleep 0.2 &); i=$((i+1)); done
n=0; while [ $n -lt 600 ]; do
  left=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
  [ "$left" -le 1 ] && break; sleep 0.05; n=$((n+1)); done
echo "left=$left zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"`
	var out bytes.Buffer
	if code := runBounded(t, 2*time.Minute, func() *exec.Cmd {
		out.Reset()
		c := exec.Command("unshare", "--pid", "--fork", "--mount", "--kill-child", "chroot", m,
			"/bin/sh", "-c", `mount -t proc proc /proc && exec /venv/bin/dumb-init /bin/sh -c "$0"`, script)
		c.Env, c.Stdout = env, &out
		return c
	}); code != 0 || out.String() != "left=1 zombies=0\n" {
		t.Errorf("as PID 1: exit %d %q, want no orphan or zombie left", code, out.String())
	}
}
