package supervisor

// defaultPath is glibc's search path for execvp when PATH is unset.
const defaultPath = "/bin:/usr/bin"

// shell runs files the kernel refuses with ENOEXEC (a script without a
// "#!" line), as execvp does (see spawn.go).
const shell = "/bin/sh"
