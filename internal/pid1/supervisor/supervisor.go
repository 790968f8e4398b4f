// Package supervisor owns the life of the child: it catches signals, starts
// the child (setsid, terminal hand-off, execvp), forwards what it receives
// after rewriting, handles job-control stops, reaps every zombie that becomes
// its child, and returns the exit status the init must exit with.
//
// It is the only owner of wait: nothing else in the process may call wait4
// or os/exec's Wait, or the two would steal each other's statuses.
package supervisor

import (
	"runtime"
	"syscall"

	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/account"
	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/diag"
	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
	"github.com/dumb-init/dumb-init/internal/pid1/tty"
)

// Exit statuses of the init itself (the child's own status otherwise).
const (
	// ExitUsage: bad command line, or no child process could be created.
	ExitUsage = 1
	// ExitExec: the command could not be executed.
	ExitExec = 2
)

// Config is what the supervisor needs from the options.
type Config struct {
	Command []string
	// Env is the child's environment.
	Env     []string
	Rewrite *signals.Table
	Log     *diag.Log
	// Policy holds what the mode decides.
	Policy Policy

	// The extensions; their zero values keep dumb-init 1.2.5's behaviour.

	// Grace: how long remaining processes get once the child has exited
	// before they are killed.
	Grace clock.Duration
	// WaitAll: stay until no descendant is left.
	WaitAll bool
	// Delay holds received signals before they are forwarded (nil: no
	// delays).
	Delay *[signals.NSig]clock.Duration
	// ExitStatus maps the child's status to the init's (nil: unchanged).
	ExitStatus func(int) int
	// Pdeathsig is asked for with PR_SET_PDEATHSIG.
	Pdeathsig syscall.Signal
	// Pause: start nothing; reap until SIGINT or SIGTERM.
	Pause bool
	// User: the credentials the command runs with (nil: the init's);
	// NoNewPrivs: PR_SET_NO_NEW_PRIVS for the command.
	User       *account.Credentials
	NoNewPrivs bool
}

type supervisor struct {
	cfg   Config
	log   *diag.Log
	sigs  *Signals
	child int
	// adopts: orphans become our children (PID 1 or subreaper).
	adopts bool
	// ignoreOnce marks the SIGHUP and SIGCONT the kernel sends when the
	// init gives up its terminal as session leader.
	ignoreOnce [signals.NSig]bool

	// childDone and status: the direct child has been reaped and left
	// status.
	childDone bool
	status    int

	delays delayQueue
	drain  drain
}

// Run starts the command and supervises it until it exits, returning the
// status the init must exit with.
func Run(cfg Config, sigs *Signals) int {
	s := &supervisor{cfg: cfg, log: cfg.Log, sigs: sigs}
	if s.cfg.Rewrite == nil {
		s.cfg.Rewrite = new(signals.Table)
	}
	s.adopts = unix.Getpid() == 1
	if s.cfg.Policy.Subreaper && !s.adopts {
		// Before the child exists, so that every orphan of its subtree,
		// from the first, is re-parented to us.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			s.log.Errorf("Unable to register as child subreaper: %s", err)
		} else {
			s.adopts = true
			s.log.Debugf("Registered as child subreaper.")
		}
	}
	if s.cfg.Policy.WarnNotReaper && !s.adopts {
		s.log.Errorf("warning: not PID 1 and not a child subreaper, so orphans of the command are not ours to reap (use -s or TINI_SUBREAPER).")
	}
	if cfg.Pdeathsig != 0 {
		s.askParentDeathSignal(cfg.Pdeathsig)
	}
	if cfg.Delay != nil {
		s.delays.init(cfg.Delay)
	}
	if cfg.Pause {
		return s.pause()
	}

	if s.cfg.Policy.NewSession {
		// Detach before starting the child: the child's TIOCSCTTY needs
		// the terminal to have no session, and the SIGHUP/SIGCONT this
		// may cause must reach the init before there is anyone to
		// forward them to.
		ignore := tty.Detach(s.log)
		s.ignoreOnce[syscall.SIGHUP] = ignore
		s.ignoreOnce[syscall.SIGCONT] = ignore
	}

	pid, refusal, err := s.start()
	if ue, ok := err.(*UserError); ok {
		s.log.Errorf("Unable to run the command as the user asked for (%s): %s", ue.Op, ue.Errno)
		return ExitUsage
	}
	if err != nil {
		errno := diag.Errno(err)
		if errno == syscall.EAGAIN || errno == syscall.ENOMEM {
			s.log.Errorf("Unable to fork: %s. Exiting.", errno)
			return ExitUsage
		}
		s.log.Errorf("%s: %s", cfg.Command[0], errno)
		if s.log.Debug {
			if why := whyNotExecuted(cfg.Command[0], cfg.Env, errno); why != "" {
				s.log.Debugf("%s", why)
			}
		}
		if s.cfg.Policy.ShellExecStatuses {
			// The shell's codes for a command that is not there or
			// cannot be run.
			switch errno {
			case syscall.ENOENT:
				return 127
			case syscall.EACCES:
				return 126
			}
			return 1
		}
		return ExitExec
	}
	s.child = pid
	s.log.Debugf("Child spawned with PID %d.", pid)
	if s.cfg.Policy.ForegroundChild {
		s.takeForeground()
	}
	if s.cfg.Policy.NewSession {
		if refusal != 0 {
			s.log.Debugf("Unable to attach to controlling tty (errno=%d %s).", int(refusal), refusal)
		}
		s.log.Debugf("setsid complete.")
	}
	return s.loop()
}

// askParentDeathSignal asks the kernel for sig when our parent dies. The
// setting belongs to the calling thread and the kernel checks it on every
// thread of the process when the parent goes, so the goroutine is locked to
// its thread for good: the thread then outlives every use of the setting.
// A parent that died before the request is caught by comparing the parent
// pid afterwards.
func (s *supervisor) askParentDeathSignal(sig syscall.Signal) {
	runtime.LockOSThread()
	parent := unix.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(sig), 0, 0, 0); err != nil {
		s.log.Errorf("Unable to set the parent-death signal: %s", err)
		return
	}
	s.log.Debugf("Parent-death signal set to %d.", int(sig))
	if unix.Getppid() != parent {
		_ = unix.Kill(unix.Getpid(), sig)
	}
}

// takeForeground gives the terminal to the child's group, and wakes the
// child if it touched the terminal before it had it (it was stopped by
// SIGTTIN or SIGTTOU in that instant).
func (s *supervisor) takeForeground() {
	if !tty.Foreground(s.child) {
		return
	}
	s.log.Debugf("Gave the terminal's foreground to process group %d.", s.child)
	var info unix.Siginfo
	if unix.Waitid(unix.P_PID, s.child, &info, unix.WSTOPPED|unix.WNOHANG|unix.WNOWAIT, nil) == nil &&
		info.Signo == int32(syscall.SIGCHLD) {
		_ = unix.Kill(-s.child, unix.SIGCONT)
	}
}

// start starts the child in the caller's directory, then (once it runs)
// changes to "/", so that the init keeps no mount busy: the child is a
// separate process from the fork on, and its working directory is its own.
func (s *supervisor) start() (pid int, refusal syscall.Errno, err error) {
	pid, refusal, err = spawn(s.cfg.Command, s.cfg.Env, spawnAttr{
		// setsid makes the child leader of a new session and process
		// group, so one kill(-pid) reaches all of it.
		setsid:       s.cfg.Policy.NewSession,
		takeTerminal: s.cfg.Policy.NewSession,
		// A process group of its own, in the init's session.
		setpgid:    s.cfg.Policy.NewProcessGroup,
		user:       s.cfg.User,
		noNewPrivs: s.cfg.NoNewPrivs,
	})
	if err != nil {
		// Nothing runs and the init exits: it stays where it was, so
		// that an explanation of the failure (-v) sees the command's
		// path as the caller meant it.
		return pid, refusal, err
	}
	if cerr := unix.Chdir("/"); cerr != nil {
		s.log.Debugf("Unable to chdir(\"/\") (errno=%d %s)", int(diag.Errno(cerr)), cerr)
	}
	return pid, refusal, nil
}

// loop handles signals until the direct child has been reaped (and, with
// --grace or --wait-all, until what it left behind is gone).
func (s *supervisor) loop() int {
	// A SIGCHLD for a child that exited before the loop started is already
	// waiting in the channel; nothing to do up front.
	for {
		select {
		case <-s.sigs.child:
			s.log.Debugf("Received signal %d.", int(syscall.SIGCHLD))
			s.reap()
		case sig := <-s.sigs.forward:
			s.handle(sig.(syscall.Signal))
		case sig := <-s.sigs.held:
			s.handle(sig)
		case <-s.delays.c():
			s.delays.expired(s)
		case <-s.drain.c():
			s.drain.woken(s)
		}
		if s.childDone {
			if done, status := s.drain.step(s); done {
				return status
			}
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
	if s.cfg.Policy.DropTerminalIOStops && (sig == syscall.SIGTTIN || sig == syscall.SIGTTOU) {
		s.log.Debugf("Not forwarding signal %d to children (ignored).", int(sig))
		return
	}
	if s.delays.hold(s, sig) {
		return
	}
	s.deliver(sig)
}

// deliver forwards sig now and applies the job-control stop.
func (s *supervisor) deliver(sig syscall.Signal) {
	s.forward(sig, s.log)
	switch sig {
	case syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN:
		if !s.cfg.Policy.StopSelfOnJobControl {
			return
		}
		// Catching these signals disabled their default action (stop),
		// so stop ourselves: the shell that sent them sees its job
		// stop, and its SIGCONT resumes us (and is forwarded).
		s.log.Debugf("Suspending self due to TTY signal.")
		_ = unix.Kill(unix.Getpid(), unix.SIGSTOP)
	}
}

// forward sends sig, after rewriting, to the child's process group (setsid
// mode) or the child alone, logging to log. Once the child has been reaped
// (while draining) it goes to what is left: the child's group and, with
// --wait-all, every remaining child of the init.
func (s *supervisor) forward(sig syscall.Signal, log *diag.Log) {
	to, rewritten := s.cfg.Rewrite.Translate(sig)
	if rewritten {
		log.Debugf("Translating signal %d to %d.", int(sig), int(to))
	}
	if to == 0 {
		log.Debugf("Not forwarding signal %d to children (ignored).", int(sig))
		return
	}
	if s.child <= 0 {
		// Never kill(0) or kill(-1) by accident.
		return
	}
	if s.childDone {
		s.drain.forward(s, to)
		log.Debugf("Forwarded signal %d to children.", int(to))
		return
	}
	target := s.child
	if s.cfg.Policy.SignalGroup {
		target = -s.child
	}
	_ = unix.Kill(target, to)
	log.Debugf("Forwarded signal %d to children.", int(to))
}

// reap collects every child that has exited. When the direct child is among
// them it records its status in s.status and sets s.childDone.
func (s *supervisor) reap() {
	if !s.childDone && s.child > 0 {
		// Look at the direct child without collecting it. While it is
		// a zombie its pid, and so its process group id, cannot be
		// reused: the closing SIGTERM to the group can only reach what
		// was ours.
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, s.child, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
		if err == nil && info.Signo == int32(syscall.SIGCHLD) {
			// The lines about the closing SIGTERM are held back so
			// that the log reads in the original's order (reaped,
			// then forwarded), although the signal had to go first.
			var held heldLines
			term := &diag.Log{W: &held, Debug: s.log.Debug}
			s.closeChild(term)
			status := s.collect(s.child)
			s.log.Plain(string(held))
			s.childExited(status)
		}
	}
	// Orphans are looked at before they are collected only when their
	// name is to be logged (the name goes with the zombie).
	named := s.log.Debug || s.cfg.Policy.WarnReaped
	for {
		if s.childDone && !s.drain.active && !s.cfg.Pause {
			// As the original: exit as soon as the child is reaped.
			return
		}
		var ws unix.WaitStatus
		var pid int
		var err error
		name := ""
		if named {
			var info unix.Siginfo
			if err = unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil); err == nil {
				p := siginfoPid(&info)
				if p <= 0 {
					return
				}
				if p != s.child {
					name = procfs.Comm(p)
				}
				pid, err = unix.Wait4(p, &ws, unix.WNOHANG, nil)
			}
		} else {
			pid, err = unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		}
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		status := s.describe(pid, ws)
		if pid == s.child && !s.childDone {
			// Exited between the look above and this wait.
			s.closeChild(s.log)
			s.childExited(status)
			continue
		}
		if named {
			s.log.Debugf("Reaped orphan PID %d (%s), status %d.", pid, name, status)
			if s.cfg.Policy.WarnReaped {
				s.log.Errorf("warning: reaped zombie PID %d (%s).", pid, name)
			}
		}
	}
}

// heldLines collects log lines to write later.
type heldLines []byte

func (h *heldLines) Write(p []byte) (int, error) {
	*h = append(*h, p...)
	return len(p), nil
}

// closeChild sends the closing SIGTERM (or keeps the original's line about
// it) when the direct child has exited.
func (s *supervisor) closeChild(log *diag.Log) {
	switch {
	case s.cfg.Policy.ClosingTerm:
		s.forward(syscall.SIGTERM, log)
	case s.cfg.Policy.ClosingTermLineOnly:
		log.Debugf("Forwarded signal %d to children.", int(syscall.SIGTERM))
	}
}

func (s *supervisor) childExited(status int) {
	s.childDone, s.status = true, status
	if s.cfg.Grace <= 0 && !s.cfg.WaitAll {
		s.log.Debugf("Child exited with status %d. Goodbye.", status)
		return
	}
	s.drain.begin(s)
}

// exitStatus is the status the init exits with for the child's status.
func (s *supervisor) exitStatus(status int) int {
	if s.cfg.ExitStatus != nil {
		if to := s.cfg.ExitStatus(status); to != status {
			s.log.Debugf("Remapping exit status %d to %d.", status, to)
			return to
		}
	}
	return status
}

// siginfoPid reads si_pid from a SIGCHLD siginfo: the first field of the
// union, which follows three ints and is aligned like a pointer.
func siginfoPid(info *unix.Siginfo) int {
	const align = unsafe.Sizeof(uintptr(0))
	off := (3*unsafe.Sizeof(int32(0)) + align - 1) &^ (align - 1)
	return int(*(*int32)(unsafe.Add(unsafe.Pointer(info), off)))
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
