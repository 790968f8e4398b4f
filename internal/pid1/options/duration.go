package options

import (
	"strconv"

	"github.com/dumb-init/dumb-init/internal/pid1/clock"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
)

// MaxDuration bounds every duration option: a day is far beyond any stop
// timeout an orchestrator allows, and the bound keeps arithmetic on
// deadlines clear of overflow.
const MaxDuration = 24 * clock.Hour

// DurationError describes a malformed duration.
type DurationError struct{ Spec string }

func (e *DurationError) Error() string {
	return "invalid duration '" + signals.Printable(e.Spec) + "': expected e.g. 10s, 500ms, 1m30s or 2.5s (a plain number means seconds), at most 24h"
}

// ParseDuration reads a duration the way users write them in manifests: a
// sequence of decimal numbers, each with a unit (ms, s, m, h), like "1m30s",
// "500ms" or "2.5s"; a plain number is seconds ("15"). Negative, empty and
// longer-than-a-day values are refused.
func ParseDuration(spec string) (clock.Duration, error) {
	fail := func() (clock.Duration, error) { return 0, &DurationError{spec} }
	if spec == "" {
		return fail()
	}
	var total clock.Duration
	s := spec
	for s != "" {
		// Whole part, then an optional fraction.
		i := 0
		var whole int64
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			whole = whole*10 + int64(s[i]-'0')
			if whole > int64(MaxDuration/clock.Millisecond) {
				return fail()
			}
			i++
		}
		digits := i
		var frac, scale int64 = 0, 1
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				if scale < 1e9 {
					frac = frac*10 + int64(s[i]-'0')
					scale *= 10
				}
				digits++
				i++
			}
		}
		if digits == 0 {
			return fail()
		}
		j := i
		for j < len(s) && (s[j] < '0' || s[j] > '9') && s[j] != '.' {
			j++
		}
		var unit clock.Duration
		switch s[i:j] {
		case "ms":
			unit = clock.Millisecond
		case "s":
			unit = clock.Second
		case "m":
			unit = clock.Minute
		case "h":
			unit = clock.Hour
		case "":
			// A bare number is seconds, but only on its own: "1m30"
			// is more likely a typo than a meaning.
			if i != len(spec) || total != 0 {
				return fail()
			}
			unit = clock.Second
		default:
			return fail()
		}
		if whole > int64(MaxDuration/unit) {
			return fail()
		}
		// frac/scale of a unit, computed so that nothing overflows:
		// frac < scale <= 1e9 and unit%scale < 1e9.
		sc := clock.Duration(scale)
		part := unit/sc*clock.Duration(frac) + unit%sc*clock.Duration(frac)/sc
		total += clock.Duration(whole)*unit + part
		if total > MaxDuration {
			return fail()
		}
		s = s[j:]
	}
	return total, nil
}

// FormatDuration renders d so that ParseDuration reads it back exactly.
func FormatDuration(d clock.Duration) string {
	if d%clock.Second == 0 {
		return strconv.Itoa(int(d/clock.Second)) + "s"
	}
	if d%clock.Millisecond == 0 {
		return strconv.Itoa(int(d/clock.Millisecond)) + "ms"
	}
	s := strconv.Itoa(int(d/clock.Second)) + "."
	ns := strconv.Itoa(int(d % clock.Second))
	for len(ns) < 9 {
		ns = "0" + ns
	}
	return s + ns + "s"
}
