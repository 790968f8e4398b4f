package manpage

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/pid1/options"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

var update = flag.Bool("update", false, "rewrite testdata/dumb-init.1.golden and the README's generated help block from the option table")

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs from what the option table gives now; if the change is meant, run go test ./internal/tooling/manpage -update and review the diff\n%s", path, firstDifference(string(want), got))
	}
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  file: " + wl + "\n  now:  " + gl
		}
	}
	return ""
}

// The man page, as the .deb and the Debian source package ship it (dated
// by the release's SOURCE_DATE_EPOCH there; a fixed date here).
func TestManPageGolden(t *testing.T) {
	page := Render(dumbinit.Version, release.Meta().Summary, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	golden(t, filepath.Join("testdata", "dumb-init.1.golden"), page)
	for _, o := range options.Table {
		if !strings.Contains(page, "\\fB"+escape("--"+o.Long)+"\\fR") {
			t.Errorf("man page lacks --%s", o.Long)
		}
	}
}

const (
	readmeBegin = "<!-- BEGIN dumb-init --help: generated from the option table by go test ./internal/tooling/manpage -update -->\n```text\n"
	readmeEnd   = "```\n<!-- END dumb-init --help -->\n"
)

// The README shows the help text as the program prints it, between two
// markers; the test fails when they differ (and -update rewrites the block).
func TestReadmeHelpBlock(t *testing.T) {
	path := filepath.Join("..", "..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	begin, end := strings.Index(readme, readmeBegin), strings.Index(readme, readmeEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md lacks the generated help block (%q ... %q)", readmeBegin, readmeEnd)
	}
	help := options.HelpText("dumb-init")
	if *update {
		readme = readme[:begin+len(readmeBegin)] + help + readme[end:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := readme[begin+len(readmeBegin) : end]; got != help {
		t.Errorf("README.md's help block differs from dumb-init --help; run go test ./internal/tooling/manpage -update\n%s", firstDifference(got, help))
	}
}
