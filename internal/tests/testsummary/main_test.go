package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Events as go test -json writes them for a package with a passing test, a
// skipped one, a test with a skipped and a failing subtest.
const events = `{"Action":"start","Package":"example.com/p"}
{"Action":"run","Package":"example.com/p","Test":"TestA"}
{"Action":"output","Package":"example.com/p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"example.com/p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"example.com/p","Test":"TestA"}
{"Action":"run","Package":"example.com/p","Test":"TestB"}
{"Action":"output","Package":"example.com/p","Test":"TestB","Output":"=== RUN   TestB\n"}
{"Action":"output","Package":"example.com/p","Test":"TestB","Output":"    b_test.go:9: needs root\n"}
{"Action":"output","Package":"example.com/p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}
{"Action":"skip","Package":"example.com/p","Test":"TestB"}
{"Action":"run","Package":"example.com/p","Test":"TestC"}
{"Action":"run","Package":"example.com/p","Test":"TestC/x"}
{"Action":"output","Package":"example.com/p","Test":"TestC/x","Output":"    c_test.go:3: no qemu\n"}
{"Action":"skip","Package":"example.com/p","Test":"TestC/x"}
{"Action":"run","Package":"example.com/p","Test":"TestC/y"}
{"Action":"output","Package":"example.com/p","Test":"TestC/y","Output":"    c_test.go:5: boom\n"}
{"Action":"fail","Package":"example.com/p","Test":"TestC/y"}
{"Action":"fail","Package":"example.com/p","Test":"TestC"}
not json: printed as it is
{"Action":"fail","Package":"example.com/p"}
`

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReport(t *testing.T) {
	var out bytes.Buffer
	ok, err := report([]string{write(t, "unit.jsonl", events)}, false, &out)
	if err != nil || ok {
		t.Fatalf("report: ok=%v err=%v, want a failure", ok, err)
	}
	got := out.String()
	for _, want := range []string{
		"unit                1        1        1        2\n",
		"skipped (unit): example.com/p TestB: b_test.go:9: needs root\n",
		"skipped (unit): example.com/p TestC/x: c_test.go:3: no qemu\n",
		"FAILED (unit): example.com/p TestC/y\n",
		"FAILED (unit): example.com/p TestC\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

// Fuzz targets' files make one tier; tiers come in the order they run.
func TestReportTiers(t *testing.T) {
	dir := t.TempDir()
	pass := func(pkg, test string) string {
		return `{"Action":"pass","Package":"` + pkg + `","Test":"` + test + `"}
{"Action":"pass","Package":"` + pkg + `"}
`
	}
	var files []string
	for name, content := range map[string]string{
		"unit.jsonl":         pass("example.com/a", "TestA"),
		"fuzz-a-FuzzX.jsonl": pass("example.com/a", "FuzzX"),
		"fuzz-b-FuzzY.jsonl": pass("example.com/b", "FuzzY"),
		"race.jsonl":         pass("example.com/a", "TestA"),
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	var out bytes.Buffer
	if ok, err := report(files, true, &out); !ok || err != nil {
		t.Fatalf("report: %v %v\n%s", ok, err, out.String())
	}
	got := out.String()
	unit, race, fuzz := strings.Index(got, "\nunit "), strings.Index(got, "\nrace "), strings.Index(got, "\nfuzz                2        2")
	if unit < 0 || race < unit || fuzz < race {
		t.Errorf("want unit, race, then one fuzz line for two targets:\n%s", got)
	}
}

func TestReportNoSkips(t *testing.T) {
	passing := `{"Action":"pass","Package":"example.com/p","Test":"TestA"}
{"Action":"pass","Package":"example.com/p"}
`
	skipping := passing + `{"Action":"output","Package":"example.com/q","Test":"TestB","Output":"    b_test.go:9: needs root\n"}
{"Action":"skip","Package":"example.com/q","Test":"TestB"}
`
	var out bytes.Buffer
	if ok, _ := report([]string{write(t, "unit.jsonl", passing)}, true, &out); !ok {
		t.Errorf("a passing run without skips fails:\n%s", out.String())
	}
	if ok, _ := report([]string{write(t, "unit.jsonl", skipping)}, false, &out); !ok {
		t.Errorf("a skip fails without -no-skips:\n%s", out.String())
	}
	out.Reset()
	if ok, _ := report([]string{write(t, "unit.jsonl", skipping)}, true, &out); ok || !strings.Contains(out.String(), "1 tests skipped") {
		t.Errorf("a skip passes with -no-skips:\n%s", out.String())
	}
	if ok, _ := report([]string{write(t, "unit.jsonl", "")}, false, &out); ok {
		t.Error("a run where nothing passed is reported as a success")
	}
}

func TestStream(t *testing.T) {
	var out bytes.Buffer
	stream(strings.NewReader(events), &out)
	if want := "=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("stream starts %q, want %q", out.String(), want)
	}
	if !strings.Contains(out.String(), "not json: printed as it is\n") {
		t.Error("a line that is not JSON was dropped")
	}
}

// The tier of a package is the tag its test files require.
func TestPackageTag(t *testing.T) {
	if err := os.Chdir("../../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir("internal/tests/testsummary")
	for pkg, want := range map[string]string{
		"github.com/dumb-init/dumb-init/internal/tests/e2e":           "e2e",
		"github.com/dumb-init/dumb-init/internal/tests/distcheck":     "dist",
		"github.com/dumb-init/dumb-init/internal/tests/containertest": "containers",
		"github.com/dumb-init/dumb-init/internal/pid1/options":        "unit",
	} {
		if got := packageTag(pkg); got != want {
			t.Errorf("packageTag(%s) = %q, want %q", pkg, got, want)
		}
	}
}
