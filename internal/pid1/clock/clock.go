// Package clock owns time for the init: durations, the monotonic clock and
// alarms. It exists so that the init never imports package time: that
// package's initialization (GODEBUG settings) and, through time.Timer's
// channel of time.Time, its formatting and time-zone code add about
// 100 KiB to a binary that ships in millions of images, for three timers.
//
// An Alarm is a timerfd read through the runtime's network poller, so a
// waiting alarm costs no thread and no wakeup, and it can be re-armed or
// disarmed at any time.
package clock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Duration is a length of time in nanoseconds, like time.Duration.
type Duration int64

// Units of Duration.
const (
	Nanosecond  Duration = 1
	Millisecond          = 1000 * 1000 * Nanosecond
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
)

// Now is the monotonic clock in nanoseconds (CLOCK_MONOTONIC: it does not
// jump when the wall clock is set).
func Now() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// Alarm signals C when the time it was set for has come. An expiry is
// reported at most once; C has room for one, so expiries are never lost and
// a reader that was busy sees one. After Set a stale expiry of the previous
// setting can still be in C: users check the time themselves (Now).
type Alarm struct {
	C    chan struct{}
	file *os.File
	// fd is the timerfd. It is kept apart because os.File.Fd would put
	// the descriptor back into blocking mode and take it off the poller.
	fd int
	// set replaces the timer in an alarm made by NewAlarmFunc.
	set func(Duration)
}

// NewAlarmFunc returns an alarm with no timer: Set calls set, and whoever
// keeps the time sends on C when the alarm is due. It is for a clock of the
// caller's own (the supervisor's in-process tests); the init never calls it.
func NewAlarmFunc(set func(Duration)) *Alarm {
	return &Alarm{C: make(chan struct{}, 1), set: set}
}

// NewAlarm creates a disarmed alarm.
func NewAlarm() (*Alarm, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	// A non-blocking descriptor makes os.NewFile register it with the
	// runtime poller: Read parks the goroutine, not a thread.
	a := &Alarm{C: make(chan struct{}, 1), file: os.NewFile(uintptr(fd), "timerfd"), fd: fd}
	go a.wait()
	return a, nil
}

func (a *Alarm) wait() {
	var buf [8]byte
	for {
		if _, err := a.file.Read(buf[:]); err != nil {
			return
		}
		select {
		case a.C <- struct{}{}:
		default:
		}
	}
}

// Set arms the alarm to go off after d (d <= 0 disarms it).
func (a *Alarm) Set(d Duration) {
	if a.set != nil {
		a.set(d)
		return
	}
	var spec unix.ItimerSpec
	if d > 0 {
		spec.Value = unix.NsecToTimespec(int64(d))
	}
	_ = unix.TimerfdSettime(a.fd, 0, &spec, nil)
}
