//go:build dist

package distcheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// sourceTree copies the files git tracks or would track (the repository as a
// clone of it has them)
// into dir.
func sourceTree(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = testbin.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	for _, f := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		src := filepath.Join(testbin.Root(), f)
		st, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the work tree
		}
		b, _ := os.ReadFile(src)
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// debian/ builds, with dpkg-buildpackage, the same package as the release
// tool: same control fields, same files, the same binary, and lintian finds
// nothing.
func TestDebianSourcePackage(t *testing.T) {
	needDist(t)
	host := hostTarget(t)
	for _, tool := range []string{"dpkg-buildpackage", "dh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian packages dpkg-dev, debhelper)", tool)
		}
	}
	top := t.TempDir()
	src := filepath.Join(top, "dumb-init-"+release.Version())
	sourceTree(t, src)
	gomod := strings.TrimSpace(run(t, "", nil, testbin.GoTool(), "env", "GOMODCACHE"))
	gocache := strings.TrimSpace(run(t, "", nil, testbin.GoTool(), "env", "GOCACHE"))
	// -d: Debian 12's golang-go (1.19) cannot satisfy the Build-Depends;
	// the Go on PATH is used instead (see debian/rules).
	run(t, src, []string{"PATH=" + filepath.Dir(testbin.GoTool()) + ":" + os.Getenv("PATH"), "GOMODCACHE=" + gomod, "GOCACHE=" + gocache},
		"dpkg-buildpackage", "-us", "-uc", "-b", "-d")
	built := filepath.Join(top, host.DebName())
	nfpmDeb := filepath.Join(dist, host.DebName())
	for _, f := range []string{"Package", "Version", "Architecture", "Section", "Priority", "Maintainer", "Homepage", "Description", "Depends"} {
		if a, b := debField(t, built, f), debField(t, nfpmDeb, f); a != b {
			t.Errorf("%s: dpkg-buildpackage gives %q, the release tool %q", f, a, b)
		}
	}
	if a, b := debFiles(t, built), debFiles(t, nfpmDeb); !slices.Equal(a, b) {
		t.Errorf("files differ:\ndpkg-buildpackage %q\nrelease tool      %q", a, b)
	}
	x1, x2 := t.TempDir(), t.TempDir()
	run(t, "", nil, "dpkg-deb", "-x", built, x1)
	run(t, "", nil, "dpkg-deb", "-x", nfpmDeb, x2)
	for _, f := range []string{"usr/bin/dumb-init", "usr/share/doc/dumb-init/copyright", "usr/share/lintian/overrides/dumb-init"} {
		a, _ := os.ReadFile(filepath.Join(x1, f))
		b, _ := os.ReadFile(filepath.Join(x2, f))
		if !bytes.Equal(a, b) {
			t.Errorf("/%s differs between the two routes", f)
		}
	}
	dateless := regexp.MustCompile(`(?m)^\.TH .*$`)
	m1 := dateless.ReplaceAll(gunzip(t, filepath.Join(x1, "usr/share/man/man1/dumb-init.1.gz")), nil)
	m2 := dateless.ReplaceAll(gunzip(t, filepath.Join(x2, "usr/share/man/man1/dumb-init.1.gz")), nil)
	if !bytes.Equal(m1, m2) {
		t.Error("man pages differ between the two routes")
	}
	if _, err := exec.LookPath("lintian"); err == nil {
		out, err := exec.Command("lintian", "--tag-display-limit", "0", "--fail-on", "error,warning", built).CombinedOutput()
		if err != nil || regexp.MustCompile(`(?m)^[EW]: `).Match(out) {
			t.Errorf("lintian on the source-built package: %v\n%s", err, out)
		}
	}
}

// debian/control, debian/changelog and the release matrix agree with
// metadata.json, VERSION and internal/tooling/release.
func TestDebianMetadataInSync(t *testing.T) {
	control, err := os.ReadFile(filepath.Join(testbin.Root(), "debian", "control"))
	if err != nil {
		t.Fatal(err)
	}
	meta := release.Meta()
	c := string(control)
	for _, want := range []string{
		"Source: " + meta.Name + "\n", "Package: " + meta.Name + "\n", "Section: " + meta.Section + "\n",
		"Priority: " + meta.Priority + "\n", "Maintainer: " + meta.Maintainer + "\n", "Homepage: " + meta.Homepage + "\n",
		"Description: " + strings.ReplaceAll(strings.ReplaceAll(meta.DebianDescription(), "\n\n", "\n.\n"), "\n", "\n ") + "\n",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("debian/control lacks %q", want)
		}
	}
	var arches []string
	for _, tg := range release.Targets {
		arches = append(arches, tg.Deb)
	}
	if !strings.Contains(c, "Architecture: "+strings.Join(arches, " ")+"\n") {
		t.Errorf("debian/control Architecture differs from the release targets %v", arches)
	}
	changelog, _ := os.ReadFile(filepath.Join(testbin.Root(), "debian", "changelog"))
	if first := strings.SplitN(string(changelog), "\n", 2)[0]; !strings.HasPrefix(first, meta.Name+" ("+release.Version()+") ") {
		t.Errorf("debian/changelog starts %q, want version %s", first, release.Version())
	}
	if !strings.Contains(string(changelog), " -- "+meta.Maintainer+"  ") {
		t.Error("debian/changelog trailer is not by the maintainer in metadata.json")
	}
}
