package supervisor

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/procfs"
)

// pollEvery is how often the init looks for remaining members of the
// child's group that are not its own children (and so send it no SIGCHLD)
// while it drains. Only a draining init polls; a running one never wakes
// up on its own.
const pollEvery = 50 * clock.Millisecond

// killWait bounds the wait for killed processes to disappear.
const killWait = 5 * clock.Second

// drain is what happens after the direct child has exited with --grace or
// --wait-all: the init stays, forwards signals to what is left, reaps, and
// exits with the child's status once nothing is left or, with --grace,
// kills what is left when the period ends.
type drain struct {
	active bool
	// deadline is when the grace period ends, then when the wait for the
	// killed processes ends (monotonic ns; 0: none).
	deadline int64
	// poll: look for remaining processes on every tick, because some
	// are not our children and send no SIGCHLD.
	poll bool
	// killed: the grace period is over and SIGKILL was sent.
	killed bool
	alarm  *clock.Alarm
}

// c is the alarm's channel, nil (never ready) until one is needed.
func (d *drain) c() chan struct{} {
	if d.alarm == nil {
		return nil
	}
	return d.alarm.C
}

func (d *drain) begin(s *supervisor) {
	d.active = true
	if s.cfg.Grace > 0 {
		s.log.Debugf("Child exited with status %d; giving the rest up to %d ms to exit.", s.status, int(s.cfg.Grace/clock.Millisecond))
		d.deadline = now() + int64(s.cfg.Grace)
	} else {
		s.log.Debugf("Child exited with status %d; waiting until no descendant is left.", s.status)
	}
	d.poll = !s.adopts && s.cfg.Policy.ownGroup()
	d.arm(s)
}

// arm sets the alarm for the next thing to do: the next poll or the
// deadline, whichever comes first.
func (d *drain) arm(s *supervisor) {
	if d.deadline == 0 && !d.poll {
		return
	}
	if d.alarm == nil {
		a, err := newAlarm()
		if err != nil {
			s.log.Errorf("Unable to create a timer: %s; not waiting for the rest.", err)
			d.active = false
			return
		}
		d.alarm = a
	}
	wait := clock.Duration(-1)
	if d.deadline != 0 {
		wait = clock.Duration(d.deadline - now())
		if wait <= 0 {
			wait = 1
		}
	}
	if d.poll && (wait < 0 || wait > pollEvery) {
		wait = pollEvery
	}
	d.alarm.Set(wait)
}

// woken handles the alarm: the deadline if it has come, and the next
// alarm.
func (d *drain) woken(s *supervisor) {
	if !d.active {
		return
	}
	if d.deadline != 0 && now() >= d.deadline {
		d.expire(s)
	}
	if d.active {
		d.arm(s)
	}
}

// step reports whether the init is done, and its exit status.
func (d *drain) step(s *supervisor) (bool, int) {
	if d.active {
		if d.killed {
			d.kill(s)
		}
		if d.remaining(s) {
			return false, 0
		}
		if d.alarm != nil {
			d.alarm.Set(0)
		}
		s.log.Debugf("Nothing is left. Goodbye.")
	}
	return true, s.exitStatus(s.status)
}

// remaining reports whether anything the init waits for is still alive:
// as PID 1 or subreaper any child of ours (every descendant whose parent
// died became one, so no children means no descendants); otherwise the
// members of the child's process group.
func (d *drain) remaining(s *supervisor) bool {
	if s.adopts {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
		return err != unix.ECHILD
	}
	if s.cfg.Policy.ownGroup() {
		return groupAlive(s.child)
	}
	return false
}

// expire handles the deadline: the end of the grace period, or the end of
// the wait after killing.
func (d *drain) expire(s *supervisor) {
	if d.killed {
		s.log.Errorf("Processes are still left %d ms after SIGKILL; exiting anyway.", int(killWait/clock.Millisecond))
		d.active = false
		return
	}
	s.log.Debugf("Grace period over; killing what is left.")
	d.killed = true
	d.deadline = now() + int64(killWait)
	// Processes forked while the kill goes out are caught by the
	// repeats on every poll.
	d.poll = true
	d.kill(s)
}

// kill sends SIGKILL to everything the init waits for. It is repeated on
// every step after the grace period, so processes forked in between are
// caught too.
func (d *drain) kill(s *supervisor) {
	if s.cfg.Policy.ownGroup() && groupAlive(s.child) {
		_ = unix.Kill(-s.child, unix.SIGKILL)
	}
	if !s.adopts {
		return
	}
	if unix.Getpid() == 1 {
		// PID 1 of a namespace: every other process in it is a
		// descendant, and kill(-1) reaches exactly those.
		_ = unix.Kill(-1, unix.SIGKILL)
		return
	}
	if pids, ok := descendants(unix.Getpid()); ok {
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	}
}

// forward sends sig to what is left after the child: its process group
// while a member lives (the group id cannot be reused while it has members),
// and with --wait-all every remaining child of the init.
func (d *drain) forward(s *supervisor, sig syscall.Signal) {
	if s.cfg.Policy.ownGroup() && groupAlive(s.child) {
		_ = unix.Kill(-s.child, sig)
	}
	if !s.cfg.WaitAll {
		return
	}
	self := unix.Getpid()
	procfs.Scan(func(p procfs.Stat) {
		if p.PPid == self && !p.Dead() && (!s.cfg.Policy.ownGroup() || p.PGrp != s.child) {
			_ = unix.Kill(p.Pid, sig)
		}
	})
}

// groupAlive reports whether a process group has a member that has not
// exited (zombies do not count: they are dead, waiting for a parent).
func groupAlive(pgid int) bool {
	alive := false
	if !procfs.Scan(func(p procfs.Stat) {
		if p.PGrp == pgid && !p.Dead() {
			alive = true
		}
	}) {
		return unix.Kill(-pgid, 0) == nil
	}
	return alive
}
