//go:build dist

package distcheck

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

func debField(t *testing.T, deb, field string) string {
	t.Helper()
	return strings.TrimSuffix(run(t, "", nil, "dpkg-deb", "-f", deb, field), "\n")
}

// Every .deb declares the shared metadata and its own architecture, and
// holds exactly the expected files.
func TestDebMetadataAndContents(t *testing.T) {
	needDist(t)
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not installed")
	}
	meta := release.Meta()
	changelog, _ := os.ReadFile(filepath.Join(testbin.Root(), "debian", "changelog"))
	copyright, _ := os.ReadFile(filepath.Join(testbin.Root(), "debian", "copyright"))
	for _, tg := range release.Targets {
		deb := filepath.Join(dist, tg.DebName())
		want := map[string]string{
			"Package": meta.Name, "Version": release.Version(), "Architecture": tg.Deb,
			"Section": meta.Section, "Priority": meta.Priority, "Maintainer": meta.Maintainer,
			"Homepage": meta.Homepage, "Description": strings.ReplaceAll(strings.ReplaceAll(meta.DebianDescription(), "\n\n", "\n.\n"), "\n", "\n "),
		}
		for f, w := range want {
			if got := debField(t, deb, f); got != w {
				t.Errorf("%s: %s is %q, want %q", tg.DebName(), f, got, w)
			}
		}
		if d := debField(t, deb, "Depends"); d != "" {
			t.Errorf("%s: depends on %q; a static binary needs nothing", tg.DebName(), d)
		}
		got := debFiles(t, deb)
		wantFiles := []string{
			"-rwxr-xr-x ./usr/bin/dumb-init",
			"-rw-r--r-- ./usr/share/doc/dumb-init/changelog.gz",
			"-rw-r--r-- ./usr/share/doc/dumb-init/copyright",
			"-rw-r--r-- ./usr/share/lintian/overrides/dumb-init",
			"-rw-r--r-- ./usr/share/man/man1/dumb-init.1.gz",
			"lrwxrwxrwx ./usr/libexec/dumb-init/docker-init -> ../../bin/dumb-init",
			"lrwxrwxrwx ./usr/libexec/dumb-init/tini -> ../../bin/dumb-init",
		}
		slices.Sort(wantFiles)
		if owners := run(t, "", nil, "dpkg-deb", "--contents", deb); strings.Count(owners, " root/root ") != strings.Count(owners, "\n") {
			t.Errorf("%s: files not owned by root/root:\n%s", tg.DebName(), owners)
		}
		if !slices.Equal(got, wantFiles) {
			t.Errorf("%s holds\n%s", tg.DebName(), strings.Join(got, "\n"))
			continue
		}
		x := t.TempDir()
		run(t, "", nil, "dpkg-deb", "-x", deb, x)
		bin, _ := os.ReadFile(filepath.Join(x, "usr/bin/dumb-init"))
		rel, _ := os.ReadFile(filepath.Join(dist, tg.BinaryName()))
		if !bytes.Equal(bin, rel) {
			t.Errorf("%s: /usr/bin/dumb-init is not the release binary", tg.DebName())
		}
		if got := gunzip(t, filepath.Join(x, "usr/share/doc/dumb-init/changelog.gz")); !bytes.Equal(got, changelog) {
			t.Errorf("%s: changelog differs from debian/changelog", tg.DebName())
		}
		if got, _ := os.ReadFile(filepath.Join(x, "usr/share/doc/dumb-init/copyright")); !bytes.Equal(got, copyright) {
			t.Errorf("%s: copyright differs from debian/copyright", tg.DebName())
		}
		man := string(gunzip(t, filepath.Join(x, "usr/share/man/man1/dumb-init.1.gz")))
		for _, w := range []string{".TH DUMB-INIT 1", "dumb-init " + release.Version(), `\-\-single\-child`, `\-\-rewrite`, "DUMB_INIT_SETSID=0", ".SH EXIT STATUS"} {
			if !strings.Contains(man, w) {
				t.Errorf("%s: man page lacks %q", tg.DebName(), w)
			}
		}
	}
}

// debFiles lists the regular files of a .deb as "mode path".
func debFiles(t *testing.T, deb string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(run(t, "", nil, "dpkg-deb", "--contents", deb)), "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(f[0], "l"):
			out = append(out, f[0]+" "+f[len(f)-3]+" -> "+f[len(f)-1])
		case !strings.HasPrefix(f[0], "d"):
			out = append(out, f[0]+" "+f[len(f)-1])
		}
	}
	slices.Sort(out)
	return out
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, _ := io.ReadAll(zr)
	return b
}

// lintian, with every check including pedantic and informational ones,
// reports nothing on any .deb.
func TestLintian(t *testing.T) {
	needDist(t)
	if _, err := exec.LookPath("lintian"); err != nil {
		t.Skip("lintian not installed (Debian package lintian)")
	}
	for _, tg := range release.Targets {
		args := []string{"--tag-display-limit", "0", "--display-info", "--pedantic", "--fail-on", "error,warning,info,pedantic"}
		if tg.Deb == "loong64" {
			// lintian in Debian 12 predates the loong64 port: it
			// warns that the architecture is unknown and, not knowing
			// its ELF machine, calls the binary foreign. Nothing
			// else is suppressed.
			args = append(args, "--suppress-tags", "unknown-architecture,binary-from-other-architecture")
		}
		cmd := exec.Command("lintian", append(args, filepath.Join(dist, tg.DebName()))...)
		out, err := cmd.CombinedOutput()
		var findings []string
		for _, l := range strings.Split(string(out), "\n") {
			if len(l) > 2 && l[1] == ':' && strings.Contains("EWIPX", l[:1]) {
				findings = append(findings, l)
			}
		}
		if err != nil || len(findings) > 0 {
			t.Errorf("lintian %s: %v\n%s", tg.DebName(), err, out)
		}
	}
}

// Building the release again from the same commit gives byte-identical
// binaries and packages.
func TestReproducible(t *testing.T) {
	needDist(t)
	again := t.TempDir()
	cmd := exec.Command("go", "run", "./cmd/release", "dist", "-no-python", "-o", again)
	cmd.Dir = testbin.Root()
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(testbin.GoTool())+":"+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("second build: %v\n%s", err, out)
	}
	compared := 0
	for _, tg := range release.Targets {
		for _, name := range []string{tg.BinaryName(), tg.DebName()} {
			a, _ := os.ReadFile(filepath.Join(dist, name))
			b, err := os.ReadFile(filepath.Join(again, name))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s differs between two builds (%v)", name, err)
			}
			compared++
		}
	}
	t.Logf("%d artifacts byte-identical across two builds", compared)
}
