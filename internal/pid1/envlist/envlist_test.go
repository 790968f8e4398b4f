package envlist

import (
	"slices"
	"testing"
)

func TestLookup(t *testing.T) {
	env := []string{"A=1", "PATH=/bin", "A=2", "EMPTY=", "NOEQUALS", "AB=3"}
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"A", "1", true}, // the first entry wins
		{"PATH", "/bin", true},
		{"EMPTY", "", true},
		{"NOEQUALS", "", false},
		{"AB", "3", true},
		{"B", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		if v, ok := Lookup(env, c.name); v != c.value || ok != c.ok {
			t.Errorf("Lookup(%q) = %q %v, want %q %v", c.name, v, ok, c.value, c.ok)
		}
	}
}

func TestWithoutAndSet(t *testing.T) {
	env := []string{"A=1", "GODEBUG=x=1", "B=2", "GODEBUG=y=2"}
	if got, want := Without(env, "GODEBUG"), []string{"A=1", "B=2"}; !slices.Equal(got, want) {
		t.Errorf("Without = %q, want %q", got, want)
	}
	if got, want := Set(env, "GODEBUG", "z=3"), []string{"A=1", "GODEBUG=z=3", "B=2", "GODEBUG=z=3"}; !slices.Equal(got, want) {
		t.Errorf("Set = %q, want %q", got, want)
	}
	if got, want := Set(env, "HOME", "/"), append(env[:len(env):len(env)], "HOME=/"); !slices.Equal(got, want) {
		t.Errorf("Set of a new name = %q, want %q", got, want)
	}
	if env[1] != "GODEBUG=x=1" {
		t.Error("the input was changed")
	}
}
