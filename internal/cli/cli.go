// Package cli owns the program as a whole: it takes argv, the environment and
// stderr, parses options, prints help, version and usage errors, and runs the
// supervisor, returning the exit status. cmd/dumb-init only wires the process
// into it, so everything here can be tested in-process.
package cli

import (
	"io"

	"github.com/dumb-init/dumb-init/internal/diag"
	"github.com/dumb-init/dumb-init/internal/options"
	"github.com/dumb-init/dumb-init/internal/supervisor"
)

// Main runs dumb-init with argv and env, writing its own messages to stderr.
// sigs must come from supervisor.Catch, called as early as possible; it may
// be nil when the caller knows no command will run (tests of the parser).
func Main(argv, env []string, stderr io.Writer, sigs *supervisor.Signals) int {
	getenv := func(name string) (string, bool) {
		for _, kv := range env {
			if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
				return kv[len(name)+1:], true
			}
		}
		return "", false
	}
	opts, err := options.Parse(argv, getenv)
	log := &diag.Log{W: stderr}
	if err != nil {
		log.Plain(err.Error() + "\n")
		return supervisor.ExitUsage
	}
	argv0 := "dumb-init"
	if len(argv) > 0 {
		argv0 = argv[0]
	}
	switch opts.Action {
	case options.Help:
		log.Plain(options.HelpText(argv0))
		return 0
	case options.Version:
		log.Plain(options.VersionLine())
		return 0
	}
	log.Debug = opts.Verbose
	if opts.VerboseFromEnv {
		log.Debugf("Running in debug mode.")
	}
	if opts.SingleChildFromEnv {
		log.Debugf("Not running in setsid mode.")
	}
	if sigs == nil {
		sigs = supervisor.Catch()
	}
	return supervisor.Run(supervisor.Config{
		Command:     opts.Command,
		Env:         env,
		SingleChild: opts.SingleChild,
		Rewrite:     &opts.Rewrite,
		Log:         log,
	}, sigs)
}
