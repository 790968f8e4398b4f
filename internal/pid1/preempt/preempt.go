// Package preempt owns one guarantee: the Go runtime of the init never sends
// the process SIGURG on its own.
//
// The scheduler preempts long-running goroutines by sending their thread
// SIGURG, and os/signal passes those on to whoever asked for SIGURG. An init
// that forwards every signal would therefore hand its child SIGURGs nobody
// sent. Filtering SIGURG is not an option (users may send it on purpose), so
// asynchronous preemption must be off: GODEBUG=asyncpreemptoff=1.
//
// Release builds link that setting in as the runtime default
// (internal/tooling/buildflags) together with a marker that tells this package so. A
// build without those flags (plain `go build`, `go install ...@latest`)
// re-executes itself once through /proc/self/exe with the setting added to
// GODEBUG, and removes it again from the environment handed to the child, so
// the child sees exactly the caller's environment.
//
// The re-execution also carries the start-up guarantee of internal/pid1/startmask
// into such builds: every signal is blocked just before execve, so whatever
// arrives from then on stays pending into the second run, which starts with
// everything blocked like a release build.
package preempt

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/envlist"
	"github.com/dumb-init/dumb-init/internal/pid1/startmask"
)

// disabledAtLink is set to "yes" by the release linker flags, next to
// runtime.godebugDefault=asyncpreemptoff=1.
var disabledAtLink string

// savedVar carries the caller's original GODEBUG across the re-exec: "+" and
// the value when it was set, "-" when it was not.
const savedVar = "DUMB_INIT_INTERNAL_GODEBUG"

// setting and on are variables, not constants, so the compiler cannot fold
// them into one "asyncpreemptoff=1" string: that exact text then appears in
// a binary only through the linked-in runtime default, which lets a test
// check every release artifact for the protection without running it.
var setting, on = "asyncpreemptoff", "1"

// alsoOff is added with the setting: the release builds' other runtime
// defaults (internal/tooling/buildflags), so that the runtime does not keep cgroup
// files open for the whole run.
const alsoOff = ",containermaxprocs=0,updatemaxprocs=0"

// Linked reports whether this binary was built with the release flags.
func Linked() bool { return disabledAtLink == "yes" }

// Ensure makes sure asynchronous preemption is off, re-executing the program
// if it has to, and returns the environment the child must get. It returns
// normally when the runtime is already safe, when this process is the result
// of the re-exec, or when the re-exec is impossible (no /proc); Protected
// then tells which.
func Ensure(argv, env []string) (childEnv []string, protected bool) {
	if saved, ok := envlist.Lookup(env, savedVar); ok {
		// Second run: the runtime read GODEBUG at start-up; give the child
		// the caller's environment back.
		env = envlist.Without(env, savedVar)
		protected = effective(env)
		if strings.HasPrefix(saved, "+") {
			return envlist.Set(env, "GODEBUG", saved[1:]), protected
		}
		return envlist.Without(env, "GODEBUG"), protected
	}
	if effective(env) {
		return env, true
	}
	var next []string
	if godebug, had := envlist.Lookup(env, "GODEBUG"); had {
		next = envlist.Set(env, "GODEBUG", godebug+","+setting+"="+on+alsoOff)
		next = append(next, savedVar+"=+"+godebug)
	} else {
		next = append(env[:len(env):len(env)], "GODEBUG="+setting+"="+on+alsoOff, savedVar+"=-")
	}
	// execve keeps the pid (PID 1 stays PID 1), the signal mask and pending
	// signals, and nothing has been started yet, so nothing is lost: block
	// everything first, so that the second run starts as a release build
	// does (see internal/pid1/startmask). Only this thread runs Go code of ours,
	// and execve ends the others.
	var before unix.Sigset_t
	_ = unix.PthreadSigmask(unix.SIG_BLOCK, startmask.All(), &before)
	err := unix.Exec("/proc/self/exe", argv, next)
	// No /proc, or the two added variables do not fit (E2BIG): run
	// unprotected rather than not at all, with the mask as it was.
	_ = err
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &before, nil)
	return env, false
}

// effective reports whether the runtime of a process started with env runs
// with asynchronous preemption off. The runtime applies GODEBUG entries left
// to right over the linked-in default, so the last entry for the setting wins.
func effective(env []string) bool {
	value := ""
	if Linked() {
		value = on
	}
	if godebug, ok := envlist.Lookup(env, "GODEBUG"); ok {
		for rest, more := godebug, true; more; {
			var kv string
			kv, rest, more = strings.Cut(rest, ",")
			if k, v, ok := strings.Cut(kv, "="); ok && k == setting {
				value = v
			}
		}
	}
	return value == on
}
