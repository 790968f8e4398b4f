package supervisor

// Policy is everything about the child's supervision that differs between
// the init's modes (dumb-init's setsid mode, its -c single-child mode, and
// tini's model), decided once from the options (internal/pid1/cli, policyOf)
// and only read here. The zero value is none of the modes; each field says
// what it does, not which mode wants it.
type Policy struct {
	// NewSession: the child calls setsid() and takes stdin's terminal
	// as its controlling terminal; the init gives up its own terminal
	// first (dumb-init's default).
	NewSession bool
	// NewProcessGroup: the child leads a process group of its own but
	// stays in the init's session (tini).
	NewProcessGroup bool
	// SignalGroup: forwarded signals go to the child's process group,
	// not the child alone. Needs NewSession or NewProcessGroup.
	SignalGroup bool
	// ForegroundChild: the child's process group gets the terminal's
	// foreground (tini).
	ForegroundChild bool
	// DropTerminalIOStops: SIGTTIN and SIGTTOU are not forwarded (tini
	// ignores them, so a background init never stops on them).
	DropTerminalIOStops bool
	// StopSelfOnJobControl: after forwarding SIGTSTP, SIGTTOU or
	// SIGTTIN, the init stops itself, so the shell that sent them sees
	// its job stop (catching them disabled their default action).
	StopSelfOnJobControl bool
	// ClosingTerm: when the child exits, SIGTERM (after rewriting) goes
	// to its process group, as 1.2.5 does in setsid mode.
	ClosingTerm bool
	// ClosingTermLineOnly: 1.2.5's debug line about that SIGTERM is
	// written although nothing is sent (1.2.5 in -c mode sends it to the
	// dead child's pid, which may already be someone else's).
	ClosingTermLineOnly bool
	// ShellExecStatuses: a command that cannot be executed makes the init
	// exit as a shell would, 127 when it is not found, 126 when it is not
	// executable, 1 otherwise (tini); otherwise ExitExec.
	ShellExecStatuses bool
	// Subreaper: register as child subreaper when not PID 1, so that
	// orphans of the child's subtree are ours to reap.
	Subreaper bool
	// WarnNotReaper: warn when orphans will not be ours to reap (tini's
	// warning at verbosity 1 and up).
	WarnNotReaper bool
	// WarnReaped: warn about every orphan reaped (tini's -w).
	WarnReaped bool
}

// ownGroup reports whether the child leads a process group of its own, so
// that its pid is also its group id.
func (p Policy) ownGroup() bool { return p.NewSession || p.NewProcessGroup }
