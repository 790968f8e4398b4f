// Package options owns the command line and the environment switches: it
// turns argv and the environment into Options the way glibc's getopt_long
// with optstring "+hvVcr:" does for the original dumb-init (stop at the first
// non-option, "--" ends options, bundled short flags, attached or separate
// values, unambiguous long-option prefixes), and it holds the option table the
// help text and the man page are generated from.
package options

import (
	"slices"
	"strconv"
	"strings"
	"syscall"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/pid1/account"
	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
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
	// ListSignals prints the signal table and exits 0.
	ListSignals
	// License prints the license and exits 0 (tini's -l).
	License
	// HelpTini prints tini's help, as tini does: on stdout, exit 0.
	HelpTini
	// VersionTini prints tini's version line on stdout, exit 0.
	VersionTini
)

// Switch is an on/off setting that can also be left to its default.
type Switch uint8

const (
	// Default leaves the choice to the init (see each setting).
	Default Switch = iota
	// On turns the setting on.
	On
	// Off turns it off.
	Off
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
	defaults [signals.NSig]bool
	// given lists the long names of the options the command line set, so
	// that their variables are not read at all (the option wins, even
	// over a malformed variable, and a list option replaces the
	// variable's list instead of adding to it).
	given []string

	// The extensions below are all off unless asked for, so that without
	// them the init behaves exactly like dumb-init 1.2.5.

	// Subreaper: register as child subreaper when not PID 1
	// (--subreaper, --no-subreaper, DUMB_INIT_SUBREAPER=1/0). Default
	// means on only where a mode needs it (--wait-all, --pause).
	Subreaper Switch
	// Grace is how long remaining processes get after the child exits
	// before they are killed (--grace, DUMB_INIT_GRACE).
	Grace clock.Duration
	// WaitAll: keep running until no descendant is left (--wait-all,
	// DUMB_INIT_WAIT_ALL=1).
	WaitAll bool
	// Delay holds each received signal this long before forwarding it
	// (--delay SIG:DURATION, DUMB_INIT_DELAY).
	Delay [signals.NSig]clock.Duration
	// Remap changes the exit status the child leaves (--remap-exit,
	// DUMB_INIT_REMAP_EXIT, tini's -e).
	Remap ExitRemap
	// Pdeathsig is the signal the init asks to get when its parent dies
	// (--pdeathsig, DUMB_INIT_PDEATHSIG, tini's -p).
	Pdeathsig syscall.Signal
	// Pause: no command; only reap, until SIGINT or SIGTERM (--pause,
	// DUMB_INIT_PAUSE=1).
	Pause bool
	// User is --user's USER[:GROUP] (DUMB_INIT_USER), checked for syntax
	// only: cli resolves it in the account files.
	User string
	// NoNewPrivs: the command can never gain privileges (--no-new-privs,
	// DUMB_INIT_NO_NEW_PRIVS=1).
	NoNewPrivs bool

	// Tini: the command line was tini's (invoked as tini or docker-init,
	// or with --tini / DUMB_INIT_TINI=1). The child gets a process group
	// of its own and the terminal's foreground, and signals go to the
	// child alone unless Group.
	Tini bool
	// Group: tini's -g, TINI_KILL_PROCESS_GROUP.
	Group bool
	// WarnReap: tini's -w, a warning for every reaped zombie.
	WarnReap bool
	// Verbosity is tini's level: 0 quiet, 1 warnings (default), 2 and up
	// debug lines.
	Verbosity int
}

// ExitRemap maps exit statuses (0-255) to others. The zero value maps
// nothing.
type ExitRemap struct {
	to  [256]uint8
	set [256]bool
}

// Set makes status from be reported as to.
func (r *ExitRemap) Set(from, to uint8) { r.to[from], r.set[from] = to, true }

// Apply returns the status to exit with for status.
func (r *ExitRemap) Apply(status int) int {
	if status >= 0 && status < 256 && r.set[status] {
		return int(r.to[status])
	}
	return status
}

// Option describes one command-line option for the parser, the help text and
// the man page.
type Option struct {
	// Short is the one-letter form; 0 for options that only have a long
	// form (every extension: the original's short options stay the only
	// ones, so a short flag that 1.2.5 refuses is still refused).
	Short byte
	Long  string
	// Classic marks the options of dumb-init 1.2.5: an abbreviation that
	// fits exactly one of them keeps meaning it ("--re" is --rewrite)
	// although newer options share the prefix.
	Classic bool
	// Arg names the value, "" for a flag.
	Arg string
	// Help is the description, one sentence per line.
	Help []string
	// Env is the environment variable with the same effect, if any:
	// "NAME=value" for a switch, "NAME" for a variable that takes the
	// option's value.
	Env string
	// List: the option is repeatable and its variable takes a
	// comma-separated list of values.
	List bool
}

// Table lists the options in the order the help text shows them.
var Table = []Option{
	{Short: 'c', Long: "single-child", Classic: true, Env: "DUMB_INIT_SETSID=0", Help: []string{
		"Signal only the direct child, not its process group.",
		"The child stays in dumb-init's session and group.",
	}},
	{Short: 'r', Long: "rewrite", Classic: true, Arg: "s:r", Help: []string{
		"Forward received signal s as signal r. Each is a number",
		"or a name (15, TERM, SIGTERM, RTMIN+3); r = 0 drops s.",
		"Give the option once per signal to rewrite. TSTP, TTIN",
		"and TTOU still stop dumb-init itself, rewritten or not.",
	}},
	{Short: 'v', Long: "verbose", Classic: true, Env: "DUMB_INIT_DEBUG=1", Help: []string{
		"Log every step dumb-init takes to stderr.",
	}},
	{Short: 'h', Long: "help", Classic: true, Help: []string{"Show this help and exit."}},
	{Short: 'V', Long: "version", Classic: true, Help: []string{"Show the version and exit."}},
	{Long: "subreaper", Env: "DUMB_INIT_SUBREAPER=1", Help: []string{
		"When not PID 1, adopt orphans of the child's subtree",
		"(PR_SET_CHILD_SUBREAPER) and reap them.",
	}},
	{Long: "no-subreaper", Env: "DUMB_INIT_SUBREAPER=0", Help: []string{
		"Never register as subreaper, not even for --wait-all,",
		"--grace or --pause.",
	}},
	{Long: "grace", Arg: "DURATION", Env: "DUMB_INIT_GRACE", Help: []string{
		"After the child exits, give the rest of its group and",
		"every descendant (as subreaper when not PID 1) up to",
		"DURATION (10s, 500ms, 1m30s; a plain number means",
		"seconds; at most 24h; default 0: none) to exit, then",
		"kill what is left.",
	}},
	{Long: "wait-all", Env: "DUMB_INIT_WAIT_ALL=1", Help: []string{
		"Do not exit with the child: keep forwarding and reaping",
		"until no descendant is left, then exit with the child's",
		"status. Registers as subreaper when not PID 1.",
	}},
	{Long: "delay", Arg: "SIG:DURATION", Env: "DUMB_INIT_DELAY", List: true, Help: []string{
		"Hold signal SIG for DURATION before forwarding it, e.g.",
		"TERM:15s. Other signals pass at once. Repeatable; the",
		"variable takes a comma-separated list.",
	}},
	{Long: "remap-exit", Arg: "FROM:TO", Env: "DUMB_INIT_REMAP_EXIT", List: true, Help: []string{
		"Exit with status TO when the child leaves status FROM",
		"(0-255; 128+N for signal N), e.g. 143:0. Repeatable.",
	}},
	{Long: "pdeathsig", Arg: "SIG", Env: "DUMB_INIT_PDEATHSIG", Help: []string{
		"Receive SIG when dumb-init's parent dies, and handle it",
		"like any received signal (not KILL, STOP or CHLD).",
	}},
	{Long: "user", Arg: "USER[:GROUP]", Env: "DUMB_INIT_USER", Help: []string{
		"Run the command as USER (a name in the image's",
		"/etc/passwd, or a uid) with its groups, or with GROUP",
		"(a name in /etc/group, or a gid) alone, and HOME set",
		"to its home, as gosu and su-exec do. dumb-init stays",
		"root to signal and reap; it must be started as root.",
	}},
	{Long: "no-new-privs", Env: "DUMB_INIT_NO_NEW_PRIVS=1", Help: []string{
		"The command and its descendants can never gain",
		"privileges (setuid programs, file capabilities).",
	}},
	{Long: "pause", Env: "DUMB_INIT_PAUSE=1", Help: []string{
		"Run no command: only reap orphans, and exit 0 on SIGINT",
		"or SIGTERM (a pod's sandbox process).",
	}},
	{Long: "list-signals", Help: []string{
		"Show every signal number, its name and whether it is",
		"forwarded, and exit.",
	}},
	{Long: "tini", Env: "DUMB_INIT_TINI=1", Help: []string{
		"As the first option: read the rest of the command line",
		"as tini does (also when started as tini or docker-init).",
	}},
}

// Error is a usage error: the message goes to stderr and the exit status is 1.
type Error struct {
	Msg string
	// Hint is a line for a person at a terminal (cli prints it only
	// there): the lines before it are the ones scripts match.
	Hint string
}

func (e *Error) Error() string { return e.Msg }

// Usage is the two-line hint printed when no command is given.
func Usage(argv0 string) string {
	return "Usage: " + argv0 + " [option] program [args]\n" +
		"Try " + argv0 + " --help for full usage.\n"
}

// VersionLine is what -V prints.
func VersionLine() string { return "dumb-init v" + dumbinit.Version + "\n" }

// Parse parses argv (argv[0] is the program name, used in messages) and the
// environment lookup getenv. Started as tini or docker-init, or with --tini
// as the first argument or DUMB_INIT_TINI=1, the command line is tini's (see
// parseTini).
func Parse(argv []string, getenv func(string) (string, bool)) (Options, error) {
	argv0 := "dumb-init"
	if len(argv) > 0 {
		argv0 = argv[0]
	}
	if len(argv) > 1 && strings.HasPrefix(argv[1], "--") && !strings.Contains(argv[1], "=") {
		// --tini, or an unambiguous abbreviation of it (--ti), first.
		if opt, _ := findLong(argv[1][2:]); opt != nil && opt.Long == "tini" {
			return parseTini(argv0, argv[2:], getenv)
		}
	}
	if v, _ := getenv("DUMB_INIT_TINI"); v == "1" || IsTiniName(argv0) {
		return parseTini(argv0, argv[1:], getenv)
	}
	var o Options
	fail := func(msg string) (Options, error) { return Options{}, wrap(argv0, errors(msg)) }

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
				before, after, _ := strings.Cut(err, "%s")
				return fail(before + signals.Printable(arg) + after)
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
			if done, err := o.apply(opt, value); done || err != nil {
				if err == nil && o.Action == ListSignals && i < len(argv) {
					// -h and -V end parsing silently, as 1.2.5's do;
					// the new option refuses what it would ignore.
					return fail("--list-signals takes no command, but '" + signals.Printable(argv[i]) + "' was given")
				}
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
			if done, err := o.apply(opt, value); done || err != nil {
				return o, wrap(argv0, err)
			}
		}
	}

	if v, _ := getenv("DUMB_INIT_PAUSE"); v == "1" {
		o.Pause = true
	}
	// Options that act on the command mean nothing without one.
	pauseConflict := ""
	for _, name := range []string{"single-child", "rewrite", "delay", "remap-exit"} {
		if slices.Contains(o.given, name) {
			pauseConflict = name
		}
	}
	switch {
	case o.Action != Run:
		return o, nil
	case o.Pause && pauseConflict != "":
		return fail("--pause runs no command, so --" + pauseConflict + " would have nothing to act on")
	case o.Pause && i < len(argv):
		return fail("--pause runs no command, but '" + signals.Printable(argv[i]) + "' was given")
	case !o.Pause && i >= len(argv):
		return Options{}, &Error{strings.TrimSuffix(Usage(argv0), "\n"), "No command given: name the program to run after the options, e.g. " + argv0 + " -- myserver --port 80"}
	case !o.Pause:
		o.Command = argv[i:]
	}

	// The switches are read after the command line, as the original does;
	// they can only turn modes on.
	if v, _ := getenv("DUMB_INIT_DEBUG"); v == "1" {
		o.Verbose, o.VerboseFromEnv = true, true
	}
	if v, _ := getenv("DUMB_INIT_SETSID"); v == "0" {
		o.SingleChild, o.SingleChildFromEnv = true, true
	}
	if err := o.readExtensionEnv(getenv); err != nil {
		return Options{}, wrap(argv0, err)
	}
	o.given = nil // only needed while reading the variables
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

// readExtensionEnv reads the extensions' variables (the Env of every option
// that 1.2.5 did not have) through the same apply as the command line, into
// a copy, and takes from the copy what the command line left unset: the
// option wins. A malformed value is an error naming the variable. Pause and
// the tini switch are not read here: they decide how the command line itself
// is read, so Parse looks at them first.
func (o *Options) readExtensionEnv(getenv func(string) (string, bool)) error {
	var env Options
	for i := range Table {
		opt := &Table[i]
		name, want, isSwitch := strings.Cut(opt.Env, "=")
		if opt.Classic || name == "" || opt.Long == "pause" || opt.Long == "tini" {
			continue
		}
		v, ok := getenv(name)
		switch {
		case !ok, slices.Contains(o.given, opt.Long), opt.Long == "no-subreaper" && slices.Contains(o.given, "subreaper"),
			opt.Long == "subreaper" && slices.Contains(o.given, "no-subreaper"):
			// Not set, or the command line said it: the option wins.
		case isSwitch:
			if v == want {
				_, _ = env.apply(opt, "")
			}
		default:
			for rest, more := v, true; more; {
				item := rest
				if opt.List {
					item, rest, more = strings.Cut(rest, ",")
				} else {
					more = false
				}
				if item == "" && opt.List {
					return errors(name + ": empty entry in '" + signals.Printable(v) + "' (a stray comma?)")
				}
				if _, err := env.apply(opt, item); err != nil {
					return errors(name + ": " + strings.TrimPrefix(err.Error(), "--"+opt.Long+": "))
				}
			}
		}
	}
	o.merge(&env)
	return nil
}

// merge takes from env the extension settings o does not have.
func (o *Options) merge(env *Options) {
	if o.Subreaper == Default {
		o.Subreaper = env.Subreaper
	}
	if o.Grace == 0 {
		o.Grace = env.Grace
	}
	o.WaitAll = o.WaitAll || env.WaitAll
	for sig, d := range env.Delay {
		if o.Delay[sig] == 0 {
			o.Delay[sig] = d
		}
	}
	for st, set := range env.Remap.set {
		if set && !o.Remap.set[st] {
			o.Remap.Set(uint8(st), env.Remap.to[st])
		}
	}
	if o.Pdeathsig == 0 {
		o.Pdeathsig = env.Pdeathsig
	}
	if o.User == "" {
		o.User = env.User
	}
	o.NoNewPrivs = o.NoNewPrivs || env.NoNewPrivs
}

type errors string

func (e errors) Error() string { return string(e) }

func wrap(argv0 string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{argv0 + ": " + err.Error(), tryHelp(argv0)}
}

// tryHelp is the hint a usage error gives at a terminal.
func tryHelp(argv0 string) string { return "Try '" + argv0 + " --help' for more information." }

// apply records one option; done reports that parsing ends here (-h, -V,
// --list-signals).
func (o *Options) apply(opt *Option, value string) (done bool, err error) {
	o.given = append(o.given, opt.Long)
	switch opt.Long {
	case "help":
		o.Action = Help
		return true, nil
	case "version":
		o.Action = Version
		return true, nil
	case "list-signals":
		o.Action = ListSignals
		return true, nil
	case "verbose":
		o.Verbose = true
	case "single-child":
		o.SingleChild = true
	case "rewrite":
		from, to, err := signals.ParseRewrite(value)
		if err != nil {
			return false, err
		}
		o.Rewrite.Set(from, to)
	case "subreaper":
		o.Subreaper = On
	case "no-subreaper":
		o.Subreaper = Off
	case "grace":
		d, err := ParseDuration(value)
		if err != nil {
			return false, errors("--grace: " + err.Error())
		}
		o.Grace = d
	case "wait-all":
		o.WaitAll = true
	case "delay":
		return false, o.setDelay(value)
	case "remap-exit":
		return false, o.setRemap(value)
	case "pdeathsig":
		sig, err := signals.Parse(value)
		if err != nil {
			return false, errors("--pdeathsig: " + err.Error())
		}
		if err := pdeathsigAllowed(sig); err != nil {
			return false, errors("--pdeathsig: " + err.Error())
		}
		o.Pdeathsig = sig
	case "pause":
		o.Pause = true
	case "user":
		if err := account.CheckSyntax(value); err != nil {
			return false, errors("invalid user '" + signals.Printable(value) + "': " + err.Error())
		}
		o.User = value
	case "no-new-privs":
		o.NoNewPrivs = true
	case "tini":
		return false, errors("--tini must be the first argument")
	}
	return false, nil
}

// pdeathsigAllowed refuses the parent-death signals that would defeat their
// purpose: SIGKILL and SIGSTOP cannot be caught, so they would kill or
// freeze the init itself and leave its child unsupervised (or a zombie);
// SIGCHLD is what the init reaps with and is never forwarded.
func pdeathsigAllowed(sig syscall.Signal) error {
	switch sig {
	case syscall.SIGKILL, syscall.SIGSTOP:
		return errors("signal " + signals.Name(sig) + " cannot be caught: it would kill or stop dumb-init itself and leave the command unsupervised; use TERM, INT or HUP")
	case syscall.SIGCHLD:
		return errors("signal CHLD is never forwarded; use TERM, INT or HUP")
	}
	return nil
}

// setDelay records "SIG:DURATION".
func (o *Options) setDelay(spec string) error {
	name, dur, ok := strings.Cut(spec, ":")
	bad := "invalid delay '" + signals.Printable(spec) + "': "
	if !ok {
		return errors(bad + "expected SIG:DURATION, e.g. TERM:15s")
	}
	sig, err := signals.Parse(name)
	if err != nil {
		return errors(bad + err.Error())
	}
	if !signals.IsForwardable(sig) {
		return errors(bad + "signal " + signals.Name(sig) + " is never forwarded, so it cannot be delayed")
	}
	d, err := ParseDuration(dur)
	if err != nil {
		return errors(bad + err.Error() + listHint(dur, "--delay"))
	}
	o.Delay[sig] = d
	return nil
}

// listHint explains a comma in one value of a repeatable option: only the
// option's variable takes a list.
func listHint(value, option string) string {
	if !strings.Contains(value, ",") {
		return ""
	}
	return " (give " + option + " once per value; only its variable takes a comma-separated list)"
}

// setRemap records "FROM:TO", both exit statuses 0-255.
func (o *Options) setRemap(spec string) error {
	from, to, ok := strings.Cut(spec, ":")
	f, okf := status(from)
	t, okt := status(to)
	if !ok || !okf || !okt {
		return errors("invalid exit remap '" + signals.Printable(spec) + "': expected FROM:TO, both exit statuses from 0 to 255, e.g. 143:0" + listHint(spec, "--remap-exit"))
	}
	o.Remap.Set(f, t)
	return nil
}

// status parses an exit status, 0-255, in decimal.
func status(s string) (uint8, bool) {
	n, ok := signals.Decimal(s)
	return uint8(n), ok && n <= 255
}

func findShort(c byte) *Option {
	for i := range Table {
		if c != 0 && Table[i].Short == c {
			return &Table[i]
		}
	}
	return nil
}

// findLong resolves an exact name or an unambiguous prefix, like getopt_long.
// On failure it returns a message in which %s stands for the argument.
func findLong(name string) (*Option, string) {
	var classic *Option
	classics := 0
	for i := range Table {
		opt := &Table[i]
		if opt.Classic && name != "" && strings.HasPrefix(opt.Long, name) {
			classic = opt
			classics++
		}
	}
	if classics == 1 && !exactly(name) {
		return classic, ""
	}
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
	msg := "option '%s' is ambiguous; possibilities:"
	for _, c := range candidates {
		msg += " " + c
	}
	return nil, msg
}

// exactly reports whether name is an option's full name.
func exactly(name string) bool {
	for i := range Table {
		if Table[i].Long == name {
			return true
		}
	}
	return false
}

// Args renders o as a canonical command line (without argv[0]) that parses
// back to o: one flag per mode, one -r per rewrite the user gave, "--" and
// the command.
func (o Options) Args() []string {
	if o.Tini {
		return o.tiniArgs()
	}
	var out []string
	switch o.Action {
	case Help:
		return []string{"--help"}
	case Version:
		return []string{"--version"}
	case ListSignals:
		return []string{"--list-signals"}
	}
	if o.Verbose && !o.VerboseFromEnv {
		out = append(out, "-v")
	}
	if o.SingleChild && !o.SingleChildFromEnv {
		out = append(out, "-c")
	}
	for s := syscall.Signal(1); s < signals.NSig; s++ {
		if to, ok := o.Rewrite.Translate(s); ok && !o.isDefaultRewrite(s) {
			out = append(out, "-r", strconv.Itoa(int(s))+":"+strconv.Itoa(int(to)))
		}
	}
	out = append(out, o.extensionArgs()...)
	if o.Pause {
		return append(out, "--pause")
	}
	out = append(out, "--")
	return append(out, o.Command...)
}

// extensionArgs renders the extension settings as long options.
func (o Options) extensionArgs() []string {
	var out []string
	switch o.Subreaper {
	case On:
		out = append(out, "--subreaper")
	case Off:
		out = append(out, "--no-subreaper")
	}
	if o.Grace != 0 {
		out = append(out, "--grace="+FormatDuration(o.Grace))
	}
	if o.WaitAll {
		out = append(out, "--wait-all")
	}
	for s, d := range o.Delay {
		if d != 0 {
			out = append(out, "--delay="+strconv.Itoa(s)+":"+FormatDuration(d))
		}
	}
	for st := range o.Remap.set {
		if o.Remap.set[st] {
			out = append(out, "--remap-exit="+strconv.Itoa(st)+":"+strconv.Itoa(int(o.Remap.to[st])))
		}
	}
	if o.Pdeathsig != 0 {
		out = append(out, "--pdeathsig="+strconv.Itoa(int(o.Pdeathsig)))
	}
	if o.User != "" {
		out = append(out, "--user="+o.User)
	}
	if o.NoNewPrivs {
		out = append(out, "--no-new-privs")
	}
	return out
}

// isDefaultRewrite reports whether s's rewrite is the setsid-mode default
// rather than one the user gave.
func (o Options) isDefaultRewrite(s syscall.Signal) bool {
	return o.defaults[s]
}
