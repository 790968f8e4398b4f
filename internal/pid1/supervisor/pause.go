package supervisor

import "syscall"

// pause is --pause: no command, only reaping, until SIGINT or SIGTERM ends
// the init with status 0 (the pod sandbox's infrastructure process). Every
// other signal is received and ignored.
func (s *supervisor) pause() int {
	s.childDone = true // there is no child; everything reaped is an orphan
	s.log.Debugf("Pausing: reaping orphans until SIGINT or SIGTERM.")
	for {
		select {
		case <-s.sigs.child:
			s.log.Debugf("Received signal %d.", int(syscall.SIGCHLD))
			s.reap()
		case got := <-s.sigs.forward:
			sig := got.(syscall.Signal)
			if s.paused(sig) {
				return 0
			}
		case sig := <-s.sigs.held:
			if s.paused(sig) {
				return 0
			}
		}
	}
}

// paused handles a signal received while pausing and reports whether it
// ends the pause.
func (s *supervisor) paused(sig syscall.Signal) bool {
	s.log.Debugf("Received signal %d.", int(sig))
	if sig != syscall.SIGINT && sig != syscall.SIGTERM {
		return false
	}
	s.reap()
	s.log.Debugf("Goodbye.")
	return true
}
