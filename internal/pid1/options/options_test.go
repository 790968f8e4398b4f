package options

import (
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func env(kv ...string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for _, e := range kv {
			if k, v, ok := strings.Cut(e, "="); ok && k == name {
				return v, true
			}
		}
		return "", false
	}
}

func TestParse(t *testing.T) {
	type want struct {
		action   Action
		cmd      []string
		single   bool
		verbose  bool
		rewrites map[syscall.Signal]syscall.Signal
	}
	setsidDefaults := map[syscall.Signal]syscall.Signal{20: 19, 21: 19, 22: 19}
	merge := func(m map[syscall.Signal]syscall.Signal) map[syscall.Signal]syscall.Signal {
		out := map[syscall.Signal]syscall.Signal{}
		for k, v := range setsidDefaults {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		argv []string
		env  []string
		want want
	}{
		{[]string{"sh"}, nil, want{cmd: []string{"sh"}, rewrites: setsidDefaults}},
		{[]string{"sh", "-c", "x"}, nil, want{cmd: []string{"sh", "-c", "x"}, rewrites: setsidDefaults}},
		{[]string{"--", "-c"}, nil, want{cmd: []string{"-c"}, rewrites: setsidDefaults}},
		{[]string{"-c", "--", "--"}, nil, want{cmd: []string{"--"}, single: true, rewrites: map[syscall.Signal]syscall.Signal{}}},
		{[]string{"-vc", "x"}, nil, want{cmd: []string{"x"}, single: true, verbose: true, rewrites: map[syscall.Signal]syscall.Signal{}}},
		{[]string{"-cvr15:3", "x"}, nil, want{cmd: []string{"x"}, single: true, verbose: true, rewrites: map[syscall.Signal]syscall.Signal{15: 3}}},
		{[]string{"-r", "15:3", "x"}, nil, want{cmd: []string{"x"}, rewrites: merge(map[syscall.Signal]syscall.Signal{15: 3})}},
		{[]string{"--rewrite=15:3", "--rewrite", "20:0", "x"}, nil, want{cmd: []string{"x"}, rewrites: merge(map[syscall.Signal]syscall.Signal{15: 3, 20: 0})}},
		{[]string{"--rew=1:31", "--single", "--verb", "x"}, nil, want{cmd: []string{"x"}, single: true, verbose: true, rewrites: map[syscall.Signal]syscall.Signal{1: 31}}},
		{[]string{"-", "x"}, nil, want{cmd: []string{"-", "x"}, rewrites: setsidDefaults}},
		{[]string{"x"}, []string{"DUMB_INIT_SETSID=0", "DUMB_INIT_DEBUG=1"}, want{cmd: []string{"x"}, single: true, verbose: true, rewrites: map[syscall.Signal]syscall.Signal{}}},
		{[]string{"x"}, []string{"DUMB_INIT_SETSID=no", "DUMB_INIT_DEBUG=yes"}, want{cmd: []string{"x"}, rewrites: setsidDefaults}},
		{[]string{"-h", "--yolo"}, nil, want{action: Help}},
		{[]string{"-V"}, nil, want{action: Version}},
		{[]string{"-vV"}, nil, want{action: Version, verbose: true}},
	}
	for _, c := range cases {
		o, err := Parse(append([]string{"dumb-init"}, c.argv...), env(c.env...))
		if err != nil {
			t.Errorf("%q: %v", c.argv, err)
			continue
		}
		got := want{action: o.Action, cmd: o.Command, single: o.SingleChild, verbose: o.Verbose, rewrites: map[syscall.Signal]syscall.Signal{}}
		for s := syscall.Signal(1); s < 65; s++ {
			if to, ok := o.Rewrite.Translate(s); ok {
				got.rewrites[s] = to
			}
		}
		if c.want.action != Run {
			got.rewrites, got.cmd = nil, nil
		}
		if c.want.rewrites == nil && c.want.action == Run {
			c.want.rewrites = map[syscall.Signal]syscall.Signal{}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q env %q:\ngot  %+v\nwant %+v", c.argv, c.env, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string][]string{
		"dumb-init: unrecognized option '--yolo'":                                        {"--yolo", "x"},
		"dumb-init: invalid option -- 'q'":                                               {"-vq", "x"},
		"dumb-init: option requires an argument -- 'r'":                                  {"-r"},
		"dumb-init: option '--rewrite' requires an argument":                             {"--rewrite"},
		"dumb-init: option '--version' doesn't allow an argument":                        {"--version=2"},
		"dumb-init: option '--ve' is ambiguous; possibilities: '--verbose' '--version'":  {"--ve"},
		"Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.": {},
	}
	for want, argv := range cases {
		_, err := Parse(append([]string{"dumb-init"}, argv...), env())
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", argv, err, want)
		}
	}
	for _, bad := range []string{"", ":", "1:", ":1", "1:2:3", "0:1", "32:1", "1:32", "a:1", "1:b", "+1:2", " 1:2", "1:2 ", "0x1:2", "0001:2", "-1:2", "1:-2"} {
		_, err := Parse([]string{"dumb-init", "-r", bad, "x"}, env())
		if err == nil || !strings.HasPrefix(err.Error(), "dumb-init: invalid rewrite '"+bad+"'") || strings.Contains(err.Error(), "\n") {
			t.Errorf("-r %q: error %v", bad, err)
		}
	}
}

func TestHelpText(t *testing.T) {
	h := HelpText("dumb-init")
	for _, o := range Table {
		if !strings.Contains(h, o.Flag()) {
			t.Errorf("help lacks %s", o.Flag())
		}
	}
	for _, l := range strings.Split(h, "\n") {
		if len(l) > 80 {
			t.Errorf("help line longer than 80 columns: %q", l)
		}
	}
}

// FuzzParse: the parser never panics, errors are one line (or the two-line
// usage hint), and anything accepted renders to a command line that parses
// back to the same options.
func FuzzParse(f *testing.F) {
	for _, seed := range [][]string{
		{"sh"}, {"-vc", "x"}, {"-r15:3", "x"}, {"--rewrite=1:31", "--", "x"}, {"--yolo"}, {"-r"}, {"--v"}, {"-h"}, {"-"}, {"--", "--"},
		{"-r", "TERM:RTMIN+3", "--grace=2.5s", "--wait-all", "--delay", "HUP:1m", "--remap-exit", "143:0", "--pdeathsig", "KILL", "--subreaper", "x"},
		{"--pause", "--no-subreaper"}, {"--list-signals"}, {"--tini", "-s", "-vv", "-g", "-w", "-e", "3", "-p", "SIGTERM", "--", "x", "-y"}, {"--tini", "x", "-s"},
	} {
		f.Add(strings.Join(seed, "\x00"), "")
	}
	f.Add("x", "DUMB_INIT_SETSID=0")
	f.Add("x", "DUMB_INIT_GRACE=1s\x00DUMB_INIT_DELAY=TERM:1s,INT:2s\x00DUMB_INIT_REMAP_EXIT=1:2\x00DUMB_INIT_SUBREAPER=0")
	f.Add("-g\x00x", "DUMB_INIT_TINI=1\x00TINI_VERBOSITY=2")
	f.Fuzz(func(t *testing.T, joined, envs string) {
		argv := append([]string{"dumb-init"}, strings.Split(joined, "\x00")...)
		e := env(strings.Split(envs, "\x00")...)
		o, err := Parse(argv, e)
		if err != nil {
			if msg := err.Error(); strings.Count(msg, "\n") > 1 || msg == "" {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		if o.Action == Run && len(o.Command) == 0 && !o.Pause {
			t.Fatal("Run without a command")
		}
		back, err := Parse(append([]string{"dumb-init"}, o.Args()...), e)
		if err != nil {
			t.Fatalf("%q rendered as %q does not parse: %v", argv, o.Args(), err)
		}
		if o.Action == Run && !reflect.DeepEqual(back, o) {
			t.Fatalf("%q -> %q -> %+v, want %+v", argv, o.Args(), back, o)
		}
	})
}
