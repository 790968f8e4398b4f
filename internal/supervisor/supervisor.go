// Package supervisor owns the life of the child: it catches signals, starts
// the child (setsid, terminal hand-off, execvp), forwards what it receives
// after rewriting, handles job-control stops, reaps every zombie that becomes
// its child, and returns the exit status the init must exit with.
//
// It is the only owner of wait: nothing else in the process may call wait4
// or os/exec's Wait, or the two would steal each other's statuses.
package supervisor

import (
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/diag"
	"github.com/dumb-init/dumb-init/internal/signals"
	"github.com/dumb-init/dumb-init/internal/tty"
)

// Exit statuses of the init itself (the child's own status otherwise).
const (
	// ExitUsage: bad command line, or no child process could be created.
	ExitUsage = 1
	// ExitExec: the command could not be executed.
	ExitExec = 2
)

// Signals are the channels os/signal delivers to. They are set up before
// anything else, so a signal that arrives while the child is being started
// waits in them and is forwarded once the child exists.
type Signals struct {
	// forward carries every forwardable signal. os/signal drops a
	// delivery when the channel is full, so it is large: only a storm
	// faster than the loop forwards could fill it, and the kernel
	// coalesces such a storm per signal number anyway.
	forward chan os.Signal
	// child carries SIGCHLD alone, so a storm of other signals can never
	// push a SIGCHLD out. One slot is enough: each SIGCHLD starts a pass
	// that reaps until nothing is left.
	child chan os.Signal
}

// Catch starts catching every signal the init handles. Call it as early as
// possible: until it runs, the Go runtime's defaults apply.
func Catch() *Signals {
	s := &Signals{forward: make(chan os.Signal, 512), child: make(chan os.Signal, 1)}
	signal.Notify(s.child, syscall.SIGCHLD)
	fwd := signals.Forwardable()
	list := make([]os.Signal, len(fwd))
	for i, sig := range fwd {
		list[i] = sig
	}
	signal.Notify(s.forward, list...)
	return s
}

// Config is what the supervisor needs from the options.
type Config struct {
	Command []string
	// Env is the child's environment.
	Env []string
	// SingleChild: no setsid, signals to the child alone.
	SingleChild bool
	Rewrite     *signals.Table
	Log         *diag.Log
}

type supervisor struct {
	cfg   Config
	log   *diag.Log
	sigs  *Signals
	child int
	// ignoreOnce marks the SIGHUP and SIGCONT the kernel sends when the
	// init gives up its terminal as session leader.
	ignoreOnce [signals.NSig]bool
}

// Run starts the command and supervises it until it exits, returning the
// status the init must exit with.
func Run(cfg Config, sigs *Signals) int {
	s := &supervisor{cfg: cfg, log: cfg.Log, sigs: sigs}
	if s.cfg.Rewrite == nil {
		s.cfg.Rewrite = new(signals.Table)
	}
	var handoff tty.Handoff
	if !cfg.SingleChild {
		// Detach before starting the child: the child's TIOCSCTTY needs
		// the terminal to have no session, and the SIGHUP/SIGCONT this
		// may cause must reach the init before there is anyone to
		// forward them to.
		handoff = tty.Detach(s.log)
		s.ignoreOnce[syscall.SIGHUP] = handoff.IgnoreHangup
		s.ignoreOnce[syscall.SIGCONT] = handoff.IgnoreHangup
	}

	pid, refusal, err := s.start(handoff)
	if err != nil {
		errno, _ := err.(syscall.Errno)
		if errno == syscall.EAGAIN || errno == syscall.ENOMEM {
			s.log.Errorf("Unable to fork: %s. Exiting.", errno)
			return ExitUsage
		}
		s.log.Errorf("%s: %s", cfg.Command[0], errno)
		return ExitExec
	}
	s.child = pid
	s.log.Debugf("Child spawned with PID %d.", pid)
	if !cfg.SingleChild {
		if refusal != 0 {
			s.log.Debugf("Unable to attach to controlling tty (errno=%d %s).", int(refusal), refusal)
		}
		s.log.Debugf("setsid complete.")
	}
	return s.loop()
}

// start changes to "/" and starts the child in the caller's directory.
//
// The init leaves the caller's directory before the child exists, so it never
// keeps a mount busy, and passes the directory to the child by path: the
// child changes into it between fork and exec. When the path cannot be
// trusted to lead back to the same directory (deleted, renamed, unreadable),
// the child inherits the directory and the init leaves it right after the
// start instead.
func (s *supervisor) start(h tty.Handoff) (pid int, refusal syscall.Errno, err error) {
	cwd, oerr := unix.Open(".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if oerr != nil {
		cwd = unix.AT_FDCWD
	} else {
		defer unix.Close(cwd)
	}
	dir := ""
	if wd, werr := unix.Getwd(); werr == nil && sameFile(wd, ".") {
		if cerr := unix.Chdir("/"); cerr == nil {
			dir = wd
		} else {
			s.log.Debugf("Unable to chdir(\"/\") (errno=%d %s)", int(cerr.(syscall.Errno)), cerr)
		}
	}
	// The caller's directory is reachable through the open descriptor
	// even after the chdir, for the PATH search.
	if dir != "" && cwd == unix.AT_FDCWD {
		cwd, _ = unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}

	attempt := func(ctty bool) (int, error) {
		attr := &syscall.ProcAttr{
			Dir:   dir,
			Env:   s.cfg.Env,
			Files: []uintptr{0, 1, 2},
			Sys: &syscall.SysProcAttr{
				// setsid makes the child leader of a new session and
				// process group, so one kill(-pid) reaches all of it.
				Setsid:  !s.cfg.SingleChild,
				Setctty: ctty,
				Ctty:    0,
			},
		}
		return execvp(s.cfg.Command, s.cfg.Env, cwd, func(path string, argv []string) (int, error) {
			return syscall.ForkExec(path, argv, attr)
		})
	}
	refusal = h.Refusal
	if h.ChildTakesTerminal {
		pid, err = attempt(true)
		if err != nil {
			// TIOCSCTTY failing is not fatal in the original; try
			// again without it (if the exec itself failed, it fails
			// again and that error is reported).
			if errno, ok := err.(syscall.Errno); ok {
				refusal = errno
			}
			pid, err = attempt(false)
		}
	} else {
		pid, err = attempt(false)
	}
	if err == nil && dir == "" {
		if cerr := unix.Chdir("/"); cerr != nil {
			s.log.Debugf("Unable to chdir(\"/\") (errno=%d %s)", int(cerr.(syscall.Errno)), cerr)
		}
	}
	return pid, refusal, err
}

func sameFile(a, b string) bool {
	var sa, sb unix.Stat_t
	return unix.Stat(a, &sa) == nil && unix.Stat(b, &sb) == nil && sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

// loop handles signals until the direct child has been reaped.
func (s *supervisor) loop() int {
	// A SIGCHLD for a child that exited before the loop started is already
	// waiting in the channel; nothing to do up front.
	for {
		select {
		case <-s.sigs.child:
			s.log.Debugf("Received signal %d.", int(syscall.SIGCHLD))
			if status, done := s.reap(); done {
				return status
			}
		case sig := <-s.sigs.forward:
			s.handle(sig.(syscall.Signal))
		}
	}
}

func (s *supervisor) handle(sig syscall.Signal) {
	s.log.Debugf("Received signal %d.", int(sig))
	if s.ignoreOnce[sig] {
		s.ignoreOnce[sig] = false
		s.log.Debugf("Ignoring tty hand-off signal %d.", int(sig))
		return
	}
	s.forward(sig, s.log)
	switch sig {
	case syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN:
		// Catching these signals disabled their default action (stop),
		// so stop ourselves: the shell that sent them sees its job
		// stop, and its SIGCONT resumes us (and is forwarded).
		s.log.Debugf("Suspending self due to TTY signal.")
		_ = unix.Kill(unix.Getpid(), unix.SIGSTOP)
	}
}

// forward sends sig, after rewriting, to the child's process group (setsid
// mode) or the child alone, logging to log.
func (s *supervisor) forward(sig syscall.Signal, log *diag.Log) {
	to, rewritten := s.cfg.Rewrite.Translate(sig)
	if rewritten {
		log.Debugf("Translating signal %d to %d.", int(sig), int(to))
	}
	if to == 0 {
		log.Debugf("Not forwarding signal %d to children (ignored).", int(sig))
		return
	}
	target := s.child
	if !s.cfg.SingleChild {
		target = -s.child
	}
	_ = unix.Kill(target, to)
	log.Debugf("Forwarded signal %d to children.", int(to))
}

// reap collects every child that has exited. When the direct child is among
// them it returns its status and done.
func (s *supervisor) reap() (status int, done bool) {
	// Look at the direct child without collecting it. While it is a
	// zombie its pid, and so its process group id, cannot be reused: the
	// closing SIGTERM to the group can only reach what was ours.
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, s.child, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	if err == nil && info.Signo == int32(syscall.SIGCHLD) {
		// The lines about the closing SIGTERM are held back so that the
		// log reads in the original's order (reaped, then forwarded),
		// although the signal had to go first.
		var held strings.Builder
		term := &diag.Log{W: &held, Debug: s.log.Debug}
		if !s.cfg.SingleChild {
			s.forward(syscall.SIGTERM, term)
		} else {
			// The original sends SIGTERM to the dead child's pid here;
			// the pid may already belong to someone else, so we don't,
			// but keep its log line for those who parse it.
			term.Debugf("Forwarded signal %d to children.", int(syscall.SIGTERM))
		}
		status := s.collect(s.child)
		s.log.Plain(held.String())
		s.log.Debugf("Child exited with status %d. Goodbye.", status)
		return status, true
	}
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return 0, false
		}
		status := s.describe(pid, ws)
		if pid == s.child {
			// Exited between the look above and this wait.
			if !s.cfg.SingleChild {
				s.forward(syscall.SIGTERM, s.log)
			} else {
				s.log.Debugf("Forwarded signal %d to children.", int(syscall.SIGTERM))
			}
			s.log.Debugf("Child exited with status %d. Goodbye.", status)
			return status, true
		}
	}
}

// collect reaps pid, which is known to have exited, and returns its status.
func (s *supervisor) collect(pid int) int {
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || got != pid {
			// Cannot happen while we are the only waiter; report a
			// failure rather than success.
			s.log.Errorf("lost the exit status of PID %d: %s", pid, err)
			return 1
		}
		return s.describe(pid, ws)
	}
}

// describe logs a reaped process and returns its shell-style status.
func (s *supervisor) describe(pid int, ws unix.WaitStatus) int {
	if ws.Signaled() {
		sig := int(ws.Signal())
		s.log.Debugf("A child with PID %d was terminated by signal %d.", pid, sig)
		return 128 + sig
	}
	status := ws.ExitStatus()
	s.log.Debugf("A child with PID %d exited with exit status %d.", pid, status)
	return status
}
