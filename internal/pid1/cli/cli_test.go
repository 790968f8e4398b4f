package cli

import (
	"bytes"
	"io"
	"testing"
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
