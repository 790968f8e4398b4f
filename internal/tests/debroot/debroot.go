// Package debroot makes the Debian roots the distribution and container tests
// run in: minimal roots of the machine's own architecture and foreign ones
// made through qemu-user (binfmt_misc), cached between runs, with downloads
// retried. Tests only.
package debroot

import (
	"github.com/dumb-init/dumb-init/internal/tests/testbin"

	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// aptMirror is the first Debian archive the machine's apt sources name (the
// only archive reachable here), and the machine's suite.
func aptMirror() (mirror, suite string) {
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VERSION_CODENAME="); ok {
				suite = strings.Trim(v, `"`)
			}
		}
	}
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, stanza := range strings.Split(string(b), "\n\n") {
			var uris, suites string
			for _, l := range strings.Split(stanza, "\n") {
				if v, ok := strings.CutPrefix(l, "URIs:"); ok {
					uris = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(l, "Suites:"); ok {
					suites = v
				}
			}
			if uris != "" && strings.Contains(" "+suites+" ", " "+suite+" ") {
				return strings.Fields(uris)[0], suite
			}
		}
	}
	if f, err := os.Open("/etc/apt/sources.list"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fl := strings.Fields(sc.Text())
			if len(fl) >= 3 && fl[0] == "deb" && fl[2] == suite {
				return fl[1], suite
			}
		}
	}
	return "", suite
}

// DebianRoot returns a Debian root of the machine's own architecture made
// with debootstrap --variant=minbase from the machine's mirror, plus the
// packages in include, cached between runs under the user's cache directory
// (keyed by suite and name). Callers must not change it: copy it or mount an
// overlay on it first. Skips without root, debootstrap or a mirror.
func DebianRoot(t testing.TB, name string, include ...string) string {
	t.Helper()
	return debianRoot(t, "", name, include)
}

// ForeignDebianRoot is DebianRoot for another Debian architecture (arch, as
// Debian names it): debootstrap --foreign downloads and unpacks it, then its
// second stage runs inside it, chrooted, through qemu-user: binfmt_misc
// hands every foreign program to qemu (EnableQemu; qemu "" for an
// architecture the kernel runs itself, i386 on x86-64). The result is a real
// userland of that architecture, as slow as emulation makes it (1.5 to 5
// minutes the first time, cached afterwards).
func ForeignDebianRoot(t testing.TB, arch, qemu, name string, include ...string) string {
	t.Helper()
	testbin.NeedRoot(t)
	if qemu != "" {
		EnableQemu(t, qemu)
	}
	return debianRoot(t, arch, name, include)
}

func debianRoot(t testing.TB, arch, name string, include []string) string {
	t.Helper()
	testbin.NeedRoot(t)
	if _, err := exec.LookPath("debootstrap"); err != nil {
		t.Skip("debootstrap not installed (Debian package debootstrap)")
	}
	if mirror, suite := aptMirror(); mirror == "" || suite == "" {
		t.Skip("no Debian mirror found in the apt sources")
	}
	root, err := makeRoot(arch, name, include, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// StartForeignDebianRoots starts making the foreign roots that are not
// cached yet (each as ForeignDebianRoot would), all at once, in the
// background, and returns a function that waits until they are done and
// then reports their progress through logf. Most of the work is emulated
// and each second stage is one chain of processes, so making them together
// takes about the time of the slowest instead of their sum, whatever go
// test's -parallel is. Failures are only reported: the tests that need
// a root call ForeignDebianRoot, which tries again and fails properly.
// arches maps each Debian architecture to its binfmt entry ("" for one the
// kernel runs itself); name gives each root's cache name. Without root or
// debootstrap it does nothing.
func StartForeignDebianRoots(name func(arch string) string, include []string, arches map[string]string) (wait func(logf func(string, ...any))) {
	var (
		mu   sync.Mutex
		logs []string
		wg   sync.WaitGroup
	)
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	_, noDebootstrap := exec.LookPath("debootstrap")
	if mirror, suite := aptMirror(); os.Geteuid() == 0 && noDebootstrap == nil && mirror != "" && suite != "" {
		for arch, qemu := range arches {
			if qemu != "" {
				if missing, err := enableQemu(qemu); missing != "" || err != nil {
					continue // the test of this architecture says why
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := makeRoot(arch, name(arch), include, logf); err != nil {
					logf("making the %s root: %v", arch, err)
				}
			}()
		}
	}
	return func(report func(string, ...any)) {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, l := range logs {
			report("%s", l)
		}
		logs = nil
	}
}

// makeRoot returns the cached root name, making it first if needed (arch ""
// for the machine's own architecture). logf reports progress.
func makeRoot(arch, name string, include []string, logf func(string, ...any)) (string, error) {
	mirror, suite := aptMirror()
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		cacheDir = os.TempDir()
	}
	cache := filepath.Join(cacheDir, "dumb-init-tests", suite+"-"+name)
	if err := os.MkdirAll(filepath.Dir(cache), 0o755); err != nil {
		return "", err
	}
	// Test packages run in parallel processes (distcheck and the
	// container tests want the same root): one makes it, the others wait.
	lock, err := os.OpenFile(cache+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(cache, "usr", "bin", "dpkg")); err == nil {
		return cache, nil
	}
	removeRoot(cache)
	tmp := cache + ".tmp"
	args := []string{"--variant=minbase"}
	if arch != "" {
		args = append(args, "--arch="+arch, "--foreign")
	}
	if len(include) > 0 {
		args = append(args, "--include="+strings.Join(include, ","))
	}
	args = append(args, suite, tmp, mirror)
	logf("debootstrap %s (cached afterwards in %s)", strings.Join(args, " "), cache)
	start := time.Now()
	// Downloads from the mirror fail now and then: try again, with a
	// pause, before calling it a failure (and say it may be the network).
	var out []byte
	for attempt, pause := 1, 5*time.Second; ; attempt, pause = attempt+1, 2*pause {
		removeRoot(tmp)
		out, err = exec.Command("debootstrap", args...).CombinedOutput()
		if err == nil || attempt == 3 {
			break
		}
		logf("debootstrap attempt %d failed (%v), trying again in %v", attempt, err, pause)
		time.Sleep(pause)
	}
	if err != nil {
		return "", fmt.Errorf("debootstrap failed 3 times (a mirror or network problem if the log shows failed downloads): %v\n%s", err, out)
	}
	if arch != "" {
		// The second stage configures the packages by running the
		// root's own programs: foreign ones, through qemu. Nothing is
		// downloaded any more.
		first := time.Since(start)
		out, err = exec.Command("chroot", tmp, "/debootstrap/debootstrap", "--second-stage").CombinedOutput()
		if err != nil {
			removeRoot(tmp)
			return "", fmt.Errorf("debootstrap --second-stage in the %s root: %v\n%s", arch, err, LastLines(out, 30))
		}
		logf("%s root: first stage %v, second stage (emulated) %v", arch, first.Round(time.Second), (time.Since(start) - first).Round(time.Second))
	}
	if err := os.Rename(tmp, cache); err != nil {
		return "", err
	}
	return cache, nil
}

// EnableQemu makes the kernel run the programs of another architecture
// through qemu-user: it mounts binfmt_misc if nothing has, and registers the
// entry qemu-user-static ships for systemd-binfmt (/usr/lib/binfmt.d/
// <name>.conf, e.g. qemu-aarch64) unless one of that name exists. The
// entry's F flag makes the kernel open qemu once, at registration, so that
// it also works inside a chroot that has no qemu. The registration is left
// in place: it is what installing qemu-user-static with binfmt-support does
// on a Debian machine, and a test running in parallel may be using it.
func EnableQemu(t testing.TB, name string) {
	t.Helper()
	testbin.NeedRoot(t)
	missing, err := enableQemu(name)
	if missing != "" {
		t.Skip(missing)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// enableQemu is EnableQemu: missing says what this machine lacks for it,
// err what went wrong otherwise.
func enableQemu(name string) (missing string, err error) {
	conf, err := os.ReadFile(filepath.Join("/usr/lib/binfmt.d", name+".conf"))
	if line, ok := hostArchEntries[name]; ok && err != nil {
		// The interpreter is the entry's sixth field.
		if f := strings.Split(line, ":"); len(f) < 7 {
			return "", fmt.Errorf("malformed binfmt entry %s", line)
		} else if _, err := os.Stat(f[6]); err != nil {
			return f[6] + " not installed (Debian package qemu-user-static)", nil
		}
		conf, err = []byte(line), nil
	}
	if err != nil {
		return fmt.Sprintf("no binfmt entry for %s (Debian package qemu-user-static): %v", name, err), nil
	}
	const dir = "/proc/sys/fs/binfmt_misc"
	if _, err := os.Stat(filepath.Join(dir, "register")); err != nil {
		if err := syscall.Mount("binfmt_misc", dir, "binfmt_misc", 0, ""); err != nil && err != syscall.EBUSY {
			return fmt.Sprintf("cannot mount binfmt_misc (kernel without CONFIG_BINFMT_MISC?): %v", err), nil
		}
	}
	entry := filepath.Join(dir, name)
	if state, err := os.ReadFile(entry); err == nil {
		if !strings.HasPrefix(string(state), "enabled") {
			// Registered but switched off (update-binfmts --disable).
			if err := os.WriteFile(entry, []byte("1"), 0); err != nil {
				return "", fmt.Errorf("enabling %s: %v", entry, err)
			}
		}
		return "", nil
	}
	var line string
	for _, l := range strings.Split(string(conf), "\n") {
		if strings.HasPrefix(l, ":") {
			line = l
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "register"), []byte(line), 0); err != nil {
		// A parallel test may have registered it in between.
		if _, statErr := os.Stat(entry); statErr != nil {
			return "", fmt.Errorf("registering %s with binfmt_misc: %v", name, err)
		}
	}
	return "", nil
}

// QemuRegistered reports whether binfmt_misc hands programs to the enabled
// entry name (e.g. qemu-i386: 32-bit x86 programs then run under qemu, not
// natively).
func QemuRegistered(name string) bool {
	state, err := os.ReadFile(filepath.Join("/proc/sys/fs/binfmt_misc", name))
	return err == nil && strings.HasPrefix(string(state), "enabled")
}

// UnregisterQemu removes the binfmt_misc entry name, for the entries of
// hostArchEntries, which a machine does not normally have.
func UnregisterQemu(name string) {
	if _, ok := hostArchEntries[name]; ok {
		_ = os.WriteFile(filepath.Join("/proc/sys/fs/binfmt_misc", name), []byte("-1"), 0)
	}
}

// hostArchEntries are binfmt_misc entries qemu-user-static does not ship
// because an x86-64 kernel normally runs those programs itself: 32-bit x86
// (i386). Registered only where that is not so (a kernel without its IA32
// emulation), they hand such programs to qemu instead of failing with
// ENOEXEC. The magic and mask are qemu's own (scripts/qemu-binfmt-conf.sh):
// an ELF32, little-endian, executable or shared object, machine EM_386.
var hostArchEntries = map[string]string{
	"qemu-i386": `:qemu-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-i386-static:F`,
}

// LastLines returns the last n lines of a command's output, for a failure
// message.
func LastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// removeRoot removes a root made by debootstrap. A debootstrap that failed
// half-way can leave /proc and the like mounted inside it: those are
// unmounted first (deepest first, detached), so that nothing outside the
// root is touched and the next attempt starts from an empty directory.
func removeRoot(dir string) {
	if b, err := os.ReadFile("/proc/self/mounts"); err == nil {
		var mounts []string
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
				mounts = append(mounts, f[1])
			}
		}
		for i := len(mounts) - 1; i >= 0; i-- {
			_ = syscall.Unmount(mounts[i], syscall.MNT_DETACH)
		}
	}
	os.RemoveAll(dir)
}
