//go:build dist

package distcheck

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

func wheelFiles(t *testing.T, path string) map[string]*zip.File {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	files := map[string]*zip.File{}
	for _, f := range r.File {
		files[f.Name] = f
	}
	return files
}

func readZip(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return b
}

// Each wheel holds the release binary, executable, in .data/scripts, and
// declares exactly its platform tags.
func TestWheelContents(t *testing.T) {
	needDist(t)
	v := release.Version()
	for _, tg := range release.Targets {
		if !tg.HasWheel() {
			continue
		}
		files := wheelFiles(t, filepath.Join(dist, tg.WheelName()))
		var names []string
		for n := range files {
			names = append(names, n)
		}
		slices.Sort(names)
		want := []string{
			"dumb_init-" + v + ".data/scripts/dumb-init",
			"dumb_init-" + v + ".dist-info/LICENSE",
			"dumb_init-" + v + ".dist-info/METADATA",
			"dumb_init-" + v + ".dist-info/RECORD",
			"dumb_init-" + v + ".dist-info/WHEEL",
			"dumb_init-" + v + ".dist-info/top_level.txt",
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %q", tg.WheelName(), names)
			continue
		}
		bin := files["dumb_init-"+v+".data/scripts/dumb-init"]
		relBin, _ := os.ReadFile(filepath.Join(dist, tg.BinaryName()))
		if !bytes.Equal(readZip(t, bin), relBin) {
			t.Errorf("%s: binary differs from %s", tg.WheelName(), tg.BinaryName())
		}
		if bin.Mode().Perm() != 0o755 {
			t.Errorf("%s: binary mode %v", tg.WheelName(), bin.Mode())
		}
		var tags []string
		for _, l := range strings.Split(string(readZip(t, files["dumb_init-"+v+".dist-info/WHEEL"])), "\n") {
			if tag, ok := strings.CutPrefix(l, "Tag: "); ok {
				tags = append(tags, tag)
			}
		}
		var wantTags []string
		for _, p := range tg.PlatformTags() {
			wantTags = append(wantTags, "py3-none-"+p)
		}
		if !slices.Equal(tags, wantTags) {
			t.Errorf("%s: WHEEL tags %q, want %q", tg.WheelName(), tags, wantTags)
		}
		meta := string(readZip(t, files["dumb_init-"+v+".dist-info/METADATA"]))
		for _, want := range []string{"Name: dumb-init\n", "Version: " + v + "\n", "Requires-Python: >=3.7\n", "License: MIT\n", "Description-Content-Type: text/markdown\n", "Summary: " + release.Meta().Summary + "\n"} {
			if !strings.Contains(meta, want) {
				t.Errorf("%s: METADATA lacks %q", tg.WheelName(), want)
			}
		}
	}
}

// Building a wheel again from the same commit gives the same bytes.
func TestWheelReproducible(t *testing.T) {
	needDist(t)
	tg := release.Targets[0]
	out := t.TempDir()
	if err := release.Wheel(testbin.Root(), python(t), tg, filepath.Join(dist, tg.BinaryName()), out, release.SourceDateEpoch(testbin.Root())); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dist, tg.WheelName()))
	b, err := os.ReadFile(filepath.Join(out, tg.WheelName()))
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("second build of %s differs (%v)", tg.WheelName(), err)
	}
}

// The binary in each foreign wheel is for its machine and runs there.
func TestWheelBinariesRun(t *testing.T) {
	needDist(t)
	v := release.Version()
	for _, tg := range release.Targets {
		if !tg.HasWheel() {
			continue
		}
		t.Run(tg.Deb, func(t *testing.T) {
			files := wheelFiles(t, filepath.Join(dist, tg.WheelName()))
			bin := filepath.Join(t.TempDir(), "dumb-init")
			os.WriteFile(bin, readZip(t, files["dumb_init-"+v+".data/scripts/dumb-init"]), 0o755)
			if m := elfMachine(t, bin); m != tg.ELFMachine {
				t.Errorf("ELF machine %s, want %s", m, tg.ELFMachine)
			}
			emu := emulator(t, tg)
			args := append(emu, bin, "sh", "-c", "exit 5")
			c := exec.Command(args[0], args[1:]...)
			c.Env = testbin.CleanEnv()
			c.Run()
			if c.ProcessState.ExitCode() != 5 {
				t.Errorf("wheel binary under %v: exit %d, want 5", emu, c.ProcessState.ExitCode())
			}
		})
	}
}

func venv(t *testing.T, systemSite bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "venv")
	args := []string{"-m", "venv"}
	if systemSite {
		args = append(args, "--system-site-packages")
	}
	cmd := exec.Command(python(t), append(args, dir)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot create a venv (install python3-venv): %v %s", err, out)
	}
	return dir
}

// pip install of the host's wheel puts the real binary on the venv's PATH,
// and it works as an init.
func TestPipInstallWheel(t *testing.T) {
	needDist(t)
	host := hostTarget(t)
	v := venv(t, false)
	run(t, "", nil, filepath.Join(v, "bin", "pip"), "install", "--no-index", "--disable-pip-version-check", filepath.Join(dist, host.WheelName()))
	installed := filepath.Join(v, "bin", "dumb-init")
	got, err := os.ReadFile(installed)
	want, _ := os.ReadFile(filepath.Join(dist, host.BinaryName()))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is not the release binary (%v)", installed, err)
	}
	checkInstalled(t, v)
	// And pip uninstall removes it.
	run(t, "", nil, filepath.Join(v, "bin", "pip"), "uninstall", "-y", "dumb-init")
	if _, err := os.Stat(installed); err == nil {
		t.Error("pip uninstall left the binary")
	}
}

// checkInstalled runs the dumb-init found on the venv's PATH.
func checkInstalled(t *testing.T, v string) {
	t.Helper()
	testbin.Cleanup(t)
	env := append(testbin.CleanEnv(), "PATH="+filepath.Join(v, "bin")+":/usr/bin:/bin")
	lp := exec.Command("sh", "-c", "command -v dumb-init")
	lp.Env = env
	if out, _ := lp.Output(); string(out) != filepath.Join(v, "bin", "dumb-init")+"\n" {
		t.Errorf("dumb-init on PATH is %q", out)
	}
	// Started by its path, with argv[0] as a shell gives it after the
	// PATH search. (exec.Command("dumb-init") would search the test's
	// own PATH, and fail where no dumb-init is installed.)
	var stderr bytes.Buffer
	c := exec.Command(filepath.Join(v, "bin", "dumb-init"), "-V")
	c.Args[0] = "dumb-init"
	c.Env, c.Stderr = env, &stderr
	if err := c.Run(); err != nil || stderr.String() != "dumb-init v"+release.Version()+"\n" {
		t.Errorf("-V: %v %q", err, stderr.String())
	}
	c = exec.Command(filepath.Join(v, "bin", "dumb-init"), "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`)
	c.Env = env
	out, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	out.Read(buf)
	c.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if c.ProcessState.ExitCode() != 42 {
		t.Errorf("exit %d after SIGTERM, want 42", c.ProcessState.ExitCode())
	}
}

func hostTarget(t *testing.T) release.Target {
	t.Helper()
	tg, ok := release.HostTarget()
	if !ok {
		t.Skip("host architecture is not a release target")
	}
	return tg
}

// pip picks the right wheel for every platform we claim, given the full tag
// list such a system accepts, and none for a platform we don't support.
func TestPipPlatformSelection(t *testing.T) {
	needDist(t)
	v := venv(t, false)
	pick := func(platforms []string) string {
		t.Helper()
		report := filepath.Join(t.TempDir(), "report.json")
		args := []string{"install", "--dry-run", "--disable-pip-version-check", "--target", filepath.Join(t.TempDir(), "t"),
			"--no-index", "--find-links", dist, "--only-binary=:all:", "--report", report}
		for _, p := range platforms {
			args = append(args, "--platform", p)
		}
		cmd := exec.Command(filepath.Join(v, "bin", "pip"), append(args, "dumb-init")...)
		if err := cmd.Run(); err != nil {
			return ""
		}
		var r struct {
			Install []struct {
				DownloadInfo struct{ URL string } `json:"download_info"`
			}
		}
		b, _ := os.ReadFile(report)
		if json.Unmarshal(b, &r) != nil || len(r.Install) != 1 {
			return ""
		}
		return filepath.Base(r.Install[0].DownloadInfo.URL)
	}
	// The tags a real pip 23 offers (packaging's sys_tags): manylinux tags
	// only on x86_64, i686, aarch64, hard-float armv7l, ppc64(le) and
	// s390x, musllinux tags on musl systems, and always linux_<machine>.
	for _, tg := range release.Targets {
		a := tg.Python
		offers := map[string][]string{}
		switch tg.Wheel {
		case release.WheelManylinux:
			glibc := []string{"manylinux_2_36_" + a, "manylinux_2_31_" + a, "manylinux_2_17_" + a}
			if tg.Manylinux2014 {
				glibc = append(glibc, "manylinux2014_"+a)
			}
			offers["glibc"] = append(glibc, "linux_"+a)
			offers["musl"] = []string{"musllinux_1_2_" + a, "musllinux_1_1_" + a, "linux_" + a}
		case release.WheelPlainARM:
			// Soft-float Debian armel: linux_<CPU> only.
			offers["armel on ARMv7"] = []string{"linux_armv7l"}
			offers["armel on ARMv6"] = []string{"linux_armv6l"}
		}
		for name, plats := range offers {
			if got := pick(plats); got != tg.WheelName() {
				t.Errorf("%s %s: pip picked %q, want %s", a, name, got, tg.WheelName())
			}
		}
	}
	// Hard-float ARM prefers its own manylinux wheel to the armel one.
	armhf, _ := release.Find("armhf")
	if got := pick([]string{"manylinux_2_36_armv7l", "manylinux_2_17_armv7l", "manylinux2014_armv7l", "linux_armv7l"}); got != armhf.WheelName() {
		t.Errorf("armhf: pip picked %q, want %s", got, armhf.WheelName())
	}
	// What pip offers on ARMv5 armel, mips64el and loong64: no wheel; the
	// sdist serves those (TestSdistPrebuiltMatchesInterpreter).
	for _, plats := range [][]string{{"linux_armv5tel"}, {"linux_mips64"}, {"manylinux_2_36_loongarch64", "linux_loongarch64"}} {
		if got := pick(plats); got != "" {
			t.Errorf("%v: pip picked %s, want nothing", plats, got)
		}
	}
	for _, plats := range [][]string{
		{"manylinux_2_12_x86_64", "manylinux2010_x86_64", "linux_x86_64"}, // glibc older than 2.17
		{"musllinux_1_0_x86_64", "linux_x86_64"},
		{"manylinux_2_36_ppc64", "linux_ppc64"}, // big-endian: not shipped
		{"macosx_11_0_arm64"},
		{"win_amd64"},
	} {
		if got := pick(plats); got != "" {
			t.Errorf("%v: pip picked %s, want nothing", plats, got)
		}
	}
}

// The sdist builds from source with Go (in a venv with Debian's setuptools
// and wheel, no network) into the same binary a release build makes.
func TestSdistInstall(t *testing.T) {
	needDist(t)
	host := hostTarget(t)
	v := venv(t, true)
	sdist := filepath.Join(dist, release.SdistName())
	env := []string{"PATH=" + filepath.Join(v, "bin") + ":" + filepath.Dir(testbin.GoTool()) + ":/usr/bin:/bin"}
	run(t, "", env, filepath.Join(v, "bin", "pip"), "install", "--no-index", "--no-build-isolation", "--disable-pip-version-check", sdist)
	got, _ := os.ReadFile(filepath.Join(v, "bin", "dumb-init"))
	want, _ := os.ReadFile(filepath.Join(dist, host.BinaryName()))
	if !bytes.Equal(got, want) {
		t.Errorf("binary built from the sdist differs from the release binary (%d vs %d bytes)", len(got), len(want))
	}
	checkInstalled(t, v)
}

// Without Go the sdist fails with a message that says what to install.
func TestSdistWithoutGo(t *testing.T) {
	needDist(t)
	v := venv(t, true)
	sdist := filepath.Join(dist, release.SdistName())
	cmd := exec.Command(filepath.Join(v, "bin", "pip"), "install", "--no-index", "--no-build-isolation", "--disable-pip-version-check", sdist)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "GOROOT=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "PATH="+filepath.Join(v, "bin")+":/usr/bin:/bin")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("sdist installed without Go")
	}
	if !strings.Contains(string(out), "dumb-init: building from source needs the Go toolchain (1.26 or newer): install Go") {
		t.Errorf("no clear message:\n%s", out)
	}
}

// twine accepts the wheels and the sdist.
func TestTwineCheck(t *testing.T) {
	needDist(t)
	if _, err := exec.LookPath("twine"); err != nil {
		t.Skip("twine not installed (Debian package twine)")
	}
	files, _ := filepath.Glob(filepath.Join(dist, "*.whl"))
	sd, _ := filepath.Glob(filepath.Join(dist, "*.tar.gz"))
	out := run(t, "", nil, "twine", append([]string{"check", "--strict"}, append(files, sd...)...)...)
	if strings.Count(out, "PASSED") != len(files)+len(sd) {
		t.Errorf("twine check:\n%s", out)
	}
}

// Building the sdist again from the same commit gives the same bytes
// (entries, times and owners are normalized from SOURCE_DATE_EPOCH).
func TestSdistReproducible(t *testing.T) {
	needDist(t)
	var binaries []string
	for _, tg := range release.Targets {
		if tg.SdistBinary {
			binaries = append(binaries, filepath.Join(dist, tg.BinaryName()))
		}
	}
	out := t.TempDir()
	if err := release.Sdist(testbin.Root(), python(t), out, release.SourceDateEpoch(testbin.Root()), binaries); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dist, release.SdistName()))
	b, err := os.ReadFile(filepath.Join(out, release.SdistName()))
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("second build of %s differs (%v)", release.SdistName(), err)
	}
}

// Every Python artifact is one PyPI's upload check would take: each wheel's
// platform tags are among those it accepts, architectures with no accepted
// tag have no wheel, and the sdist has PEP 625's name and top directory, a
// pyproject.toml (PEP 517/518), and carries the binaries of those
// architectures, byte for byte the release's.
func TestPyPIWouldAccept(t *testing.T) {
	needDist(t)
	v := release.Version()
	wheels, _ := filepath.Glob(filepath.Join(dist, "*.whl"))
	for _, w := range wheels {
		// NAME-VERSION-PY-ABI-PLATFORMS.whl
		parts := strings.Split(strings.TrimSuffix(filepath.Base(w), ".whl"), "-")
		if len(parts) != 5 || parts[0] != "dumb_init" || parts[1] != v {
			t.Errorf("%s: not a PEP 427 name for dumb_init %s", filepath.Base(w), v)
			continue
		}
		for _, tag := range strings.Split(parts[4], ".") {
			if !release.PyPIAccepts(tag) {
				t.Errorf("%s: PyPI refuses platform tag %s", filepath.Base(w), tag)
			}
		}
	}
	want := map[string]bool{}
	withWheel := 0
	for _, tg := range release.Targets {
		if tg.HasWheel() {
			withWheel++
		}
		if tg.SdistBinary {
			want["sdist:"+tg.BinaryName()] = true
		}
	}
	if len(wheels) != withWheel {
		t.Errorf("%d wheels, want one per architecture PyPI takes a tag for (%d)", len(wheels), withWheel)
	}
	sdist := filepath.Join(dist, release.SdistName())
	f, err := os.Open(sdist)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	top := "dumb_init-" + v + "/"
	found := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if !strings.HasPrefix(h.Name, top) {
			t.Errorf("sdist entry %s is outside %s (PEP 625)", h.Name, top)
			continue
		}
		name := strings.TrimPrefix(h.Name, top)
		switch {
		case name == "pyproject.toml", name == "PKG-INFO":
			found[name] = true
			if name == "PKG-INFO" {
				b, _ := io.ReadAll(tr)
				if !strings.Contains(string(b), "\nName: dumb_init\n") || !strings.Contains(string(b), "\nVersion: "+v+"\n") {
					t.Errorf("PKG-INFO lacks Name dumb_init / Version %s:\n%s", v, b)
				}
			}
		case strings.HasPrefix(name, "python/prebuilt/") && h.Typeflag == tar.TypeReg:
			base := strings.TrimPrefix(name, "python/prebuilt/")
			found["sdist:"+base] = true
			b, _ := io.ReadAll(tr)
			rel, _ := os.ReadFile(filepath.Join(dist, base))
			if !bytes.Equal(b, rel) || h.Mode&0o111 == 0 {
				t.Errorf("sdist's %s is not the release binary, executable", name)
			}
		}
	}
	for _, n := range []string{"pyproject.toml", "PKG-INFO"} {
		if !found[n] {
			t.Errorf("sdist lacks %s", n)
		}
	}
	for n := range want {
		if strings.HasPrefix(n, "sdist:") && !found[n] {
			t.Errorf("sdist lacks the prebuilt %s", strings.TrimPrefix(n, "sdist:"))
		}
	}
	if st, err := os.Stat(sdist); err == nil {
		t.Logf("sdist: %d bytes with %d prebuilt binaries", st.Size(), len(found)-2)
	}
}

// An sdist install picks the prebuilt binary by the running interpreter's
// ELF class, byte order and machine: run the sdist's own matcher with each
// release binary standing in for an interpreter of its architecture (real
// ELF files of every architecture). ARM interpreters of either float ABI get
// the ARMv5 soft-float binary (it runs on every ARM CPU from v5 on), mips64el,
// loong64 and riscv64 theirs, and the others none (their wheels serve every
// pip; from an sdist they compile).
func TestSdistPrebuiltMatchesInterpreter(t *testing.T) {
	needDist(t)
	dir := t.TempDir()
	run(t, dir, nil, "tar", "-xzf", filepath.Join(dist, release.SdistName()))
	src := filepath.Join(dir, "dumb_init-"+release.Version())
	for _, tg := range release.Targets {
		want := ""
		switch tg.GOARCH {
		case "arm":
			armel, _ := release.Find("armel")
			want = armel.BinaryName()
		case "mips64le", "loong64", "riscv64":
			want = tg.BinaryName()
		}
		out := run(t, src, nil, python(t), "-c",
			"import sys; sys.path.insert(0, 'python'); import dumb_init_build as d; p = d.matching_prebuilt(sys.argv[1]); print(p.rsplit('/', 1)[1] if p else '')",
			filepath.Join(dist, tg.BinaryName()))
		if got := strings.TrimSpace(out); got != want {
			t.Errorf("interpreter like %s: prebuilt %q, want %q", tg.Deb, got, want)
		}
	}
}
