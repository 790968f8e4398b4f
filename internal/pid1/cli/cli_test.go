package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"

	dumbinit "github.com/dumb-init/dumb-init"
)

// The CLI's answers that need no child, in-process.
func TestMainWithoutChild(t *testing.T) {
	cases := []struct {
		argv   []string
		code   int
		stderr string
	}{
		{[]string{"dumb-init", "-V"}, 0, "dumb-init v" + dumbinit.Version + "\n"},
		{[]string{"dumb-init", "--version", "x"}, 0, "dumb-init v" + dumbinit.Version + "\n"},
		{[]string{"dumb-init"}, 1, "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n"},
		{[]string{"/usr/bin/dumb-init", "-v"}, 1, "Usage: /usr/bin/dumb-init [option] program [args]\nTry /usr/bin/dumb-init --help for full usage.\n"},
		{[]string{"dumb-init", "--yolo", "x"}, 1, "dumb-init: unrecognized option '--yolo'\n"},
		{[]string{"dumb-init", "-r", "1:99", "x"}, 1, "dumb-init: invalid rewrite '1:99': '99' is out of range: signals are numbered 1 to 64\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if code := Main(c.argv, nil, io.Discard, &b, nil); code != c.code || b.String() != c.stderr {
			t.Errorf("%q: %d %q, want %d %q", c.argv, code, b.String(), c.code, c.stderr)
		}
	}
	var b bytes.Buffer
	if code := Main([]string{"dumb-init", "--help"}, nil, io.Discard, &b, nil); code != 0 || !strings.HasPrefix(b.String(), "dumb-init v"+dumbinit.Version+"\nUsage: dumb-init [option] command [[arg] ...]\n") {
		t.Errorf("help: %d %q", code, b.String())
	}
}
