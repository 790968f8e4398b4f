package clock

import (
	"testing"
	"time"
)

func TestAlarm(t *testing.T) {
	a, err := NewAlarm()
	if err != nil {
		t.Fatal(err)
	}
	start := Now()
	a.Set(50 * Millisecond)
	select {
	case <-a.C:
		if d := Duration(Now() - start); d < 50*Millisecond {
			t.Errorf("fired after %d ns, before 50 ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("alarm never fired")
	}
	// Re-armed to a later time, then disarmed: nothing fires.
	a.Set(30 * Millisecond)
	a.Set(0)
	select {
	case <-a.C:
		t.Error("a disarmed alarm fired")
	case <-time.After(150 * time.Millisecond):
	}
	// Re-arming moves the expiry.
	start = Now()
	a.Set(Hour)
	a.Set(20 * Millisecond)
	select {
	case <-a.C:
		if d := Duration(Now() - start); d < 20*Millisecond || d > 2*Second {
			t.Errorf("fired after %d ns", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("re-armed alarm never fired")
	}
}

func TestUnits(t *testing.T) {
	if Hour != Duration(time.Hour) || Millisecond != Duration(time.Millisecond) || Minute != Duration(time.Minute) {
		t.Error("units differ from package time's")
	}
	a, b := Now(), Now()
	if b < a {
		t.Error("monotonic clock went back")
	}
}
