// Package cli owns the program as a whole: it takes argv, the environment and
// stderr, parses options, prints help, version and usage errors, and runs the
// supervisor, returning the exit status. cmd/dumb-init only wires the process
// into it, so everything here can be tested in-process.
package cli

import (
	"io"
	"os"
	"strconv"

	dumbinit "github.com/dumb-init/dumb-init"

	"github.com/dumb-init/dumb-init/internal/pid1/account"
	"github.com/dumb-init/dumb-init/internal/pid1/diag"
	"github.com/dumb-init/dumb-init/internal/pid1/envlist"
	"github.com/dumb-init/dumb-init/internal/pid1/options"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
	"github.com/dumb-init/dumb-init/internal/pid1/supervisor"
	"github.com/dumb-init/dumb-init/internal/pid1/tty"
)

// isTerminal reports whether w is a terminal (an *os.File on one).
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && tty.IsTerminal(int(f.Fd()))
}

// Main runs dumb-init with argv and env, writing its own messages to stderr
// and the output that scripts read (--list-signals, and help and version in
// tini's mode, as tini prints them) to stdout. sigs must come from
// supervisor.Catch, called as early as possible; it may be nil when the
// caller knows no command will run (tests of the parser).
func Main(argv, env []string, stdout, stderr io.Writer, sigs *supervisor.Signals) int {
	getenv := func(name string) (string, bool) { return envlist.Lookup(env, name) }
	opts, err := options.Parse(argv, getenv)
	log := &diag.Log{W: stderr}
	if err != nil {
		msg := err.Error() + "\n"
		// A person at a terminal also gets the hint; scripts, which
		// match the exact lines through pipes, never see it.
		if e, ok := err.(*options.Error); ok && e.Hint != "" && isTerminal(stderr) {
			msg += e.Hint + "\n"
		}
		log.Plain(msg)
		return supervisor.ExitUsage
	}
	argv0 := "dumb-init"
	if len(argv) > 0 {
		argv0 = argv[0]
	}
	out := &diag.Log{W: stdout}
	switch {
	case opts.Action == options.HelpTini:
		out.Plain(options.TiniHelpText(argv0))
		return 0
	case opts.Action == options.VersionTini:
		out.Plain(options.TiniVersionLine())
		return 0
	case opts.Action == options.Help:
		log.Plain(options.HelpText(argv0))
		return 0
	case opts.Action == options.Version:
		log.Plain(options.VersionLine())
		return 0
	case opts.Action == options.ListSignals:
		out.Plain(signals.ListText())
		return 0
	case opts.Action == options.License:
		out.Plain(dumbinit.License)
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
	var user *account.Credentials
	if opts.User != "" {
		// Resolved before anything starts, so that a mistake is one line
		// and exit status 1, never a command run as the wrong user.
		creds, err := account.Resolve(opts.User, account.ReadFile)
		if err != nil {
			log.Plain(argv0 + ": --user " + signals.Printable(opts.User) + ": " + err.Error() + "\n")
			return supervisor.ExitUsage
		}
		if euid := os.Geteuid(); euid != 0 {
			log.Plain(argv0 + ": --user needs dumb-init to be started as root (it runs as uid " + strconv.Itoa(euid) + ")\n")
			return supervisor.ExitUsage
		}
		user = &creds
		// HOME as su-exec and gosu set it: the user's own.
		env = envlist.Set(env, "HOME", creds.Home)
	}
	cfg := supervisor.Config{
		Command:    opts.Command,
		Env:        env,
		Rewrite:    &opts.Rewrite,
		Log:        log,
		Policy:     policyOf(&opts),
		Grace:      opts.Grace,
		WaitAll:    opts.WaitAll,
		Pdeathsig:  opts.Pdeathsig,
		Pause:      opts.Pause,
		ExitStatus: opts.Remap.Apply,
		User:       user,
		NoNewPrivs: opts.NoNewPrivs,
	}
	for _, d := range opts.Delay {
		if d > 0 {
			cfg.Delay = &opts.Delay
			break
		}
	}
	return supervisor.Run(cfg, sigs)
}
