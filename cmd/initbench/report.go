package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// metric is one row of the report.
type metric struct {
	name, unit string
	get        func(*Metrics) float64
	// ratio: whether the row gets a ratio to the reference (counts that
	// must be zero do not).
	ratio bool
}

var metrics = []metric{
	{"binary size", "KiB", func(m *Metrics) float64 { return float64(m.SizeBytes) / 1024 }, true},
	{"start-up wall p50 (minus /bin/true)", "µs", func(m *Metrics) float64 { return m.StartupWallP50 }, true},
	{"start-up wall p90", "µs", func(m *Metrics) float64 { return m.StartupWallP90 }, true},
	{"start-up CPU p50 (minus /bin/true)", "µs", func(m *Metrics) float64 { return m.StartupCPUP50 }, true},
	{"start-up CPU p90", "µs", func(m *Metrics) float64 { return m.StartupCPUP90 }, true},
	{"forwarding latency p50", "µs", func(m *Metrics) float64 { return m.LatencyP50 }, true},
	{"forwarding latency p99", "µs", func(m *Metrics) float64 { return m.LatencyP99 }, true},
	{"signals lost", "", func(m *Metrics) float64 { return float64(m.Lost) }, false},
	{"signals spurious", "", func(m *Metrics) float64 { return float64(m.Spurious) }, false},
	{"latency p50, CPU contended", "µs", func(m *Metrics) float64 { return m.BusyLatencyP50 }, true},
	{"latency p99, CPU contended", "µs", func(m *Metrics) float64 { return m.BusyLatencyP99 }, true},
	{"signals lost, contended", "", func(m *Metrics) float64 { return float64(m.BusyLost) }, false},
	{"signals spurious, contended", "", func(m *Metrics) float64 { return float64(m.BusySpurious) }, false},
	{"reap, orphans exiting as spawned: time", "ms", func(m *Metrics) float64 { return m.ReapSpawnMs }, true},
	{"reap, as spawned: init CPU per zombie", "µs", func(m *Metrics) float64 { return m.ReapSpawnCPUPerZ }, true},
	{"reap, released at once: time", "ms", func(m *Metrics) float64 { return m.ReapHoldMs }, true},
	{"reap, at once: init CPU per zombie", "µs", func(m *Metrics) float64 { return m.ReapHoldCPUPerZ }, true},
	{"processes left unreaped", "", func(m *Metrics) float64 { return float64(m.ReapSpawnLeft + m.ReapHoldLeft) }, false},
	{"idle wakeups", "/s", func(m *Metrics) float64 { return m.IdleWakeupsPerSec }, false},
	{"idle CPU", "µs/s", func(m *Metrics) float64 { return m.IdleCPUPerSec }, false},
	{"idle RSS", "KiB", func(m *Metrics) float64 { return float64(m.IdleRSS) }, true},
	{"idle PSS", "KiB", func(m *Metrics) float64 { return float64(m.IdlePSS) }, true},
	{"idle USS", "KiB", func(m *Metrics) float64 { return float64(m.IdleUSS) }, true},
	{"idle threads", "", func(m *Metrics) float64 { return float64(m.IdleThreads) }, false},
	{"storm: RSS before", "KiB", func(m *Metrics) float64 { return float64(m.StormRSSIdle) }, false},
	{"storm: peak RSS", "KiB", func(m *Metrics) float64 { return float64(m.StormPeakRSS) }, true},
	{"storm: survived (1 = yes)", "", func(m *Metrics) float64 { return b2f(m.StormSurvived) }, false},
	{"storm: exit status afterwards", "", func(m *Metrics) float64 { return float64(m.StormExit) }, false},
}

func init() {
	// The start-up metric's rows go after the start-up times.
	var rows []metric
	for _, cl := range earlyClasses {
		name := cl.name
		count := func(f func(*EarlyCounts) int) func(*Metrics) float64 {
			return func(m *Metrics) float64 {
				if e := m.Early[name]; e != nil {
					return float64(f(e))
				}
				return 0
			}
		}
		rows = append(rows,
			metric{"start-up signal " + name + ": lost", "", count(func(e *EarlyCounts) int { return e.Lost + e.Other }), false},
			metric{"start-up signal " + name + ": init killed", "", count(func(e *EarlyCounts) int { return e.Killed }), false})
		if cl.ignored {
			rows = append(rows, metric{"start-up signal " + name + ": unseen by the command", "", count(func(e *EarlyCounts) int { return e.Unseen }), false})
		}
	}
	at := 5 // after "start-up CPU p90"
	metrics = append(metrics[:at:at], append(rows, metrics[at:]...)...)
}

// measured reports whether the init named name was measured for mt's row.
func (r *Results) measured(name string, mt metric) bool {
	only, ok := r.Only[name]
	return !ok || group(mt.name) == "" || slices.Contains(only, group(mt.name))
}

// group is the metric (as -only names it) that a row belongs to; "" for rows
// every init has.
func group(row string) string {
	for _, g := range []struct{ prefix, name string }{
		{"start-up signal", "early"}, {"start-up", "startup"}, {"forwarding", "latency"}, {"signals", "latency"},
		{"latency", "latency"}, {"reap", "reaping"}, {"processes left", "reaping"}, {"idle", "idle"}, {"storm", "storm"},
	} {
		if strings.HasPrefix(row, g.prefix) {
			return g.name
		}
	}
	return ""
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func format(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// ratio of v to the reference's value, "" when undefined.
func (r *Results) ratio(mt metric, name string) (float64, bool) {
	ref, ok := r.Inits[r.Reference]
	if !ok || !mt.ratio || !r.measured(name, mt) {
		return 0, false
	}
	rv := mt.get(ref)
	if rv <= 0 {
		return 0, false
	}
	return mt.get(r.Inits[name]) / rv, true
}

// Table renders the results as a Markdown table.
func (r *Results) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Machine: %s\nDate: %s\nRatios are to %s.\n\n", r.Machine, r.Date, r.Reference)
	b.WriteString("| metric |")
	for _, n := range r.Order {
		b.WriteString(" " + n + " |")
	}
	b.WriteString("\n|---|")
	for range r.Order {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, mt := range metrics {
		label := mt.name
		if mt.unit != "" {
			label += " (" + mt.unit + ")"
		}
		b.WriteString("| " + label + " |")
		for _, n := range r.Order {
			if !r.measured(n, mt) {
				b.WriteString(" — |")
				continue
			}
			cell := format(mt.get(r.Inits[n]))
			if q, ok := r.ratio(mt, n); ok && n != r.Reference {
				cell += fmt.Sprintf(" (%.2f×)", q)
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("| static binary |")
	for _, n := range r.Order {
		b.WriteString(fmt.Sprintf(" %v |", r.Inits[n].Static))
	}
	b.WriteString("\n\nVersions:\n")
	for _, n := range r.Order {
		fmt.Fprintf(&b, "- %s: %s (%s)\n", n, r.Versions[n], r.Paths[n])
	}
	return b.String()
}

// SVG draws, for every metric with a ratio, one bar per init: its ratio to
// the reference on a logarithmic axis (1× in the middle, 1/8× to 8×).
func (r *Results) SVG() string {
	var rows []metric
	for _, mt := range metrics {
		if _, ok := r.ratio(mt, r.Order[0]); ok {
			rows = append(rows, mt)
		}
	}
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f", "#17becf"}
	const left, width, barH, gap = 330, 520, 9, 10
	groupH := len(r.Order)*barH + gap
	height := 70 + len(rows)*groupH + 20*len(r.Order)
	x := func(q float64) float64 {
		q = math.Max(1.0/8, math.Min(8, q))
		return left + width/2 + math.Log2(q)/3*width/2
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", left+width+40, height)
	fmt.Fprintf(&b, `<text x="10" y="18" font-size="14">Ratio to %s, log scale: left of 1× means less (time, CPU, memory, size) than the reference</text>`+"\n", html.EscapeString(r.Reference))
	for _, q := range []float64{0.125, 0.25, 0.5, 1, 2, 4, 8} {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="30" x2="%.1f" y2="%d" stroke="%s"/>`+"\n", x(q), x(q), 50+len(rows)*groupH, map[bool]string{true: "#000", false: "#ddd"}[q == 1])
		fmt.Fprintf(&b, `<text x="%.1f" y="44" text-anchor="middle">%g×</text>`+"\n", x(q), q)
	}
	y := 50
	for _, mt := range rows {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, y+len(r.Order)*barH/2+4, html.EscapeString(mt.name))
		for i, n := range r.Order {
			q, ok := r.ratio(mt, n)
			if !ok && n != r.Reference {
				continue
			}
			x0, x1 := x(1), x(q)
			if x1 < x0 {
				x0, x1 = x1, x0
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %.2f×</title></rect>`+"\n",
				x0, y+i*barH, math.Max(x1-x0, 1), barH-1, colors[i%len(colors)], html.EscapeString(n), q)
			if n != r.Reference {
				lx, anchor := x(q)+3, "start"
				if q < 1 {
					lx, anchor = x(q)-3, "end"
				}
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="8" text-anchor="%s">%.2f×</text>`+"\n", lx, y+i*barH+barH-2, anchor, q)
			}
		}
		y += groupH
	}
	for i, n := range r.Order {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n",
			left, y+10+i*20, colors[i%len(colors)], left+18, y+19+i*20, html.EscapeString(n))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
