// Command initbench measures container inits side by side: our dumb-init, the
// C dumb-init, tini and catatonit (installed with apt when missing), or any
// list given on the command line. Every metric is measured for every init in
// the same run, round by round, so that machine noise hits all alike; results
// are reported as absolute values and as ratios to a reference init (Debian's
// /usr/bin/dumb-init by default), as a table, as JSON and as an SVG chart.
//
//	go run ./cmd/initbench [flags] [INIT...]
//
// It builds its helper program (helper.c.in, C: signal receiver, orphan maker, CPU
// burner) with the C compiler, and our init with the release flags. Reaping is
// measured as PID 1 of a new PID namespace (root and unshare needed; skipped
// otherwise). -quick runs every metric small on our init alone and fails
// unless the invariants hold (no lost or spurious signal, nothing left
// unreaped, the init survives the storm); it asserts no timing.
//
// Never linked into the init.
package main

import (
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

// QuickEarlyTrials is the start-up metric's size in -quick runs: per signal
// class, so 200 trials in all.
const QuickEarlyTrials = 40

//go:embed helper.c.in
var helperSource string

//go:embed floor.go.in
var floorSource string

//go:embed floor-runtime.go.in
var runtimeFloorSource string

// Config is one benchmark run.
type Config struct {
	Inits     []Init
	Reference string
	Quick     bool
	// Sizes.
	StartupRuns   int
	EarlyTrials   int
	Signals       int
	SignalGap     time.Duration
	Rounds        int
	Orphans       int
	IdleWindow    time.Duration
	StormSignals  int
	ReapRounds    int
	Helper        string
	Out           string
	Log           *os.File
	SkipReaping   bool
	ContentionCPU int
	// Only, when not empty, restricts the run to these metrics.
	Only map[string]bool
}

// wants reports whether metric is part of the run.
func (c *Config) wants(metric string) bool { return len(c.Only) == 0 || c.Only[metric] }

// initsFor lists the inits measured for metric.
func (c *Config) initsFor(metric string) []Init {
	var out []Init
	for _, in := range c.Inits {
		if len(in.Metrics) == 0 || slices.Contains(in.Metrics, metric) {
			out = append(out, in)
		}
	}
	return out
}

// Init is one init under test.
type Init struct {
	Name string `json:"name"`
	Path string `json:"path"`
	// Metrics, when not empty, restricts the init to these metrics.
	Metrics []string `json:"-"`
}

func main() {
	quick := flag.Bool("quick", false, "small run of every metric on our init alone; fail unless the invariants hold")
	idle := flag.Duration("idle", 20*time.Second, "idle measurement window (150s or more for the long figure)")
	rounds := flag.Int("rounds", 10, "rounds of the latency measurement")
	startups := flag.Int("startups", 300, "start-up runs per init")
	earlyTrials := flag.Int("early", 1000, "trials per signal class and init of the start-up signal metric")
	plain := flag.Bool("plain", true, "also measure a plain `go build` of our init in the start-up metrics")
	signals := flag.Int("signals", 2000, "signals per init for the latency measurement")
	orphans := flag.Int("orphans", 10000, "orphans per reaping measurement")
	storm := flag.Int("storm", 100000, "signals in the storm")
	ref := flag.String("ref", "dumb-init (C)", "name of the reference init for ratios")
	out := flag.String("o", "build/initbench", "directory for results.json, results.txt and ratios.svg")
	ours := flag.String("ours", "", "our init binary (default: build it with the release flags)")
	floor := flag.Bool("floor", false, "also measure the Go floors: the smallest os/signal init (floor.go.in) and the runtime alone (floor-runtime.go.in)")
	render := flag.String("render", "", "do not measure: render the table and chart of an earlier results.json")
	only := flag.String("only", "", "comma-separated subset of startup,latency,reaping,idle,storm (default: all)")
	flag.Parse()
	if *render != "" {
		var res Results
		b, err := os.ReadFile(*render)
		if err == nil {
			err = json.Unmarshal(b, &res)
		}
		if err == nil {
			err = os.MkdirAll(*out, 0o755)
		}
		if err == nil {
			err = res.Write(*out)
		}
		if err != nil {
			fail(err)
		}
		fmt.Print(res.Table())
		return
	}

	cfg := Config{Reference: *ref, Quick: *quick, StartupRuns: *startups, EarlyTrials: *earlyTrials, Signals: *signals, SignalGap: 100 * time.Microsecond,
		Rounds: *rounds, Orphans: *orphans, IdleWindow: *idle, StormSignals: *storm, ReapRounds: 3, Out: *out, Log: os.Stderr,
		ContentionCPU: runtime.NumCPU()}
	if *only != "" {
		cfg.Only = map[string]bool{}
		for _, m := range strings.Split(*only, ",") {
			cfg.Only[m] = true
		}
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		fail(err)
	}
	helper, err := buildHelper(cfg.Out)
	if err != nil {
		fail(err)
	}
	cfg.Helper = helper
	oursPath := *ours
	if oursPath == "" {
		oursPath = filepath.Join(cfg.Out, "dumb-init")
		if err := buildflags.Build(".", oursPath); err != nil {
			fail(err)
		}
	}
	cfg.Inits = []Init{{Name: "dumb-init (Go)", Path: oursPath}}
	if *quick {
		cfg.StartupRuns, cfg.Signals, cfg.Rounds, cfg.Orphans, cfg.IdleWindow, cfg.StormSignals, cfg.ReapRounds = 20, 200, 2, 500, 2*time.Second, 5000, 1
		cfg.EarlyTrials = QuickEarlyTrials
		cfg.Reference = cfg.Inits[0].Name
	} else if flag.NArg() > 0 {
		for _, p := range flag.Args() {
			cfg.Inits = append(cfg.Inits, Init{Name: filepath.Base(p), Path: p})
		}
	} else {
		cfg.Inits = append(cfg.Inits, peers()...)
	}
	if *plain && !*quick && *ours == "" {
		p := filepath.Join(cfg.Out, "dumb-init-plain")
		cmd := exec.Command("go", "build", "-o", p, "./cmd/dumb-init")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fail(fmt.Errorf("plain go build: %v\n%s", err, out))
		}
		cfg.Inits = append(cfg.Inits, Init{Name: "dumb-init (Go, plain build)", Path: p, Metrics: []string{"startup", "early"}})
	}
	if *floor && !*quick {
		p, err := buildFloor(cfg.Out, "go-floor", floorSource)
		if err != nil {
			fail(err)
		}
		cfg.Inits = append(cfg.Inits, Init{Name: "Go floor", Path: p})
		p, err = buildFloor(cfg.Out, "go-runtime-floor", runtimeFloorSource)
		if err != nil {
			fail(err)
		}
		cfg.Inits = append(cfg.Inits, Init{Name: "Go runtime floor", Path: p, Metrics: []string{"startup", "reaping", "idle"}})
	}
	res := Run(cfg)
	if err := res.Write(cfg.Out); err != nil {
		fail(err)
	}
	fmt.Print(res.Table())
	if *quick {
		if problems := res.Invariants(); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(os.Stderr, "initbench: invariant violated:", p)
			}
			os.Exit(1)
		}
		fmt.Println("initbench: invariants hold (0 spurious, 0 lost, 0 left, survived)")
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "initbench:", err)
	os.Exit(1)
}

// peers returns the C inits from Debian, installing them with apt if missing.
func peers() []Init {
	want := []Init{{Name: "dumb-init (C)", Path: "/usr/bin/dumb-init"}, {Name: "tini", Path: "/usr/bin/tini"}, {Name: "catatonit", Path: "/usr/bin/catatonit"}}
	var missing []string
	for _, p := range want {
		if _, err := os.Stat(p.Path); err != nil {
			missing = append(missing, filepath.Base(p.Path))
		}
	}
	if len(missing) > 0 && os.Geteuid() == 0 {
		fmt.Fprintln(os.Stderr, "initbench: installing", strings.Join(missing, " "), "with apt-get")
		cmd := exec.Command("apt-get", append([]string{"install", "-y", "-qq", "--no-install-recommends"}, missing...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		_ = cmd.Run()
	}
	var out []Init
	for _, p := range want {
		if _, err := os.Stat(p.Path); err == nil {
			out = append(out, p)
		} else {
			fmt.Fprintln(os.Stderr, "initbench: skipping", p.Name, "(not installed)")
		}
	}
	return out
}

// buildHelper compiles helper.c into dir.
func buildHelper(dir string) (string, error) {
	src := filepath.Join(dir, "initbench-helper.c")
	bin := filepath.Join(dir, "initbench-helper")
	if err := os.WriteFile(src, []byte(helperSource), 0o644); err != nil {
		return "", err
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "cc"
		if _, err := exec.LookPath(cc); err != nil && os.Geteuid() == 0 {
			fmt.Fprintln(os.Stderr, "initbench: installing gcc with apt-get for the helper")
			cmd := exec.Command("apt-get", "install", "-y", "-qq", "--no-install-recommends", "gcc", "libc6-dev")
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			_ = cmd.Run()
		}
	}
	// Static: no dynamic loader runs before the "early" mode blocks
	// signals.
	if out, err := exec.Command(cc, "-O2", "-static", "-o", bin, src).CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the helper with %s (install gcc): %v\n%s", cc, err, out)
	}
	return bin, nil
}

// buildFloor compiles a floor program (floor.go.in, floor-runtime.go.in)
// into dir/name, with our releases' runtime defaults.
func buildFloor(dir, name, source string) (string, error) {
	src := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(source), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module floor\n\ngo 1.26\n"), 0o644); err != nil {
		return "", err
	}
	bin, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid= "+buildflags.RuntimeDefault, "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the Go floor: %v\n%s", err, out)
	}
	return bin, nil
}

// Write stores results.json, results.txt and ratios.svg in dir.
func (r *Results) Write(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), b, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.txt"), []byte(r.Table()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "ratios.svg"), []byte(r.SVG()), 0o644)
}
