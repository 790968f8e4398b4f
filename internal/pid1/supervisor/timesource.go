package supervisor

import "github.com/dumb-init/dumb-init/internal/pid1/clock"

// timeSource is the supervisor's time: the monotonic clock and alarms.
// Everything that waits (--delay's holds, --grace's period, the drain's
// polls) reads it, so the in-process tests drive those waits with a clock
// of their own instead of sleeping.
type timeSource interface {
	now() int64
	newAlarm() (alarm, error)
}

// alarm is a settable alarm (see clock.Alarm).
type alarm interface {
	// c reports expiries; see clock.Alarm.C.
	c() chan struct{}
	// Set arms the alarm to go off after d; d <= 0 disarms it.
	Set(d clock.Duration)
}

// monotonic is the real time: CLOCK_MONOTONIC and timerfd alarms.
type monotonic struct{}

type timerfdAlarm struct{ *clock.Alarm }

func (a timerfdAlarm) c() chan struct{} { return a.C }

func (monotonic) now() int64 { return clock.Now() }

func (monotonic) newAlarm() (alarm, error) {
	a, err := clock.NewAlarm()
	if err != nil {
		return nil, err
	}
	return timerfdAlarm{a}, nil
}
