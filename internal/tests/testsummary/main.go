// Command testsummary reads `go test -json` output. It is the test
// harness's reporter, run by scripts/test:
//
//	testsummary stream < events       print the tests' output as go test -v would
//	testsummary report [-no-skips] FILE...
//	                                  one line per tier: packages, tests passed,
//	                                  failed and skipped, then every skip with
//	                                  its reason and every failure; exits 1 on a
//	                                  failure, or with -no-skips on a skip
//
// A file's tier is its name without ".jsonl" (unit, race; fuzz for every
// fuzz-*.jsonl), except for "tiers.jsonl", where each package's tier is the build tag its test
// files require (e2e, dist, containers), read from the files themselves.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "stream":
		stream(os.Stdin, os.Stdout)
	case "report":
		args := os.Args[2:]
		noSkips := len(args) > 0 && args[0] == "-no-skips"
		if noSkips {
			args = args[1:]
		}
		if len(args) == 0 {
			usage()
		}
		ok, err := report(args, noSkips, os.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
		if !ok {
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testsummary stream < go-test-json | testsummary report [-no-skips] FILE...")
	os.Exit(2)
}

// stream prints each event's output; lines that are not JSON (a crashed
// build, go's own messages) are printed as they are.
func stream(r io.Reader, w io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(w, sc.Text())
			continue
		}
		if e.Action == "output" || e.Action == "build-output" {
			fmt.Fprint(w, e.Output)
		}
	}
}

// result is what one tier did.
type result struct {
	packages           map[string]bool
	passed, failed     int
	skipped            int
	skips, failures    []string
	packageFailures    []string
	buildFailures      []string
	outputs            map[string][]string // per package/test, while running
	testsSeenInPackage map[string]bool
}

func report(files []string, noSkips bool, w io.Writer) (bool, error) {
	tiers := map[string]*result{}
	var order []string
	get := func(tier string) *result {
		r := tiers[tier]
		if r == nil {
			r = &result{packages: map[string]bool{}, outputs: map[string][]string{}, testsSeenInPackage: map[string]bool{}}
			tiers[tier] = r
			order = append(order, tier)
		}
		return r
	}
	tagOf := map[string]string{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return false, err
		}
		name := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var e event
			if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
				continue
			}
			pkg := e.Package
			if pkg == "" {
				pkg = e.ImportPath
			}
			tier := name
			if strings.HasPrefix(name, "fuzz-") {
				tier = "fuzz" // one file per target
			}
			if name == "tiers" {
				if _, ok := tagOf[pkg]; !ok {
					tagOf[pkg] = packageTag(pkg)
				}
				tier = tagOf[pkg]
			}
			r := get(tier)
			key := pkg + " " + e.Test
			switch e.Action {
			case "output":
				r.outputs[key] = append(r.outputs[key], e.Output)
			case "build-fail":
				r.buildFailures = append(r.buildFailures, pkg)
			case "pass", "fail", "skip":
				if e.Test == "" {
					r.packages[pkg] = true
					if e.Action == "fail" && !r.testsSeenInPackage[pkg] {
						r.packageFailures = append(r.packageFailures, pkg+": "+lastLines(r.outputs[key], 5))
					}
					continue
				}
				r.testsSeenInPackage[pkg] = true
				if strings.Contains(e.Test, "/") && e.Action != "skip" {
					// Subtests count through their parent
					// (except when they are what was skipped);
					// a failing one is named.
					if e.Action == "fail" {
						r.failures = append(r.failures, pkg+" "+e.Test)
					}
					continue
				}
				switch e.Action {
				case "pass":
					r.passed++
				case "fail":
					r.failed++
					r.failures = append(r.failures, pkg+" "+e.Test)
				case "skip":
					r.skipped++
					r.skips = append(r.skips, pkg+" "+e.Test+": "+skipReason(r.outputs[key]))
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return false, fmt.Errorf("%s: %v", file, err)
		}
	}
	// The tiers in the order scripts/test runs them, any other after.
	rank := map[string]int{"unit": 1, "race": 2, "fuzz": 3, "e2e": 4, "dist": 5, "containers": 6}
	sort.SliceStable(order, func(i, j int) bool {
		ri, rj := rank[order[i]], rank[order[j]]
		if ri == 0 {
			ri = 99
		}
		if rj == 0 {
			rj = 99
		}
		return ri < rj
	})
	ok := true
	fmt.Fprintf(w, "\n%-12s %8s %8s %8s %8s\n", "tier", "packages", "passed", "failed", "skipped")
	total := result{}
	for _, tier := range order {
		r := tiers[tier]
		fmt.Fprintf(w, "%-12s %8d %8d %8d %8d\n", tier, len(r.packages), r.passed, r.failed, r.skipped)
		total.passed += r.passed
		total.failed += r.failed
		total.skipped += r.skipped
	}
	fmt.Fprintf(w, "%-12s %8s %8d %8d %8d\n", "all", "", total.passed, total.failed, total.skipped)
	for _, tier := range order {
		r := tiers[tier]
		sort.Strings(r.skips)
		for _, s := range r.skips {
			fmt.Fprintf(w, "skipped (%s): %s\n", tier, s)
		}
		for _, f := range r.failures {
			fmt.Fprintf(w, "FAILED (%s): %s\n", tier, f)
			ok = false
		}
		for _, f := range r.packageFailures {
			fmt.Fprintf(w, "FAILED (%s): %s\n", tier, f)
			ok = false
		}
		for _, f := range r.buildFailures {
			fmt.Fprintf(w, "BUILD FAILED (%s): %s\n", tier, f)
			ok = false
		}
	}
	if noSkips && total.skipped > 0 {
		fmt.Fprintf(w, "%d tests skipped: every test must run here (-no-skips)\n", total.skipped)
		ok = false
	}
	if total.passed == 0 {
		fmt.Fprintln(w, "no test passed: nothing ran?")
		ok = false
	}
	return ok, nil
}

// skipReason is what the test logged before it skipped: its t.Skip message.
func skipReason(out []string) string {
	var lines []string
	for _, l := range out {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		lines = append(lines, t)
	}
	if len(lines) == 0 {
		return "(no reason given)"
	}
	return strings.Join(lines, " / ")
}

func lastLines(out []string, n int) string {
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.TrimSpace(strings.Join(out, ""))
}

// packageTag is the build tag that a package's test files require (the
// tier), found in the //go:build line of its first test file; "unit" when
// they require none.
func packageTag(pkg string) string {
	const module = "github.com/dumb-init/dumb-init"
	dir := "."
	if rel, ok := strings.CutPrefix(pkg, module+"/"); ok {
		dir = rel
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	sort.Strings(matches)
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		if line, _, _ := strings.Cut(string(b), "\n"); strings.HasPrefix(line, "//go:build ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "//go:build "))
		}
		return "unit"
	}
	return "unit"
}
