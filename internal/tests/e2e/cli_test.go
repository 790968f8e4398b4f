package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

func TestNoCommandPrintsUsage(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		for _, args := range [][]string{{}, {"--"}, {"-v"}, {"-c", "--"}} {
			r := run(t, env, args...)
			want := "Usage: X [option] program [args]\nTry X --help for full usage.\n"
			got := regexp.MustCompile(`/\S*/dumb-init`).ReplaceAllString(r.stderr, "X")
			if r.code != 1 || got != want {
				t.Errorf("%v: code %d, stderr %q; want 1 and %q", args, r.code, got, want)
			}
		}
	})
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string // stderr after the program name and ": "
	}{
		{[]string{"--yolo", "/bin/true"}, "unrecognized option '--yolo'"},
		{[]string{"--yolo=1", "/bin/true"}, "unrecognized option '--yolo=1'"},
		{[]string{"-x", "/bin/true"}, "invalid option -- 'x'"},
		{[]string{"-vx", "/bin/true"}, "invalid option -- 'x'"},
		{[]string{"-r"}, "option requires an argument -- 'r'"},
		{[]string{"--rewrite"}, "option '--rewrite' requires an argument"},
		{[]string{"--help=yes"}, "option '--help' doesn't allow an argument"},
		{[]string{"--ver", "/bin/true"}, "option '--ver' is ambiguous; possibilities: '--verbose' '--version'"},
		{[]string{"-r", "", "true"}, "invalid rewrite '': "},
		{[]string{"-r", "herp", "true"}, "invalid rewrite 'herp': "},
		{[]string{"-r", "herp:derp", "true"}, "invalid rewrite 'herp:derp': "},
		{[]string{"-r", "15", "true"}, "invalid rewrite '15': "},
		{[]string{"-r", "15::12", "true"}, "invalid rewrite '15::12': "},
		{[]string{"-r", "15:derp", "true"}, "invalid rewrite '15:derp': "},
		{[]string{"-r", "15:12", "-r", "0", "true"}, "invalid rewrite '0': "},
		{[]string{"-r", "15:12", "-r", "1:32", "true"}, "invalid rewrite '1:32': "},
		{[]string{"-r", "0:1", "true"}, "invalid rewrite '0:1': "},
		{[]string{"-r", "32:1", "true"}, "invalid rewrite '32:1': "},
		{[]string{"-r", "-1:1", "true"}, "invalid rewrite '-1:1': "},
		{[]string{"--rewrite=1:-1", "true"}, "invalid rewrite '1:-1': "},
		// -r takes the next word even if it is the command.
		{[]string{"-r", "echo", "oh,", "hi"}, "invalid rewrite 'echo': "},
	}
	init := "dumb-init"
	for _, c := range cases {
		r := run(t, testbin.CleanEnv(), c.args...)
		got := regexp.MustCompile(`^/\S*/dumb-init`).ReplaceAllString(r.stderr, init)
		if r.code != 1 || !strings.HasPrefix(got, init+": "+c.want) || strings.Count(got, "\n") != 1 {
			t.Errorf("%q: code %d, stderr %q; want 1 and one line starting %q", c.args, r.code, got, init+": "+c.want)
		}
		if r.stdout != "" {
			t.Errorf("%q: wrote to stdout: %q", c.args, r.stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	modes(t, func(t *testing.T, env []string) {
		for _, flag := range []string{"-V", "--version", "--vers", "-cV"} {
			r := run(t, env, flag, "false")
			if want := "dumb-init v" + version(t) + "\n"; r.code != 0 || r.stderr != want || r.stdout != "" {
				t.Errorf("%s: code %d stderr %q stdout %q, want 0 and %q", flag, r.code, r.stderr, r.stdout, want)
			}
		}
	})
	if version(t) != "1.3.0" && !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version(t)) {
		t.Errorf("VERSION %q is not X.Y.Z", version(t))
	}
}

func TestHelp(t *testing.T) {
	for _, flag := range []string{"-h", "--help", "--he", "-vh"} {
		r := run(t, testbin.CleanEnv(), flag, "false")
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("%s: code %d stdout %q", flag, r.code, r.stdout)
		}
		lines := strings.Split(r.stderr, "\n")
		if lines[0] != "dumb-init v"+version(t) || !regexp.MustCompile(`^Usage: \S*dumb-init \[option\] command \[\[arg\] \.\.\.\]$`).MatchString(lines[1]) {
			t.Errorf("%s: help starts %q", flag, lines[:2])
		}
		for _, want := range []string{"-c, --single-child", "-r, --rewrite s:r", "-v, --verbose", "-h, --help", "-V, --version", "DUMB_INIT_SETSID=0", "DUMB_INIT_DEBUG=1"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: help lacks %q", flag, want)
			}
		}
	}
	// Options are processed in order: help wins over a later bad option,
	// a bad option before it wins over help.
	if r := run(t, testbin.CleanEnv(), "-h", "--yolo"); r.code != 0 {
		t.Errorf("-h --yolo: code %d", r.code)
	}
	if r := run(t, testbin.CleanEnv(), "--yolo", "-h"); r.code != 1 {
		t.Errorf("--yolo -h: code %d", r.code)
	}
}

func TestOptionsStopAtCommand(t *testing.T) {
	cases := []struct {
		args []string
		out  string
	}{
		{[]string{"sh", "-c", "echo $0 $1", "-v", "-c"}, "-v -c\n"},
		{[]string{"--", "sh", "-c", "echo ok"}, "ok\n"},
		{[]string{"-vc", "--", "sh", "-c", "echo ok"}, "ok\n"},
		{[]string{"-r15:3", "-r", "2:3", "--rewrite=1:3", "--rewrite", "4:3", "sh", "-c", "echo ok"}, "ok\n"},
		{[]string{"--single-child", "--verbose", "echo", "-c", "--", "-v"}, "-c -- -v\n"},
		{[]string{"-", "x"}, ""},
	}
	for _, c := range cases {
		r := run(t, testbin.CleanEnv(), c.args...)
		if c.args[0] == "-" {
			// "-" is a command name, as for getopt.
			if r.code != 2 || !strings.Contains(r.stderr, "[dumb-init] -: No such file or directory\n") {
				t.Errorf("%q: code %d stderr %q", c.args, r.code, r.stderr)
			}
			continue
		}
		if r.code != 0 || r.stdout != c.out {
			t.Errorf("%q: code %d stdout %q stderr %q, want 0 and %q", c.args, r.code, r.stdout, r.stderr, c.out)
		}
	}
}
