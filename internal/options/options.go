// Package options owns the command line and the environment switches: it
// turns argv and the environment into Options the way glibc's getopt_long
// with optstring "+hvVcr:" does for the original dumb-init (stop at the first
// non-option, "--" ends options, bundled short flags, attached or separate
// values, unambiguous long-option prefixes), and it holds the option table the
// help text and the man page are generated from.
package options

import (
	"strconv"
	"strings"
	"syscall"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/signals"
)

// Action says what the program does once options are parsed.
type Action int

const (
	// Run starts the command and supervises it.
	Run Action = iota
	// Help prints the help text and exits 0.
	Help
	// Version prints the version line and exits 0.
	Version
)

// Options is the parsed command line and environment.
type Options struct {
	Action Action
	// Command is the program and its arguments, never empty for Run.
	Command []string
	// SingleChild: signal only the direct child, no setsid (-c,
	// DUMB_INIT_SETSID=0).
	SingleChild bool
	// Verbose: debug lines on stderr (-v, DUMB_INIT_DEBUG=1).
	Verbose bool
	// VerboseFromEnv and SingleChildFromEnv record that the environment,
	// not a flag, switched the mode on (the init says so in a debug line).
	VerboseFromEnv, SingleChildFromEnv bool
	// Rewrite holds the -r rewrites and, in setsid mode, the default
	// rewrites of the job-control signals to SIGSTOP.
	Rewrite signals.Table
	// defaults marks the rewrites that are setsid-mode defaults.
	defaults [signals.MaxClassic + 1]bool
}

// Option describes one command-line option for the parser, the help text and
// the man page.
type Option struct {
	Short byte
	Long  string
	// Arg names the value, "" for a flag.
	Arg string
	// Help is the description, one sentence per line.
	Help []string
	// Env is the environment variable with the same effect, if any.
	Env string
}

// Table lists the options in the order the help text shows them.
var Table = []Option{
	{Short: 'c', Long: "single-child", Env: "DUMB_INIT_SETSID=0", Help: []string{
		"Signal only the direct child, not its process group.",
		"The child stays in dumb-init's session and group.",
	}},
	{Short: 'r', Long: "rewrite", Arg: "s:r", Help: []string{
		"Forward received signal s as signal r (both 1-31).",
		"r = 0 drops signal s instead of forwarding it.",
		"Give the option once per signal to rewrite.",
	}},
	{Short: 'v', Long: "verbose", Env: "DUMB_INIT_DEBUG=1", Help: []string{
		"Log every step dumb-init takes to stderr.",
	}},
	{Short: 'h', Long: "help", Help: []string{"Show this help and exit."}},
	{Short: 'V', Long: "version", Help: []string{"Show the version and exit."}},
}

// Error is a usage error: the message goes to stderr and the exit status is 1.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Usage is the two-line hint printed when no command is given.
func Usage(argv0 string) string {
	return "Usage: " + argv0 + " [option] program [args]\n" +
		"Try " + argv0 + " --help for full usage.\n"
}

// VersionLine is what -V prints.
func VersionLine() string { return "dumb-init v" + dumbinit.Version + "\n" }

// Parse parses argv (argv[0] is the program name, used in messages) and the
// environment lookup getenv.
func Parse(argv []string, getenv func(string) (string, bool)) (Options, error) {
	var o Options
	argv0 := "dumb-init"
	if len(argv) > 0 {
		argv0 = argv[0]
	}
	fail := func(msg string) (Options, error) { return Options{}, &Error{argv0 + ": " + msg} }

	i := 1
	for i < len(argv) {
		arg := argv[i]
		if arg == "--" {
			i++
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			break // first non-option ("+" in the optstring)
		}
		i++
		if arg[1] == '-' {
			name, value, hasValue := strings.Cut(arg[2:], "=")
			opt, err := findLong(name)
			if err != "" {
				return fail(strings.ReplaceAll(err, "%s", signals.Printable(arg)))
			}
			if opt.Arg == "" {
				if hasValue {
					return fail("option '--" + opt.Long + "' doesn't allow an argument")
				}
			} else if !hasValue {
				if i == len(argv) {
					return fail("option '--" + opt.Long + "' requires an argument")
				}
				value = argv[i]
				i++
			}
			if done, err := o.apply(opt.Short, value); done || err != nil {
				return o, wrap(argv0, err)
			}
			continue
		}
		for j := 1; j < len(arg); j++ {
			c := arg[j]
			opt := findShort(c)
			if opt == nil {
				return fail("invalid option -- '" + signals.Printable(string(c)) + "'")
			}
			value := ""
			if opt.Arg != "" {
				if j+1 < len(arg) {
					value = arg[j+1:]
				} else if i < len(argv) {
					value = argv[i]
					i++
				} else {
					return fail("option requires an argument -- '" + string(c) + "'")
				}
				j = len(arg)
			}
			if done, err := o.apply(c, value); done || err != nil {
				return o, wrap(argv0, err)
			}
		}
	}

	if i >= len(argv) {
		return Options{}, &Error{strings.TrimSuffix(Usage(argv0), "\n")}
	}
	o.Command = argv[i:]

	// The switches are read after the command line, as the original does;
	// they can only turn modes on.
	if v, _ := getenv("DUMB_INIT_DEBUG"); v == "1" {
		o.Verbose, o.VerboseFromEnv = true, true
	}
	if v, _ := getenv("DUMB_INIT_SETSID"); v == "0" {
		o.SingleChild, o.SingleChildFromEnv = true, true
	}
	if !o.SingleChild {
		// In setsid mode the child's group has no terminal job control of
		// its own parent shell, so stop it outright; the init stops itself
		// after forwarding (see supervisor).
		for _, s := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN} {
			if !o.Rewrite.IsSet(s) {
				o.Rewrite.Set(s, syscall.SIGSTOP)
				o.defaults[s] = true
			}
		}
	}
	return o, nil
}

func wrap(argv0 string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{argv0 + ": " + err.Error()}
}

// apply records one option; done reports that parsing ends here (-h, -V).
func (o *Options) apply(short byte, value string) (done bool, err error) {
	switch short {
	case 'h':
		o.Action = Help
		return true, nil
	case 'V':
		o.Action = Version
		return true, nil
	case 'v':
		o.Verbose = true
	case 'c':
		o.SingleChild = true
	case 'r':
		from, to, err := signals.ParseRewrite(value)
		if err != nil {
			return false, err
		}
		o.Rewrite.Set(from, to)
	}
	return false, nil
}

func findShort(c byte) *Option {
	for i := range Table {
		if Table[i].Short == c {
			return &Table[i]
		}
	}
	return nil
}

// findLong resolves an exact name or an unambiguous prefix, like getopt_long.
// On failure it returns a message in which %s stands for the argument.
func findLong(name string) (*Option, string) {
	var match *Option
	var candidates []string
	for i := range Table {
		opt := &Table[i]
		if opt.Long == name {
			return opt, ""
		}
		if name != "" && strings.HasPrefix(opt.Long, name) {
			match = opt
			candidates = append(candidates, "'--"+opt.Long+"'")
		}
	}
	switch len(candidates) {
	case 0:
		return nil, "unrecognized option '%s'"
	case 1:
		return match, ""
	}
	return nil, "option '%s' is ambiguous; possibilities: " + strings.Join(candidates, " ")
}

// Args renders o as a canonical command line (without argv[0]) that parses
// back to o: one flag per mode, one -r per rewrite the user gave, "--" and
// the command.
func (o Options) Args() []string {
	var out []string
	switch o.Action {
	case Help:
		return []string{"--help"}
	case Version:
		return []string{"--version"}
	}
	if o.Verbose && !o.VerboseFromEnv {
		out = append(out, "-v")
	}
	if o.SingleChild && !o.SingleChildFromEnv {
		out = append(out, "-c")
	}
	for s := syscall.Signal(1); s <= signals.MaxClassic; s++ {
		if to, ok := o.Rewrite.Translate(s); ok && !o.isDefaultRewrite(s) {
			out = append(out, "-r", strconv.Itoa(int(s))+":"+strconv.Itoa(int(to)))
		}
	}
	out = append(out, "--")
	return append(out, o.Command...)
}

// isDefaultRewrite reports whether s's rewrite is the setsid-mode default
// rather than one the user gave.
func (o Options) isDefaultRewrite(s syscall.Signal) bool {
	return o.defaults[s]
}
