// Package manpage owns dumb-init(1): it renders the man page in roff from the
// same option table, description and exit-status text as the --help output,
// so the two cannot drift apart.
package manpage

import (
	"strings"
	"time"

	"github.com/dumb-init/dumb-init/internal/pid1/options"
)

// Render returns the man page for version, dated date (pass the release's
// SOURCE_DATE_EPOCH for reproducible output); summary is the one-line
// description from metadata.json.
func Render(version, summary string, date time.Time) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	w(`.TH DUMB-INIT 1 "`+date.UTC().Format("2006-01-02")+`" "dumb-init `+version+`" "User Commands"`,
		".SH NAME",
		"dumb-init \\- "+escape(summary),
		".SH SYNOPSIS",
		".B dumb-init",
		"[\\fIoption\\fR] \\fIcommand\\fR [[\\fIarg\\fR] ...]",
		".SH DESCRIPTION")
	w(escape(strings.Join(options.Description, " ")))
	w(".PP",
		"Options end at the first argument that is not an option; \\fB\\-\\-\\fR ends them explicitly.",
		"Short options can be bundled, and long options abbreviated while unambiguous.",
		".SH OPTIONS")
	for _, o := range options.Table {
		flag := "\\fB\\-\\-" + escape(o.Long) + "\\fR"
		if o.Short != 0 {
			flag = "\\fB\\-" + string(o.Short) + "\\fR, " + flag
		}
		if o.Arg != "" {
			flag += " \\fI" + escape(o.Arg) + "\\fR"
		}
		w(".TP", flag, escape(strings.Join(o.Help, " ")))
		if o.Env != "" {
			w(escape(o.EnvHelp()))
		}
	}
	w(".SH ENVIRONMENT")
	for _, o := range options.Table {
		if o.Env != "" {
			if strings.Contains(o.Env, "=") {
				w(".TP", "\\fB"+escape(o.Env)+"\\fR", "Same as \\fB\\-\\-"+escape(o.Long)+"\\fR (exactly this value; any other changes nothing).")
			} else {
				w(".TP", "\\fB"+escape(o.Env)+"\\fR", "Same value as \\fB\\-\\-"+escape(o.Long)+"\\fR, which wins when both are given; a malformed value is a usage error.")
			}
		}
	}
	w(".PP", "All variables, these included, are passed to the command unchanged.",
		".SH SIGNALS",
		"Every signal dumb-init receives is forwarded, after rewriting, except SIGKILL and SIGSTOP",
		"(which cannot be caught), SIGCHLD (used for reaping), SIGPROF and signals 32 to 34",
		"(reserved by the Go runtime).",
		"In setsid mode SIGTSTP, SIGTTOU and SIGTTIN are forwarded as SIGSTOP unless rewritten,",
		"and dumb-init then stops itself until SIGCONT.",
		"Signals can be given as numbers or names (TERM, SIGTERM, sigterm, RTMIN+3, RTMAX\\-1);",
		"numbers follow the architecture the binary was built for.",
		"\\fB\\-\\-list\\-signals\\fR prints the table.",
		".SH TINI-COMPATIBLE MODE",
		"Started as \\fBtini\\fR, \\fBtini\\-static\\fR or \\fBdocker\\-init\\fR (through a symlink, or as",
		"\\fBdocker run \\-\\-init \\-\\-init\\-path\\fR), with \\fB\\-\\-tini\\fR as the first argument, or with",
		"\\fBDUMB_INIT_TINI=1\\fR, dumb-init reads tini 0.19's command line",
		"(\\fB\\-s \\-p\\fR \\fISIG\\fR \\fB\\-v \\-w \\-g \\-e\\fR \\fICODE\\fR \\fB\\-l \\-h \\-\\-version\\fR, and \\fBTINI_SUBREAPER\\fR,",
		"\\fBTINI_VERBOSITY\\fR, \\fBTINI_KILL_PROCESS_GROUP\\fR) with tini's semantics: the command runs in",
		"a process group of its own, signals go to it alone unless \\fB\\-g\\fR, nothing is sent when it",
		"exits, and a command that cannot be run exits 127 (not found) or 126 (not executable).",
		"The Debian package installs the names as symlinks under /usr/libexec/dumb\\-init/, where",
		"they cannot clash with Debian's tini package.",
		".SH EXIT STATUS")
	w(escape(strings.Join(options.Epilogue, " ")))
	w(".SH EXAMPLES",
		".nf",
		"ENTRYPOINT [\"/usr/bin/dumb\\-init\", \"\\-\\-\"]",
		"ENTRYPOINT [\"dumb\\-init\", \"\\-\\-rewrite\", \"15:3\", \"\\-\\-\"]",
		"docker run image dumb\\-init python app.py",
		".fi",
		".SH SEE ALSO",
		"\\fBkill\\fR(1), \\fBsetsid\\fR(1), \\fBsignal\\fR(7)")
	return b.String()
}

// escape makes text safe for roff: backslashes and hyphens escaped, no line
// starting with a control character.
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
