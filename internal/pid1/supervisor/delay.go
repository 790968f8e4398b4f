package supervisor

import (
	"syscall"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
)

// delayQueue holds signals for --delay. It uses an alarm (a timerfd, see
// package clock), never SIGALRM, which stays a signal like any other for the
// child. A signal that arrives again while held is counted and forwarded as
// many times as it arrived when the first one's delay ends: nothing is lost
// and nothing is added.
type delayQueue struct {
	after *[signals.NSig]clock.Duration
	due   [signals.NSig]int64
	count [signals.NSig]int
	alarm *clock.Alarm
}

// c is the alarm's channel, nil (never ready) until one is needed.
func (q *delayQueue) c() chan struct{} {
	if q.alarm == nil {
		return nil
	}
	return q.alarm.C
}

// init prepares the queue; the alarm is created when first needed.
func (q *delayQueue) init(after *[signals.NSig]clock.Duration) { q.after = after }

// hold takes sig if it is to be delayed.
func (q *delayQueue) hold(s *supervisor, sig syscall.Signal) bool {
	if q.after == nil || sig <= 0 || sig >= signals.NSig || q.after[sig] <= 0 {
		return false
	}
	if q.alarm == nil {
		a, err := newAlarm()
		if err != nil {
			// Without a timer, forwarding at once beats losing
			// the signal.
			s.log.Errorf("Unable to create a timer for --delay: %s; forwarding signal %d at once.", err, int(sig))
			return false
		}
		q.alarm = a
	}
	if q.count[sig] == 0 {
		q.due[sig] = now() + int64(q.after[sig])
		s.log.Debugf("Holding signal %d for %d ms before forwarding it.", int(sig), int(q.after[sig]/clock.Millisecond))
	} else {
		s.log.Debugf("Signal %d is already held; it will be forwarded once more when the delay ends.", int(sig))
	}
	q.count[sig]++
	q.arm()
	return true
}

// expired forwards every held signal whose delay has ended.
func (q *delayQueue) expired(s *supervisor) {
	t := now()
	for sig := range q.count {
		n := q.count[sig]
		if n == 0 || q.due[sig] > t {
			continue
		}
		q.count[sig] = 0
		s.log.Debugf("Delay of signal %d is over.", sig)
		for ; n > 0; n-- {
			s.deliver(syscall.Signal(sig))
		}
	}
	q.arm()
}

// arm sets the alarm for the earliest held signal, or disarms it.
func (q *delayQueue) arm() {
	var next int64
	for sig, n := range q.count {
		if n > 0 && (next == 0 || q.due[sig] < next) {
			next = q.due[sig]
		}
	}
	if next == 0 {
		q.alarm.Set(0)
		return
	}
	wait := clock.Duration(next - now())
	if wait <= 0 {
		wait = 1 // due already: as soon as possible (0 would disarm)
	}
	q.alarm.Set(wait)
}
