package options

import (
	"strconv"
	"strings"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
)

// TiniVersion is the tini release whose command line the tini-compatible
// mode accepts. "--version" reports it first, in tini's format, because
// dockerd parses `docker-init --version` as "tini version X - git.COMMIT".
const TiniVersion = "0.19.0"

// IsTiniName reports whether the program was started under one of the names
// that select the tini-compatible command line (through a symlink, or as
// Docker's --init-path).
func IsTiniName(argv0 string) bool {
	base := argv0
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	return base == "tini" || base == "tini-static" || base == "docker-init"
}

// TiniVersionLine is what --version prints in tini-compatible mode: tini's
// line, with our version where tini has its git commit. dockerd shows that
// part as the init's version (`docker info`: "init version", `docker
// version`: docker-init's GitCommit), but only when it has the form
// "git.X" with no other dot in X, so the version's dots become underscores:
// "tini version 0.19.0 - git.dumb-init-v1_3_0".
func TiniVersionLine() string {
	v := []byte(dumbinit.Version)
	for i, c := range v {
		if c == '.' {
			v[i] = '_'
		}
	}
	return "tini version " + TiniVersion + " - git.dumb-init-v" + string(v) + "\n"
}

// parseTini reads tini 0.19's command line: short options "p:hvwgle:s"
// anywhere before "--" (GNU getopt permutes, so `tini prog -s` is tini's -s),
// "--version" only as the sole argument, then TINI_SUBREAPER,
// TINI_VERBOSITY and TINI_KILL_PROCESS_GROUP, which like tini's override the
// command line. The DUMB_INIT_ extension variables (grace, delay, ...) apply
// too, so they can be used with docker run --init.
func parseTini(argv0 string, args []string, getenv func(string) (string, bool)) (Options, error) {
	o := Options{Tini: true, Verbosity: 1}
	if len(args) == 1 && args[0] == "--version" {
		o.Action = VersionTini
		return o, nil
	}
	fail := func(msg string) (Options, error) {
		return Options{}, &Error{Msg: argv0 + ": " + msg + "\n" + strings.TrimSuffix(TiniUsage(argv0), "\n")}
	}
	var command []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			command = append(command, args[i+1:]...)
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			command = append(command, arg)
			continue
		}
		for j := 1; j < len(arg); j++ {
			c := arg[j]
			value := ""
			if c == 'p' || c == 'e' {
				if j+1 < len(arg) {
					value = arg[j+1:]
				} else if i+1 < len(args) {
					i++
					value = args[i]
				} else {
					return fail("option requires an argument -- '" + string(c) + "'")
				}
				j = len(arg)
			}
			switch c {
			case 'h':
				o.Action = HelpTini
				return o, nil
			case 'l':
				o.Action = License
				return o, nil
			case 's':
				o.Subreaper = On
			case 'v':
				o.Verbosity++
			case 'w':
				o.WarnReap = true
			case 'g':
				o.Group = true
			case 'p':
				sig, err := signals.Parse(value)
				if err != nil {
					return fail("-p: " + err.Error())
				}
				o.Pdeathsig = sig
			case 'e':
				code, ok := status(value)
				if !ok {
					return fail("-e: '" + signals.Printable(value) + "' is not an exit status from 0 to 255")
				}
				o.Remap.Set(code, 0)
			default:
				return fail("invalid option -- '" + signals.Printable(string(c)) + "'")
			}
		}
	}
	if len(command) == 0 {
		return Options{}, &Error{Msg: strings.TrimSuffix(TiniUsage(argv0), "\n")}
	}
	o.Command = command
	if _, ok := getenv("TINI_SUBREAPER"); ok {
		o.Subreaper = On
	}
	if v, ok := getenv("TINI_VERBOSITY"); ok {
		// tini reads it with atoi: leading digits, anything
		// unreadable is 0.
		n := 0
		for i := 0; i < len(v) && v[i] >= '0' && v[i] <= '9' && n < 100; i++ {
			n = n*10 + int(v[i]-'0')
		}
		o.Verbosity = n
	}
	if _, ok := getenv("TINI_KILL_PROCESS_GROUP"); ok {
		o.Group = true
	}
	o.Verbose = o.Verbosity >= 2
	if err := o.readExtensionEnv(getenv); err != nil {
		return Options{}, &Error{Msg: argv0 + ": " + err.Error()}
	}
	return o, nil
}

// TiniUsage is the short usage of the tini-compatible mode, shown on errors.
func TiniUsage(argv0 string) string {
	return "Usage: " + argv0 + " [-h] [-s] [-p SIG] [-v...] [-w] [-g] [-e CODE] [-l] [--] program [args] | --version\n"
}

// TiniHelpText is what -h prints in tini-compatible mode.
func TiniHelpText(argv0 string) string {
	return "dumb-init v" + dumbinit.Version + " in tini-compatible mode (tini " + TiniVersion + " command line)\n" +
		TiniUsage(argv0) + `
Runs the program as a child, passes on the signals it receives and reaps
zombies; exits with the program's status (128+N if signal N killed it).

  -s          Adopt orphans as child subreaper when not PID 1.
  -p SIG      Receive SIG when our parent dies (e.g. -p SIGKILL).
  -v          More output; give it up to three times.
  -w          Warn about every zombie reaped.
  -g          Signal the program's whole process group, not just it.
  -e CODE     Exit 0 when the program exits with CODE (0-255); repeatable.
  -l          Show the license and exit.
  -h          Show this help and exit.
  --version   Show the version and exit.

Environment: TINI_SUBREAPER (set: as -s), TINI_VERBOSITY (level, default 1),
TINI_KILL_PROCESS_GROUP (set: as -g); the DUMB_INIT_ extension variables
(DUMB_INIT_GRACE, DUMB_INIT_DELAY, ...) apply as well.
Exit status: the program's own; 126 when it is not executable, 127 when it
is not found, 1 for a usage error.
`
}

// tiniArgs renders tini-mode options back to a command line.
func (o Options) tiniArgs() []string {
	out := []string{"--tini"}
	switch o.Action {
	case HelpTini:
		return append(out, "-h")
	case License:
		return append(out, "-l")
	case VersionTini:
		return append(out, "--version")
	}
	if o.Subreaper == On {
		out = append(out, "-s")
	}
	if o.Pdeathsig != 0 {
		out = append(out, "-p", strconv.Itoa(int(o.Pdeathsig)))
	}
	for n := 1; n < o.Verbosity; n++ {
		out = append(out, "-v")
	}
	if o.WarnReap {
		out = append(out, "-w")
	}
	if o.Group {
		out = append(out, "-g")
	}
	for st := range o.Remap.set {
		if o.Remap.set[st] {
			out = append(out, "-e", strconv.Itoa(st))
		}
	}
	out = append(out, "--")
	return append(out, o.Command...)
}
