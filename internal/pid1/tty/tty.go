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
	"unsafe"

	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/diag"
)

// Detach gives up stdin's controlling terminal, so that the child, leader of
// a new session, can take it with TIOCSCTTY. It reports whether the init was
// the session leader: the kernel then sends it one SIGHUP and one SIGCONT,
// which the init must ignore (dumb-init issue #136).
func Detach(log *diag.Log) (ignoreHangup bool) {
	if errno := ioctl(0, unix.TIOCNOTTY); errno != 0 {
		log.Debugf("Unable to detach from controlling tty (errno=%d %s).", int(errno), diag.Strerror(errno))
		return false
	}
	if sid, err := unix.Getsid(0); err == nil && sid == unix.Getpid() {
		log.Debugf("Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.")
		return true
	}
	log.Debugf("Detached from controlling tty, but was not session leader.")
	return false
}

func ioctl(fd int, req uint) syscall.Errno {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), 0)
	return errno
}

// IsTerminal reports whether fd is a terminal: there a person reads the
// init's messages, and usage errors get a hint line that scripts, which
// read exact lines through pipes, never see.
func IsTerminal(fd int) bool {
	var size unix.Winsize
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCGWINSZ, uintptr(unsafe.Pointer(&size)))
	return errno == 0
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
