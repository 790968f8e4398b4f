package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/*.txt (the files cmp compares against) from what the program prints now")

// TestMain lets the scripts run this test binary as dumb-init, and under
// the names that select tini's command line. The program they run is this
// package's main, built the plain way (no release linker flags): it
// re-executes itself once with the runtime setting it needs (see
// internal/pid1/preempt), as any `go build` of dumb-init does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dumb-init":   main,
		"tini":        main,
		"docker-init": main,
	})
}

// The command-line contract, as scripts in testdata/: usage errors, help,
// version, the environment switches, tini's command line and -v
// transcripts. `go test ./cmd/dumb-init -update` rewrites the expected
// output blocks (help texts, the signal table) after a deliberate change;
// review the diff before committing it.
func TestCLI(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup:               standardPath,
		// [root]: the test runs as root (the --user switch itself).
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": cmdStatus,
			"lines":  cmdLines,
		},
	})
}

// standardPath gives the scripts a PATH of their own: the directory holding
// the programs under test, then the system's. The caller's PATH may hold
// directories this user cannot search, and execvp reports EACCES for those
// (as it should), which would change the scripts' expected messages.
func standardPath(env *testscript.Env) error {
	for i, kv := range env.Vars {
		if path, ok := strings.CutPrefix(kv, "PATH="); ok {
			bin, _, _ := strings.Cut(path, string(filepath.ListSeparator))
			env.Vars[i] = "PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin"
		}
	}
	return nil
}

// status CODE COMMAND [ARGS...] runs the command like exec and fails unless
// it exits with status CODE; its stdout and stderr are kept for the checks
// that follow, as after exec.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("status: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// lines stdout|stderr N fails unless the last command wrote exactly N
// lines there, each ended by a newline.
func cmdLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[0] != "stdout" && args[0] != "stderr") {
		ts.Fatalf("usage: lines stdout|stderr N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("lines: %q is not a number", args[1])
	}
	text := ts.ReadFile(args[0])
	if text != "" && !strings.HasSuffix(text, "\n") {
		ts.Fatalf("%s does not end with a newline: %q", args[0], text)
	}
	if got := strings.Count(text, "\n"); got != want {
		ts.Fatalf("%s has %d lines, want %d", args[0], got, want)
	}
}
