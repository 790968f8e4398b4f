package supervisor

import "github.com/dumb-init/dumb-init/internal/pid1/clock"

// The supervisor's time: the monotonic clock and alarms. Everything that
// waits (--delay's holds, --grace's period, the drain's polls) goes through
// these two, so the in-process tests can drive those waits with a clock of
// their own (clock.NewAlarmFunc) instead of sleeping. Function values, not
// an interface: the init pays a few bytes for the seam, not a page.
var (
	now      = clock.Now
	newAlarm = clock.NewAlarm
)
