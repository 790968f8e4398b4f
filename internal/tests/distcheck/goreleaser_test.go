//go:build dist

package distcheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// .goreleaser.yaml passes `goreleaser check`, and its snapshot release makes
// the same binaries (same names, same bytes), the same .debs (names, control
// fields, files) and a valid sha256sums, as the release tool.
func TestGoreleaserMatchesReleaseTool(t *testing.T) {
	needDist(t)
	if _, err := exec.LookPath("goreleaser"); err != nil {
		t.Skip("goreleaser not installed (go install github.com/goreleaser/goreleaser/v2@v2.15.1; .ci/run does)")
	}
	root := testbin.Root()
	env := []string{"PATH=" + filepath.Dir(testbin.GoTool()) + ":" + os.Getenv("PATH")}
	run(t, root, env, "goreleaser", "check")
	run(t, root, env, "goreleaser", "release", "--snapshot", "--clean")
	out := filepath.Join(root, "build", "goreleaser")
	t.Cleanup(func() { os.RemoveAll(out); os.RemoveAll(filepath.Join(root, "build", "goreleaser-docs")) })

	var want []string
	for _, tg := range release.Targets {
		want = append(want, tg.BinaryName(), tg.DebName())
		if a := tg.AliasName(); a != "" {
			want = append(want, a)
		}
	}
	// Release assets are what artifacts.json names: binary "archives" keep
	// their build path and carry the asset name.
	var arts []struct{ Name, Path, Type string }
	b, err := os.ReadFile(filepath.Join(out, "artifacts.json"))
	if err != nil || json.Unmarshal(b, &arts) != nil {
		t.Fatalf("artifacts.json: %v", err)
	}
	path := map[string]string{}
	var got []string
	for _, a := range arts {
		if strings.HasPrefix(a.Name, "dumb-init_") && (a.Type == "Binary" || a.Type == "Linux Package") {
			got = append(got, a.Name)
			path[a.Name] = filepath.Join(root, a.Path)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("goreleaser made\n%q\nthe release tool\n%q", got, want)
	}
	for _, name := range want {
		if strings.HasSuffix(name, ".deb") {
			continue
		}
		a, _ := os.ReadFile(path[name])
		b, _ := os.ReadFile(filepath.Join(dist, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: goreleaser's binary differs from the release tool's", name)
		}
	}
	// goreleaser's sha256sums covers every asset, with the right sums.
	sums, _ := os.ReadFile(filepath.Join(out, "sha256sums"))
	listed := 0
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		p, ok := path[name]
		if !ok {
			continue
		}
		listed++
		if got, _ := fileSum(p); got != sum {
			t.Errorf("sha256sums: %s has %s, file has %s", name, sum, got)
		}
	}
	if listed != len(want) {
		t.Errorf("sha256sums lists %d of the %d assets", listed, len(want))
	}
	for _, tg := range release.Targets {
		g, r := path[tg.DebName()], filepath.Join(dist, tg.DebName())
		for _, f := range []string{"Package", "Version", "Architecture", "Section", "Priority", "Maintainer", "Homepage", "Description", "Depends"} {
			if a, b := debField(t, g, f), debField(t, r, f); a != b {
				t.Errorf("%s %s: goreleaser %q, release tool %q", tg.DebName(), f, a, b)
			}
		}
		if a, b := debFiles(t, g), debFiles(t, r); !slices.Equal(a, b) {
			t.Errorf("%s files: goreleaser %q, release tool %q", tg.DebName(), a, b)
		}
	}
}

// The build flags in .goreleaser.yaml and debian/rules are the release
// flags of internal/tooling/buildflags.
func TestBuildFlagsInSync(t *testing.T) {
	yaml, err := os.ReadFile(filepath.Join(testbin.Root(), ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := string(yaml)
	if !strings.Contains(y, "      - "+buildflags.LDFlags+"\n") {
		t.Errorf(".goreleaser.yaml ldflags differ from internal/tooling/buildflags: %s", buildflags.LDFlags)
	}
	for _, f := range buildflags.GoFlags {
		if !strings.Contains(y, f) {
			t.Errorf(".goreleaser.yaml lacks %s", f)
		}
	}
	for _, e := range buildflags.Env {
		if !strings.Contains(y, e) {
			t.Errorf(".goreleaser.yaml lacks %s", e)
		}
	}
	meta := release.Meta()
	for _, w := range []string{"maintainer: " + meta.Maintainer, "homepage: " + meta.Homepage, "license: " + meta.License, "section: " + meta.Section, "priority: " + meta.Priority} {
		if !strings.Contains(y, w+"\n") {
			t.Errorf(".goreleaser.yaml lacks %q from metadata.json", w)
		}
	}
	// debian/rules and setup.py build through cmd/build-init, which uses
	// internal/tooling/buildflags: they cannot carry flags of their own.
	rules, _ := os.ReadFile(filepath.Join(testbin.Root(), "debian", "rules"))
	setup, _ := os.ReadFile(filepath.Join(testbin.Root(), "python", "dumb_init_build.py"))
	for name, b := range map[string][]byte{"debian/rules": rules, "python/dumb_init_build.py": setup} {
		if !bytes.Contains(b, []byte("./cmd/build-init")) || bytes.Contains(b, []byte("-ldflags")) {
			t.Errorf("%s must build through ./cmd/build-init and pass no flags of its own", name)
		}
	}
}

func fileSum(p string) (string, error) {
	b, err := os.ReadFile(p)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), err
}
