package supervisor

import "strings"

// defaultPath is glibc's search path for execvp when PATH is unset.
const defaultPath = "/bin:/usr/bin"

// shell runs files the kernel refuses with ENOEXEC (a script without a
// "#!" line), as execvp does (see spawn.go).
const shell = "/bin/sh"

func getenv(env []string, name string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}
