//go:build e2e

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

func TestMain(m *testing.M) { os.Exit(testbin.Main(m)) }

// The quick benchmark on our release-built init: every metric runs (so the
// tool cannot rot) and the invariants hold, among them that none of 200
// signals sent in the init's first 10 ms is lost. No timing is asserted.
func TestQuickInvariants(t *testing.T) {
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler to build the benchmark helper (install gcc)")
	}
	testbin.Cleanup(t)
	dir := t.TempDir()
	helper, err := buildHelper(dir)
	if err != nil {
		t.Fatal(err)
	}
	ours := filepath.Join(dir, "dumb-init")
	if err := buildflags.Build(testbin.Root(), ours); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Inits: []Init{{Name: "dumb-init (Go)", Path: ours}}, Reference: "dumb-init (Go)", Quick: true,
		StartupRuns: 20, EarlyTrials: QuickEarlyTrials, Signals: 200, SignalGap: 100 * time.Microsecond, Rounds: 2, Orphans: 500,
		IdleWindow: 2 * time.Second, StormSignals: 5000, ReapRounds: 1, Helper: helper, ContentionCPU: 2}
	if os.Geteuid() != 0 {
		t.Log("not root: reaping as PID 1 is not measured")
	}
	r := Run(cfg)
	t.Logf("\n%s", r.Table())
	for _, p := range r.Invariants() {
		t.Error(p)
	}
	m := r.Inits["dumb-init (Go)"]
	if m.Sent == 0 || m.BusySent == 0 || m.StormSent == 0 || (os.Geteuid() == 0 && !m.ReapMeasured) || m.Early["USR1"] == nil || m.Early["USR1"].Sent == 0 {
		t.Errorf("a metric did not run: %+v", m)
	}
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "results.txt", "ratios.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written", f)
		}
	}
}
