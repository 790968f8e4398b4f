package options

import (
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
)

func TestParseExtensions(t *testing.T) {
	parse := func(env []string, argv ...string) Options {
		t.Helper()
		o, err := Parse(append([]string{"dumb-init"}, argv...), envOf(env...))
		if err != nil {
			t.Fatalf("%q: %v", argv, err)
		}
		return o
	}
	o := parse(nil, "--subreaper", "--grace=1m30s", "--wait-all", "--delay", "TERM:15s", "--delay=RTMIN+1:250ms",
		"--remap-exit", "143:0", "--remap-exit=1:2", "--pdeathsig", "sighup", "x")
	if o.Subreaper != On || o.Grace != 90*clock.Second || !o.WaitAll || o.Delay[15] != 15*clock.Second || o.Delay[35] != 250*clock.Millisecond ||
		o.Remap.Apply(143) != 0 || o.Remap.Apply(1) != 2 || o.Remap.Apply(3) != 3 || o.Pdeathsig != syscall.SIGHUP {
		t.Errorf("got %+v", o)
	}
	// The environment, and the command line winning over it: a repeatable
	// option's list replaces the variable's list, it is not merged.
	o = parse([]string{"DUMB_INIT_SUBREAPER=0", "DUMB_INIT_GRACE=2s", "DUMB_INIT_WAIT_ALL=1", "DUMB_INIT_DELAY=TERM:1s,HUP:2s",
		"DUMB_INIT_REMAP_EXIT=143:0,3:4", "DUMB_INIT_PDEATHSIG=TERM"}, "--grace", "5s", "--delay", "TERM:3s", "--remap-exit", "3:5", "x")
	if o.Subreaper != Off || o.Grace != 5*clock.Second || !o.WaitAll || o.Delay[15] != 3*clock.Second || o.Delay[1] != 0 ||
		o.Remap.Apply(143) != 143 || o.Remap.Apply(3) != 5 || o.Pdeathsig != syscall.SIGTERM {
		t.Errorf("env: got %+v", o)
	}
	// The variables alone.
	o = parse([]string{"DUMB_INIT_DELAY=TERM:1s,HUP:2s", "DUMB_INIT_REMAP_EXIT=143:0,3:4"}, "x")
	if o.Delay[15] != clock.Second || o.Delay[1] != 2*clock.Second || o.Remap.Apply(143) != 0 || o.Remap.Apply(3) != 4 {
		t.Errorf("env lists: got %+v", o)
	}
	// The option wins even over a malformed variable, which is not read.
	if o := parse([]string{"DUMB_INIT_GRACE=abc", "DUMB_INIT_PDEATHSIG=KILL"}, "--grace=1s", "--pdeathsig=HUP", "x"); o.Grace != clock.Second || o.Pdeathsig != syscall.SIGHUP {
		t.Errorf("option over a malformed variable: %+v", o)
	}
	// --tini, first, may be abbreviated like any long option.
	if o := parse(nil, "--ti", "--", "x"); !o.Tini || len(o.Command) != 1 {
		t.Errorf("--ti: %+v", o)
	}
	if o := parse([]string{"DUMB_INIT_SUBREAPER=1"}, "--no-subreaper", "x"); o.Subreaper != Off {
		t.Error("--no-subreaper must win over DUMB_INIT_SUBREAPER=1")
	}
	if o := parse([]string{"DUMB_INIT_SUBREAPER=yes", "DUMB_INIT_WAIT_ALL=true", "DUMB_INIT_PAUSE=0"}, "x"); o.Subreaper != Default || o.WaitAll || o.Pause {
		t.Error("switches take exactly 1 or 0")
	}
	if o := parse(nil, "--pause"); !o.Pause || o.Command != nil {
		t.Errorf("--pause: %+v", o)
	}
	if o := parse([]string{"DUMB_INIT_PAUSE=1"}); !o.Pause {
		t.Error("DUMB_INIT_PAUSE=1")
	}
	// 1.2.5 abbreviations keep their meaning although new options share
	// the prefix; new options need an unambiguous prefix of their own.
	if o := parse(nil, "--re", "15:3", "--s", "x"); !o.SingleChild || !o.Rewrite.IsSet(15) {
		t.Errorf("--re/--s: %+v", o)
	}
	if o := parse(nil, "--rem=1:0", "--gr=1s", "--wa", "x"); o.Remap.Apply(1) != 0 || o.Grace != clock.Second || !o.WaitAll {
		t.Errorf("new prefixes: %+v", o)
	}
	if o := parse(nil, "--list-signals"); o.Action != ListSignals {
		t.Error("--list-signals")
	}

	for _, c := range []struct {
		env  []string
		argv []string
		want string
	}{
		{nil, []string{"--grace", "1y", "x"}, "dumb-init: --grace: invalid duration '1y'"},
		{nil, []string{"--grace"}, "dumb-init: option '--grace' requires an argument"},
		{nil, []string{"--delay", "TERM", "x"}, "dumb-init: invalid delay 'TERM': expected SIG:DURATION"},
		{nil, []string{"--delay", "STOP:1s", "x"}, "dumb-init: invalid delay 'STOP:1s': signal STOP is never forwarded"},
		{nil, []string{"--remap-exit", "300:0", "x"}, "dumb-init: invalid exit remap '300:0'"},
		{nil, []string{"--pdeathsig", "NOPE", "x"}, "dumb-init: --pdeathsig: 'NOPE' is not a signal name"},
		{nil, []string{"--pause", "x"}, "dumb-init: --pause runs no command, but 'x' was given"},
		{nil, []string{"-v", "--tini", "x"}, "dumb-init: --tini must be the first argument"},
		{nil, []string{"--subreaper=1", "x"}, "dumb-init: option '--subreaper' doesn't allow an argument"},
		{[]string{"DUMB_INIT_GRACE=soon"}, []string{"x"}, "dumb-init: DUMB_INIT_GRACE: invalid duration 'soon'"},
		{[]string{"DUMB_INIT_DELAY=TERM:1s,,"}, []string{"x"}, "dumb-init: DUMB_INIT_DELAY: empty entry in 'TERM:1s,,' (a stray comma?)"},
		{[]string{"DUMB_INIT_PDEATHSIG=33"}, []string{"x"}, "dumb-init: DUMB_INIT_PDEATHSIG: '33' is reserved by the Go runtime"},
		{nil, []string{"--pdeathsig", "KILL", "x"}, "dumb-init: --pdeathsig: signal KILL cannot be caught"},
		{nil, []string{"--pdeathsig=sigstop", "x"}, "dumb-init: --pdeathsig: signal STOP cannot be caught"},
		{nil, []string{"--pdeathsig=CHLD", "x"}, "dumb-init: --pdeathsig: signal CHLD is never forwarded"},
		{[]string{"DUMB_INIT_PDEATHSIG=9"}, []string{"x"}, "dumb-init: DUMB_INIT_PDEATHSIG: signal KILL cannot be caught"},
		{nil, []string{"--list-signals", "extra"}, "dumb-init: --list-signals takes no command, but 'extra' was given"},
		{nil, []string{"--list-signals", "--bogus"}, "dumb-init: --list-signals takes no command, but '--bogus' was given"},
	} {
		_, err := Parse(append([]string{"dumb-init"}, c.argv...), envOf(c.env...))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %q: error %v, want %q...", c.env, c.argv, err, c.want)
		}
	}
}

func envOf(kv ...string) func(string) (string, bool) { return env(kv...) }

func TestParseTini(t *testing.T) {
	parse := func(argv0 string, env []string, argv ...string) (Options, error) {
		return Parse(append([]string{argv0}, argv...), envOf(env...))
	}
	o, err := parse("/usr/bin/docker-init", nil, "-s", "-vv", "-w", "-g", "-p", "SIGKILL", "-e", "143", "-e3", "--", "app", "-s")
	want := Options{Tini: true, Subreaper: On, Verbosity: 3, Verbose: true, WarnReap: true, Group: true, Pdeathsig: syscall.SIGKILL, Command: []string{"app", "-s"}}
	want.Remap.Set(143, 0)
	want.Remap.Set(3, 0)
	if err != nil || !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v %v\nwant %+v", o, err, want)
	}
	// GNU getopt permutes: options after the program are tini's.
	if o, err := parse("tini", nil, "app", "-s", "arg"); err != nil || o.Subreaper != On || !reflect.DeepEqual(o.Command, []string{"app", "arg"}) {
		t.Errorf("permutation: %+v %v", o, err)
	}
	// The environment overrides, as in tini.
	if o, _ := parse("tini", []string{"TINI_VERBOSITY=0", "TINI_SUBREAPER=", "TINI_KILL_PROCESS_GROUP=0"}, "-vvv", "x"); o.Verbosity != 0 || o.Verbose || o.Subreaper != On || !o.Group {
		t.Errorf("env: %+v", o)
	}
	if o, _ := parse("dumb-init", []string{"DUMB_INIT_TINI=1", "DUMB_INIT_GRACE=2s"}, "-g", "x"); !o.Tini || !o.Group || o.Grace != 2*clock.Second {
		t.Errorf("DUMB_INIT_TINI: %+v", o)
	}
	if o, _ := parse("dumb-init", nil, "--tini", "--version"); !o.Tini || o.Action != VersionTini {
		t.Errorf("--tini --version: %+v", o)
	}
	if o, _ := parse("tini-static", nil, "-h", "-x"); o.Action != HelpTini {
		t.Errorf("-h: %+v", o)
	}
	for _, bad := range [][]string{{"-x", "a"}, {"-p"}, {"-e", "256", "a"}, {"-p", "NOPE", "a"}, {}, {"--version", "a"}, {"--"}} {
		_, err := parse("tini", nil, bad...)
		if err == nil || !strings.Contains(err.Error(), "Usage: tini") {
			t.Errorf("%q: error %v, want one with the usage", bad, err)
		}
	}
	if !IsTiniName("/x/docker-init") || !IsTiniName("tini") || IsTiniName("dumb-init") || IsTiniName("tiny") {
		t.Error("IsTiniName")
	}
}

func TestParseDuration(t *testing.T) {
	for spec, want := range map[string]clock.Duration{
		"10s": 10 * clock.Second, "500ms": 500 * clock.Millisecond, "1m30s": 90 * clock.Second, "2.5s": 2500 * clock.Millisecond,
		"15": 15 * clock.Second, "0": 0, "0s": 0, "1h": clock.Hour, "24h": 24 * clock.Hour, ".5s": 500 * clock.Millisecond,
		"1.000000001s": clock.Second + 1, "1h1m1s1ms": clock.Hour + clock.Minute + clock.Second + clock.Millisecond,
	} {
		got, err := ParseDuration(spec)
		if err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "s", "-1s", "1", "1m30", "1.5", "1x", "1 s", "25h", "24h1ms", "1e3s", "1.s.", ".s", "99999999999999999999s", "1us", "1ns"} {
		if bad == "1" || bad == "1.5" {
			continue // plain numbers are seconds
		}
		if d, err := ParseDuration(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, d)
		}
	}
}

// FuzzParseDuration: never panics, accepts only 0..24h, errors are one
// line, and FormatDuration renders a value that parses back to it.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"10s", "500ms", "1m30s", "2.5s", "15", "", "-1s", "24h", "24h0.000000001s", "1.999999999999s", "9223372036854775807ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		d, err := ParseDuration(spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if d < 0 || d > MaxDuration {
			t.Fatalf("%q accepted as %d", spec, d)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Fatalf("%q -> %d -> %q -> %d %v", spec, d, FormatDuration(d), back, err)
		}
	})
}
