package preempt

import (
	"slices"
	"strings"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

func TestEffective(t *testing.T) {
	cases := []struct {
		linked bool
		env    []string
		want   bool
	}{
		{false, nil, false},
		{true, nil, true},
		{false, []string{"GODEBUG=asyncpreemptoff=1"}, true},
		{false, []string{"GODEBUG=x=1,asyncpreemptoff=1,y=2"}, true},
		{true, []string{"GODEBUG=asyncpreemptoff=0"}, false},
		{true, []string{"GODEBUG=asyncpreemptoff=1,asyncpreemptoff=0"}, false},
		{false, []string{"GODEBUG=asyncpreemptoff=0,asyncpreemptoff=1"}, true},
		{true, []string{"GODEBUG="}, true},
		// The first GODEBUG in the environment is the one the runtime reads.
		{false, []string{"GODEBUG=asyncpreemptoff=1", "GODEBUG=asyncpreemptoff=0"}, true},
	}
	defer func(v string) { disabledAtLink = v }(disabledAtLink)
	for _, c := range cases {
		disabledAtLink = ""
		if c.linked {
			disabledAtLink = "yes"
		}
		if got := effective(c.env); got != c.want {
			t.Errorf("linked=%v env=%q: effective %v, want %v", c.linked, c.env, got, c.want)
		}
	}
}

// The second run restores the caller's environment exactly, in order.
func TestEnsureRestoresEnvironment(t *testing.T) {
	cases := []struct{ reexeced, want []string }{
		{[]string{"A=1", "GODEBUG=asyncpreemptoff=1", "B=2", savedVar + "=-"}, []string{"A=1", "B=2"}},
		{[]string{"A=1", "GODEBUG=x=1,asyncpreemptoff=1", "B=2", savedVar + "=+x=1"}, []string{"A=1", "GODEBUG=x=1", "B=2"}},
		{[]string{"GODEBUG=,asyncpreemptoff=1", savedVar + "=+"}, []string{"GODEBUG="}},
	}
	for _, c := range cases {
		got, protected := Ensure([]string{"dumb-init"}, c.reexeced)
		if !slices.Equal(got, c.want) || !protected {
			t.Errorf("Ensure(%q) = %q, %v; want %q, true", c.reexeced, got, protected, c.want)
		}
	}
}

func TestEnsureWhenLinked(t *testing.T) {
	defer func(v string) { disabledAtLink = v }(disabledAtLink)
	disabledAtLink = "yes"
	env := []string{"A=1", "GODEBUG=madvdontneed=1"}
	got, protected := Ensure([]string{"dumb-init"}, env)
	if !slices.Equal(got, env) || !protected {
		t.Errorf("got %q %v", got, protected)
	}
}

// TestReexecMatchesReleaseDefaults ties the settings a plain build re-executes
// with to the runtime defaults the release builds link in: a plain build must
// run its second instance exactly as a release build runs. (The init may not
// import the release tooling, so the two strings live apart.)
func TestReexecMatchesReleaseDefaults(t *testing.T) {
	linked, ok := strings.CutPrefix(buildflags.RuntimeDefault, "-X=runtime.godebugDefault=")
	if !ok {
		t.Fatalf("buildflags.RuntimeDefault = %q, not a runtime.godebugDefault setting", buildflags.RuntimeDefault)
	}
	if reexec := setting + "=" + on + alsoOff; reexec != linked {
		t.Errorf("plain builds re-execute with GODEBUG=%s, release builds link in %s", reexec, linked)
	}
}
