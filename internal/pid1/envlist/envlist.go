// Package envlist reads and edits an environment held as "NAME=value"
// strings (os.Environ's form). The init never calls os.Getenv: the options
// are read from the environment it was given, the child gets exactly that
// environment (less what the init itself added for the Go runtime), and the
// command is looked up with the child's PATH, so every lookup goes through
// one slice and this one function.
package envlist

import "strings"

// Lookup returns the value of name in env. The first entry wins, as in
// libc's getenv and the Go runtime's GODEBUG reading.
func Lookup(env []string, name string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// Without returns a copy of env with every entry for name removed.
func Without(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != name {
			out = append(out, kv)
		}
	}
	return out
}

// Set returns a copy of env with name set to value: every entry for name
// changed where it stands (the order of the environment does not change),
// or one added at the end when there is none.
func Set(env []string, name, value string) []string {
	entry := name + "=" + value
	out := append(make([]string, 0, len(env)+1), env...)
	found := false
	for i, kv := range out {
		if k, _, _ := strings.Cut(kv, "="); k == name {
			out[i], found = entry, true
		}
	}
	if !found {
		out = append(out, entry)
	}
	return out
}
