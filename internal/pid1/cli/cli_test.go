package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// The command-line contract is specified by the scripts in
// cmd/dumb-init/testdata; these are the cases a script cannot reach
// (testscript runs every program under its bare name).
func TestProgramNameAsCalled(t *testing.T) {
	cases := []struct {
		argv   []string
		stderr string
	}{
		{[]string{"/usr/bin/dumb-init", "-v"}, "Usage: /usr/bin/dumb-init [option] program [args]\nTry /usr/bin/dumb-init --help for full usage.\n"},
		{[]string{"./dumb-init", "--yolo", "x"}, "./dumb-init: unrecognized option '--yolo'\n"},
		// No argv at all (execve with an empty argv): the usual name.
		{nil, "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if code := Main(c.argv, nil, io.Discard, &b, nil); code != 1 || b.String() != c.stderr {
			t.Errorf("%q: %d %q, want 1 %q", c.argv, code, b.String(), c.stderr)
		}
	}
}

// A person at a terminal gets a hint line after a usage error; a pipe (what
// scripts and the original's tests read) gets exactly the old lines.
func TestUsageHintOnlyOnATerminal(t *testing.T) {
	cases := []struct {
		argv       []string
		pipe, hint string
	}{
		{[]string{"dumb-init", "--yolo", "x"}, "dumb-init: unrecognized option '--yolo'\n", "Try 'dumb-init --help' for more information.\n"},
		{[]string{"dumb-init", "-r", "1", "x"}, "dumb-init: invalid rewrite '1': expected FROM:TO, each a signal number or name (FROM a catchable signal, TO 0 to drop it)\n", "Try 'dumb-init --help' for more information.\n"},
		{[]string{"dumb-init", "-v"}, "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n", "No command given: name the program to run after the options, e.g. dumb-init -- myserver --port 80\n"},
		// tini's errors already end with tini's usage: no hint.
		{[]string{"tini", "-x"}, "tini: invalid option -- 'x'\nUsage: tini [-h] [-s] [-p SIG] [-v...] [-w] [-g] [-e CODE] [-l] [--] program [args] | --version\n", ""},
	}
	for _, c := range cases {
		ctrl, tty, err := pty.Open()
		if err != nil {
			t.Fatal(err)
		}
		if code := Main(c.argv, nil, io.Discard, tty, nil); code != 1 {
			t.Errorf("%q: status %d", c.argv, code)
		}
		tty.Close()
		got, _ := io.ReadAll(ctrl) // until the terminal's other end is closed (EIO)
		ctrl.Close()
		if want := strings.ReplaceAll(c.pipe+c.hint, "\n", "\r\n"); string(got) != want {
			t.Errorf("%q on a terminal: %q, want %q", c.argv, got, want)
		}
		var b bytes.Buffer
		if code := Main(c.argv, nil, io.Discard, &b, nil); code != 1 || b.String() != c.pipe {
			t.Errorf("%q on a pipe: %d %q, want 1 %q", c.argv, code, b.String(), c.pipe)
		}
	}
}
