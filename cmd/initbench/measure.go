package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// Metrics are one init's figures. Times are in microseconds unless named
// otherwise; memory in KiB.
type Metrics struct {
	SizeBytes int64 `json:"size_bytes"`
	Static    bool  `json:"static"`

	StartupWallP50 float64 `json:"startup_wall_p50_us"`
	StartupWallP90 float64 `json:"startup_wall_p90_us"`
	StartupCPUP50  float64 `json:"startup_cpu_p50_us"`
	StartupCPUP90  float64 `json:"startup_cpu_p90_us"`

	LatencyP50 float64 `json:"latency_p50_us"`
	LatencyP99 float64 `json:"latency_p99_us"`
	Sent       int     `json:"signals_sent"`
	Lost       int     `json:"signals_lost"`
	Spurious   int     `json:"signals_spurious"`

	BusyLatencyP50 float64 `json:"contended_latency_p50_us"`
	BusyLatencyP99 float64 `json:"contended_latency_p99_us"`
	BusySent       int     `json:"contended_signals_sent"`
	BusyLost       int     `json:"contended_signals_lost"`
	BusySpurious   int     `json:"contended_signals_spurious"`

	ReapSpawnMs       float64 `json:"reap_spawned_ms"`
	ReapSpawnCPUPerZ  float64 `json:"reap_spawned_cpu_us_per_zombie"`
	ReapSpawnLeft     int     `json:"reap_spawned_left"`
	ReapHoldMs        float64 `json:"reap_at_once_ms"`
	ReapHoldCPUPerZ   float64 `json:"reap_at_once_cpu_us_per_zombie"`
	ReapHoldLeft      int     `json:"reap_at_once_left"`
	ReapMeasured      bool    `json:"reap_measured"`
	IdleWakeupsPerSec float64 `json:"idle_wakeups_per_s"`
	IdleCPUPerSec     float64 `json:"idle_cpu_us_per_s"`
	IdleRSS           int     `json:"idle_rss_kib"`
	IdlePSS           int     `json:"idle_pss_kib"`
	IdleUSS           int     `json:"idle_uss_kib"`
	IdleThreads       int     `json:"idle_threads"`

	StormSent     int  `json:"storm_signals_sent"`
	StormSurvived bool `json:"storm_survived"`
	StormRSSIdle  int  `json:"storm_rss_before_kib"`
	StormPeakRSS  int  `json:"storm_peak_rss_kib"`
	StormExit     int  `json:"storm_exit_status"`
	StormSpurious int  `json:"storm_spurious"`

	// Early is the start-up metric, per signal class.
	Early map[string]*EarlyCounts `json:"startup_signals,omitempty"`
}

// Results is a whole run.
type Results struct {
	Date      string              `json:"date"`
	Machine   string              `json:"machine"`
	Reference string              `json:"reference"`
	Order     []string            `json:"inits"`
	Paths     map[string]string   `json:"paths"`
	Versions  map[string]string   `json:"versions"`
	Settings  map[string]string   `json:"settings"`
	Inits     map[string]*Metrics `json:"metrics"`
	// Only lists, for inits measured for some metrics alone, which.
	Only map[string][]string `json:"only,omitempty"`
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "initbench: "+format+"\n", args...)
	}
}

// Run measures every init.
func Run(c Config) *Results {
	r := &Results{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(), Reference: c.Reference,
		Paths: map[string]string{}, Versions: map[string]string{}, Inits: map[string]*Metrics{},
		Settings: map[string]string{
			"startup_runs": strconv.Itoa(c.StartupRuns), "signals": strconv.Itoa(c.Signals), "rounds": strconv.Itoa(c.Rounds),
			"orphans": strconv.Itoa(c.Orphans), "idle_window": c.IdleWindow.String(), "storm_signals": strconv.Itoa(c.StormSignals),
			"signal_gap": c.SignalGap.String(), "contention_busy_loops": strconv.Itoa(c.ContentionCPU),
			"startup_signal_trials": strconv.Itoa(c.EarlyTrials), "startup_signal_window": earlyWindow.String(),
		}}
	for _, in := range c.Inits {
		r.Order = append(r.Order, in.Name)
		r.Paths[in.Name] = in.Path
		r.Versions[in.Name] = version(in.Path)
		m := &Metrics{}
		if st, err := os.Stat(in.Path); err == nil {
			m.SizeBytes = st.Size()
		}
		m.Static = release.IsStatic(in.Path)
		r.Inits[in.Name] = m
		if len(in.Metrics) > 0 {
			if r.Only == nil {
				r.Only = map[string][]string{}
			}
			r.Only[in.Name] = in.Metrics
		}
	}
	if c.wants("startup") {
		c.logf("start-up: %d runs per init", c.StartupRuns)
		startup(&c, r)
	}
	if c.wants("early") && c.EarlyTrials > 0 {
		c.logf("signals during start-up: %d trials per signal class and init", c.EarlyTrials)
		early(&c, r)
	}
	if c.wants("latency") {
		c.logf("signal latency: %d signals per init, idle machine", c.Signals)
		latency(&c, r, false)
		c.logf("signal latency: %d signals per init, %d busy loops", c.Signals, c.ContentionCPU)
		latency(&c, r, true)
	}
	if os.Geteuid() == 0 && !c.SkipReaping && c.wants("reaping") {
		if _, err := exec.LookPath("unshare"); err == nil {
			c.logf("reaping as PID 1: %d orphans per run", c.Orphans)
			reaping(&c, r)
		}
	}
	if c.wants("idle") {
		c.logf("idle: %v window, all inits at once", c.IdleWindow)
		idle(&c, r)
	}
	if c.wants("storm") {
		c.logf("storm: %d signals per init", c.StormSignals)
		storm(&c, r)
	}
	return r
}

func machine() string {
	var u unix.Utsname
	_ = unix.Uname(&u)
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("Linux %s %s, %d CPUs (%s), %s", unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Machine[:]), runtime.NumCPU(), cpu, runtime.Version())
}

func version(path string) string {
	out, _ := exec.Command("dpkg-query", "-S", path).Output()
	if pkg, _, ok := strings.Cut(string(out), ":"); ok {
		v, _ := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
		return pkg + " " + string(v)
	}
	var stderr strings.Builder
	cmd := exec.Command(path, "--version")
	cmd.Stderr = &stderr
	o, _ := cmd.Output()
	return strings.TrimSpace(string(o) + stderr.String())
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

// runOnce runs argv to completion and returns wall and CPU (own plus reaped
// descendants) in microseconds.
func runOnce(argv []string) (wall, cpu float64, err error) {
	devnull, _ := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	defer devnull.Close()
	start := time.Now()
	pid, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{devnull.Fd(), devnull.Fd(), devnull.Fd()}})
	if err != nil {
		return 0, 0, err
	}
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &ws, 0, &ru)
		if err != syscall.EINTR {
			break
		}
	}
	wall = float64(time.Since(start).Nanoseconds()) / 1e3
	cpu = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
	return wall, cpu, err
}

func startup(c *Config, r *Results) {
	trueBin, _ := exec.LookPath("true")
	wall := map[string][]float64{}
	cpu := map[string][]float64{}
	var baseWall, baseCPU []float64
	for i := 0; i < c.StartupRuns; i++ {
		w, u, _ := runOnce([]string{trueBin})
		baseWall, baseCPU = append(baseWall, w), append(baseCPU, u)
		for _, in := range c.initsFor("startup") {
			w, u, err := runOnce([]string{in.Path, "--", trueBin})
			if err == nil {
				wall[in.Name] = append(wall[in.Name], w)
				cpu[in.Name] = append(cpu[in.Name], u)
			}
		}
	}
	bw, bc := percentile(baseWall, 0.5), percentile(baseCPU, 0.5)
	for _, in := range c.initsFor("startup") {
		m := r.Inits[in.Name]
		m.StartupWallP50 = percentile(wall[in.Name], 0.5) - bw
		m.StartupWallP90 = percentile(wall[in.Name], 0.9) - bw
		m.StartupCPUP50 = percentile(cpu[in.Name], 0.5) - bc
		m.StartupCPUP90 = percentile(cpu[in.Name], 0.9) - bc
	}
}

// running is an init with the helper's receiver as its child; lines carries
// what the receiver reports, one signal each.
type running struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan received
}

func startReceiver(c *Config, path string) (*running, error) {
	cmd := exec.Command(path, "--", c.Helper, "recv")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	cmd.Stderr = devnull // tini complains when it is not PID 1
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	devnull.Close()
	br := bufio.NewReader(stdout)
	line, err := br.ReadString('\n')
	if err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s: receiver not ready (%q, %v)", path, line, err)
	}
	rn := &running{cmd: cmd, stdin: stdin, lines: make(chan received, 1<<20)}
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				close(rn.lines)
				return
			}
			f := strings.Fields(line)
			if len(f) == 2 {
				s, _ := strconv.Atoi(f[0])
				ns, _ := strconv.ParseInt(f[1], 10, 64)
				rn.lines <- received{s, ns}
			}
		}
	}()
	return rn, nil
}

type received struct {
	sig int
	ns  int64
}

// stop closes the receiver's stdin and returns whatever it reported that
// was not consumed yet, and the init's exit status.
func (rn *running) stop() ([]received, int) {
	_ = rn.stdin.Close()
	var out []received
	for r := range rn.lines {
		out = append(out, r)
	}
	_ = rn.cmd.Wait()
	return out, rn.cmd.ProcessState.ExitCode()
}

func monoNow() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// busyLoops starts n CPU burners in their own process group and returns a
// function that kills them.
func busyLoops(c *Config, n int) func() {
	var cmds []*exec.Cmd
	for i := 0; i < n; i++ {
		cmd := exec.Command(c.Helper, "busy", "300")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if cmd.Start() == nil {
			cmds = append(cmds, cmd)
		}
	}
	return func() {
		for _, cmd := range cmds {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
	}
}

func latency(c *Config, r *Results, contended bool) {
	if contended {
		defer busyLoops(c, c.ContentionCPU)()
	}
	lats := map[string][]float64{}
	perRound := c.Signals / c.Rounds
	for round := 0; round < c.Rounds; round++ {
		for _, in := range c.initsFor("latency") {
			rn, err := startReceiver(c, in.Path)
			if err != nil {
				c.logf("%v", err)
				continue
			}
			// Ping-pong: one signal in flight at a time, so nothing can
			// coalesce in the kernel; a signal not reported within a
			// second is lost, any report that does not match what was
			// sent is spurious.
			pid := rn.cmd.Process.Pid
			m := r.Inits[in.Name]
			var sent, lost, spurious int
			for i := 0; i < perRound; i++ {
				sig := syscall.SIGUSR1
				if i%2 == 1 {
					sig = syscall.SIGUSR2
				}
				t := monoNow()
				_ = syscall.Kill(pid, sig)
				sent++
				timeout := time.After(time.Second)
			wait:
				for {
					select {
					case g, ok := <-rn.lines:
						if !ok {
							lost++
							break wait
						}
						if g.sig != int(sig) {
							spurious++
							continue
						}
						lats[in.Name] = append(lats[in.Name], float64(g.ns-t)/1e3)
						break wait
					case <-timeout:
						lost++
						break wait
					}
				}
				time.Sleep(c.SignalGap)
			}
			got, _ := rn.stop()
			spurious += len(got)
			if contended {
				m.BusySent += sent
				m.BusyLost += lost
				m.BusySpurious += spurious
			} else {
				m.Sent += sent
				m.Lost += lost
				m.Spurious += spurious
			}
		}
	}
	for _, in := range c.initsFor("latency") {
		m := r.Inits[in.Name]
		if contended {
			m.BusyLatencyP50, m.BusyLatencyP99 = percentile(lats[in.Name], 0.5), percentile(lats[in.Name], 0.99)
		} else {
			m.LatencyP50, m.LatencyP99 = percentile(lats[in.Name], 0.5), percentile(lats[in.Name], 0.99)
		}
	}
}

func reaping(c *Config, r *Results) {
	type acc struct{ ms, cpu []float64 }
	res := map[string]map[string]*acc{}
	for round := 0; round < c.ReapRounds; round++ {
		for _, in := range c.initsFor("reaping") {
			if res[in.Name] == nil {
				res[in.Name] = map[string]*acc{"spawn": {}, "hold": {}}
			}
			for _, mode := range []string{"spawn", "hold"} {
				out, err := exec.Command("unshare", "--pid", "--fork", "--mount-proc", in.Path, "--", c.Helper, "orphans", strconv.Itoa(c.Orphans), mode).Output()
				f := strings.Fields(string(out))
				if err != nil || len(f) != 3 {
					c.logf("%s reaping (%s): %v %q", in.Name, mode, err, out)
					continue
				}
				ns, _ := strconv.ParseFloat(f[0], 64)
				cpu, _ := strconv.ParseFloat(f[1], 64)
				left, _ := strconv.Atoi(f[2])
				a := res[in.Name][mode]
				a.ms = append(a.ms, ns/1e6)
				a.cpu = append(a.cpu, cpu/1e3/float64(c.Orphans))
				m := r.Inits[in.Name]
				m.ReapMeasured = true
				if mode == "spawn" {
					m.ReapSpawnLeft += left
				} else {
					m.ReapHoldLeft += left
				}
			}
		}
	}
	for name, modes := range res {
		m := r.Inits[name]
		m.ReapSpawnMs, m.ReapSpawnCPUPerZ = percentile(modes["spawn"].ms, 0.5), percentile(modes["spawn"].cpu, 0.5)
		m.ReapHoldMs, m.ReapHoldCPUPerZ = percentile(modes["hold"].ms, 0.5), percentile(modes["hold"].cpu, 0.5)
	}
}

// taskCounters sums context switches and CPU time (ns) over pid's threads.
func taskCounters(pid int) (switches, cpuNs int64, threads int) {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		threads++
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.HasSuffix(k, "ctxt_switches") {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				switches += n
			}
		}
		s, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if f := strings.Fields(string(s)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			cpuNs += n
		}
	}
	return
}

// memory returns RSS, PSS and USS (KiB) of pid.
func memory(pid int) (rss, pss, uss int) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "Rss:":
			rss = n
		case "Pss:":
			pss = n
		case "Private_Clean:", "Private_Dirty:":
			uss += n
		}
	}
	return
}

func statusKiB(pid int, field string) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == field {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return 0
}

func idle(c *Config, r *Results) {
	runs := map[string]*running{}
	for _, in := range c.initsFor("idle") {
		rn, err := startReceiver(c, in.Path)
		if err != nil {
			c.logf("%v", err)
			continue
		}
		runs[in.Name] = rn
	}
	time.Sleep(time.Second) // let start-up settle
	type snap struct{ sw, cpu int64 }
	before := map[string]snap{}
	for name, rn := range runs {
		sw, cpu, _ := taskCounters(rn.cmd.Process.Pid)
		before[name] = snap{sw, cpu}
	}
	start := time.Now()
	time.Sleep(c.IdleWindow)
	secs := time.Since(start).Seconds()
	for name, rn := range runs {
		pid := rn.cmd.Process.Pid
		sw, cpu, threads := taskCounters(pid)
		m := r.Inits[name]
		m.IdleWakeupsPerSec = float64(sw-before[name].sw) / secs
		m.IdleCPUPerSec = float64(cpu-before[name].cpu) / 1e3 / secs
		m.IdleRSS, m.IdlePSS, m.IdleUSS = memory(pid)
		m.IdleThreads = threads
		rn.stop()
	}
}

func storm(c *Config, r *Results) {
	for _, in := range c.initsFor("storm") {
		rn, err := startReceiver(c, in.Path)
		if err != nil {
			c.logf("%v", err)
			continue
		}
		pid := rn.cmd.Process.Pid
		m := r.Inits[in.Name]
		time.Sleep(200 * time.Millisecond)
		m.StormRSSIdle = statusKiB(pid, "VmRSS")
		sigs := []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGHUP, syscall.Signal(40)}
		for i := 0; i < c.StormSignals; i++ {
			if syscall.Kill(pid, sigs[i%len(sigs)]) == nil {
				m.StormSent++
			}
		}
		time.Sleep(300 * time.Millisecond)
		st, ok := procfs.Read(pid, make([]byte, 512))
		m.StormSurvived = ok && !st.Dead()
		m.StormPeakRSS = statusKiB(pid, "VmHWM")
		got, code := rn.stop()
		m.StormExit = code
		for _, g := range got {
			ok := false
			for _, s := range sigs {
				if g.sig == int(s) {
					ok = true
				}
			}
			if !ok {
				m.StormSpurious++
			}
		}
	}
}

// Invariants lists what must never happen, whatever the timings.
func (r *Results) Invariants() []string {
	var out []string
	for _, name := range r.Order {
		m := r.Inits[name]
		if m.Spurious+m.BusySpurious+m.StormSpurious > 0 {
			out = append(out, fmt.Sprintf("%s: %d spurious signals", name, m.Spurious+m.BusySpurious+m.StormSpurious))
		}
		if m.Lost+m.BusyLost > 0 {
			out = append(out, fmt.Sprintf("%s: %d lost signals", name, m.Lost+m.BusyLost))
		}
		if m.ReapSpawnLeft+m.ReapHoldLeft > 0 {
			out = append(out, fmt.Sprintf("%s: %d processes left unreaped", name, m.ReapSpawnLeft+m.ReapHoldLeft))
		}
		for _, cl := range earlyClasses {
			e := m.Early[cl.name]
			if e == nil {
				continue
			}
			if e.Lost+e.Other > 0 {
				out = append(out, fmt.Sprintf("%s: start-up %s: %d lost, %d other outcomes of %d", name, cl.name, e.Lost, e.Other, e.Sent))
			}
		}
		if m.StormSent > 0 && (!m.StormSurvived || m.StormExit != 0) {
			out = append(out, fmt.Sprintf("%s: storm survived=%v exit=%d", name, m.StormSurvived, m.StormExit))
		}
	}
	return out
}
