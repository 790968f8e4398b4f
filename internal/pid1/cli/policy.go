package cli

import (
	"github.com/dumb-init/dumb-init/internal/pid1/options"
	"github.com/dumb-init/dumb-init/internal/pid1/supervisor"
)

// policyOf decides, once, what the mode the options chose means for the
// supervisor: the only place where the modes are told apart. Each mode is
// written out whole, so that reading one case tells all of that mode.
func policyOf(o *options.Options) supervisor.Policy {
	var p supervisor.Policy
	switch {
	case o.Tini:
		// tini 0.19: the child leads a process group in the init's
		// session and gets the terminal's foreground; signals go to it
		// alone unless -g; nothing is sent when it exits; SIGTTIN and
		// SIGTTOU are ignored and job control never stops the init;
		// exec failures exit as a shell's would.
		p = supervisor.Policy{
			NewProcessGroup:     true,
			SignalGroup:         o.Group,
			ForegroundChild:     true,
			DropTerminalIOStops: true,
			ShellExecStatuses:   true,
			WarnNotReaper:       o.Verbosity >= 1 && !o.Pause,
			WarnReaped:          o.WarnReap && o.Verbosity >= 1,
		}
	case o.SingleChild:
		// dumb-init -c: the child stays in the init's session and
		// group and is signalled alone; the init stops itself after
		// forwarding a job-control signal; 1.2.5's line about the
		// closing SIGTERM is kept, the signal is not sent (the dead
		// child's pid may be reused).
		p = supervisor.Policy{
			StopSelfOnJobControl: true,
			ClosingTermLineOnly:  !o.WaitAll,
		}
	default:
		// dumb-init's setsid mode: the child leads a session of its
		// own with stdin's terminal, its whole group is signalled, the
		// init stops itself after forwarding a job-control signal,
		// and the group gets SIGTERM when the child exits (unless
		// --wait-all lets the rest run on).
		p = supervisor.Policy{
			NewSession:           true,
			SignalGroup:          true,
			StopSelfOnJobControl: true,
			ClosingTerm:          !o.WaitAll,
		}
	}
	// Subreaper by default only where an option needs it to see the
	// whole subtree (--wait-all and --grace wait for every descendant,
	// --pause reaps them); otherwise orphans keep going to whoever adopts
	// them today.
	switch o.Subreaper {
	case options.On:
		p.Subreaper = true
	case options.Default:
		p.Subreaper = o.WaitAll || o.Pause || o.Grace > 0
	}
	return p
}
