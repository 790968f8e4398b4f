// Package tty owns the hand-off of the controlling terminal from the init to
// its child in setsid mode.
//
// The init gives up its controlling terminal (TIOCNOTTY on stdin) before it
// starts the child, so that the child, as leader of a new session, can make
// that terminal its own controlling terminal and run shells with job control.
// When the init was the leader of the terminal's session, the kernel answers
// TIOCNOTTY by sending SIGHUP and SIGCONT to the terminal's foreground process
// group, which is the init's own: those two must not be forwarded, or the
// child would die of a hangup it never had (upstream dumb-init #136).
package tty

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/diag"
)

// Handoff is what detaching decided.
type Handoff struct {
	// IgnoreHangup: the init was the session leader, so the first SIGHUP
	// and the first SIGCONT it receives come from the kernel, not a user.
	IgnoreHangup bool
	// ChildTakesTerminal: ask for TIOCSCTTY in the child.
	ChildTakesTerminal bool
	// Refusal is the errno the child's TIOCSCTTY fails with when
	// ChildTakesTerminal is false (0: not applicable).
	Refusal syscall.Errno
}

// Detach gives up stdin's controlling terminal and decides whether the child
// can take it over.
//
// Go's SysProcAttr.Setctty issues TIOCSCTTY with argument 1, which lets a
// process with CAP_SYS_ADMIN steal a terminal that is still the controlling
// terminal of another session, and it makes failure fatal to the spawn. The
// original asks with argument 0 and merely logs a failure. So the child asks
// only when argument 1 cannot steal: the terminal is known to be free, or the
// init lacks CAP_SYS_ADMIN (argument 1 then behaves as 0); and the caller
// spawns again without the request if it fails.
func Detach(log *diag.Log) Handoff {
	isTerminal := terminal(0)
	if errno := ioctl(0, unix.TIOCNOTTY); errno != 0 {
		log.Debugf("Unable to detach from controlling tty (errno=%d %s).", int(errno), diag.Strerror(errno))
		switch {
		case !isTerminal:
			return Handoff{Refusal: unix.ENOTTY}
		case privileged():
			// stdin is a terminal but not ours: it may belong to
			// another session, which argument 1 would steal.
			return Handoff{Refusal: unix.EPERM}
		}
		return Handoff{ChildTakesTerminal: true}
	}
	if sid, err := unix.Getsid(0); err == nil && sid == unix.Getpid() {
		log.Debugf("Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.")
		// Leaving the terminal as session leader cleared its session:
		// it is free for the child.
		return Handoff{IgnoreHangup: true, ChildTakesTerminal: true}
	}
	log.Debugf("Detached from controlling tty, but was not session leader.")
	// The terminal still belongs to the session we were part of;
	// TIOCSCTTY without stealing fails with EPERM.
	return Handoff{Refusal: unix.EPERM}
}

func terminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}

func ioctl(fd int, req uint) syscall.Errno {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), 0)
	return errno
}

// privileged reports whether the init holds CAP_SYS_ADMIN, with which
// TIOCSCTTY(1) steals terminals.
func privileged() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return true // unknown: assume the worst
	}
	return data[unix.CAP_SYS_ADMIN/32].Effective&(1<<(unix.CAP_SYS_ADMIN%32)) != 0
}

// Foreground makes process group pgid the foreground group of stdin's
// terminal, for tini's mode, where the child runs in a group of its own.
// It acts only when the init's own group is in the foreground: a
// background process asking would be sent SIGTTOU, which the init catches,
// and the ioctl would restart for ever. It reports whether it switched.
func Foreground(pgid int) bool {
	fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	if err != nil || fg != unix.Getpgrp() {
		return false
	}
	return unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, pgid) == nil
}
