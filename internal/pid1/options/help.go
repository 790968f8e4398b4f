package options

import (
	"strings"

	dumbinit "github.com/dumb-init/dumb-init"
)

// Description is the longer text under the usage line.
var Description = []string{
	"dumb-init starts the command as its child and stays alive beside it as a tiny",
	"supervisor: every signal it receives is passed on to the child (by default to",
	"the child's whole process group), orphaned processes that end up as its",
	"children are reaped, and when the child exits dumb-init exits with the same",
	"status. Run it as PID 1 of a container, e.g. ENTRYPOINT [\"dumb-init\", \"--\"].",
}

// Epilogue follows the option list.
var Epilogue = []string{
	"Exit status: the child's own, or 128+N when a signal N killed it",
	"(after --remap-exit); 1 for a usage error or when no child could be",
	"created; 2 when the command could not be executed.",
	"Started as tini or docker-init (or with --tini first), dumb-init takes",
	"tini's command line instead; see --tini -h.",
}

// Flag returns "-c, --single-child", "-r, --rewrite s:r" or, for an option
// without a short form, "    --grace DURATION".
func (o Option) Flag() string {
	s := "    --" + o.Long
	if o.Short != 0 {
		s = "-" + string(o.Short) + ", --" + o.Long
	}
	if o.Arg != "" {
		s += " " + o.Arg
	}
	return s
}

// EnvHelp is the help line that names the option's environment variable.
func (o Option) EnvHelp() string {
	if strings.Contains(o.Env, "=") {
		if len(o.Env) > 23 { // the line would pass 80 columns
			return "Same as setting " + o.Env + "."
		}
		return "Same as the environment setting " + o.Env + "."
	}
	return "Also read from " + o.Env + " (the option wins)."
}

// spaces pads the help's first column (strings.Repeat would cost the init
// more bytes than this constant).
const spaces = "                                "

// HelpText is what -h prints, generated from Table.
func HelpText(argv0 string) string {
	b := "dumb-init v" + dumbinit.Version + "\n" +
		"Usage: " + argv0 + " [option] command [[arg] ...]\n\n"
	for _, l := range Description {
		b += l + "\n"
	}
	b += "\nOptions:\n"
	const col = 24
	for _, o := range Table {
		flag := "  " + o.Flag()
		lines := o.Help
		if o.Env != "" {
			lines = append(lines[:len(lines):len(lines)], o.EnvHelp())
		}
		for i, l := range lines {
			left := ""
			if i == 0 {
				left = flag
			}
			if len(left) >= col-1 {
				b += left + "\n"
				left = ""
			}
			b += left + spaces[:col-len(left)] + l + "\n"
		}
	}
	b += "\n"
	for _, l := range Epilogue {
		b += l + "\n"
	}
	return b
}
