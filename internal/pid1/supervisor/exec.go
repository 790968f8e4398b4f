package supervisor

import (
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/envlist"
)

// defaultPath is glibc's search path for execvp when PATH is unset.
const defaultPath = "/bin:/usr/bin"

// shell runs files the kernel refuses with ENOEXEC (a script without a
// "#!" line), as execvp does (see spawn.go).
const shell = "/bin/sh"

// candidates lists the paths execvp tries for name, in order: name itself
// when it has a slash, else name in each directory of the PATH in env
// (defaultPath without one; an empty entry is the current directory). An
// empty name has none.
func candidates(name string, env []string) []string {
	switch {
	case name == "":
		return nil
	case strings.Contains(name, "/"):
		return []string{name}
	}
	dirs, ok := envlist.Lookup(env, "PATH")
	if !ok {
		dirs = defaultPath
	}
	var paths []string
	for more := true; more; {
		var dir string
		dir, dirs, more = strings.Cut(dirs, ":")
		path := name
		if dir != "" {
			path = dir + "/" + name
		}
		paths = append(paths, path)
	}
	return paths
}

// whyNotExecuted explains, for -v, the exec failures whose C library text
// misleads ("Permission denied" for a directory, "No such file or
// directory" for a script that exists but names a missing interpreter);
// "" when the text says it all. The 1.2.5 line, which scripts parse, is
// printed first either way.
func whyNotExecuted(name string, env []string, errno syscall.Errno) string {
	if name == "" {
		return "The command is empty (an empty first argument)."
	}
	// The file execvp would have run first, if one exists.
	path := ""
	var st unix.Stat_t
	for _, candidate := range candidates(name, env) {
		if unix.Stat(candidate, &st) == nil {
			path = candidate
			break
		}
	}
	if path == "" {
		return ""
	}
	switch {
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return path + " is a directory."
	case errno == syscall.EACCES && st.Mode&0o111 == 0:
		return path + " is not executable (no execute permission)."
	case errno != syscall.ENOENT:
		return ""
	}
	// The file is there, so what is missing is what the kernel needs to
	// run it: the interpreter its "#!" line names, or a dynamic
	// program's loader.
	var head [128]byte
	n := 0
	if fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
		n, _ = unix.Read(fd, head[:])
		unix.Close(fd)
	}
	if n > 2 && head[0] == '#' && head[1] == '!' {
		// The interpreter is the first word after "#!".
		i := 2
		for i < n && (head[i] == ' ' || head[i] == '\t') {
			i++
		}
		j := i
		for j < n && head[j] != ' ' && head[j] != '\t' && head[j] != '\n' {
			j++
		}
		return path + " exists, but the interpreter its #! line names (" + string(head[i:j]) + ") does not."
	}
	return path + " exists, but the program loader it needs (a dynamically linked program's interpreter) does not."
}
