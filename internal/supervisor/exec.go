package supervisor

import (
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// defaultPath is glibc's search path for execvp when PATH is unset.
const defaultPath = "/bin:/usr/bin"

// shell runs files the kernel refuses with ENOEXEC (a script without a
// "#!" line), as execvp does.
const shell = "/bin/sh"

// starter starts one child with a resolved path; the supervisor passes a
// closure over ForkExec with its process attributes.
type starter func(path string, argv []string) (int, error)

// execvp starts argv[0] with the lookup rules of the C library's execvp:
// names containing a slash are used as they are; other names are searched in
// PATH (an empty entry means the current directory), skipping candidates that
// do not exist and remembering ones that exist but cannot be executed
// (EACCES); a file the kernel cannot execute (ENOEXEC) is run by /bin/sh. It
// returns the error execvp would leave in errno when nothing could be run.
//
// Candidates are looked at with fstatat relative to cwd (the caller's
// directory), so the search costs one fork only for a file that exists.
func execvp(argv []string, env []string, cwd int, start starter) (int, error) {
	name := argv[0]
	if name == "" {
		return 0, unix.ENOENT
	}
	if strings.Contains(name, "/") {
		return execOne(name, argv, start)
	}
	path, ok := getenv(env, "PATH")
	if !ok {
		path = defaultPath
	}
	var denied error
	for _, dir := range strings.Split(path, ":") {
		candidate := name
		if dir != "" {
			candidate = dir + "/" + name
		}
		var st unix.Stat_t
		if err := unix.Fstatat(cwd, candidate, &st, 0); err != nil {
			if err == unix.EACCES {
				denied = err
			}
			continue
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			denied = unix.EACCES
			continue
		}
		pid, err := execOne(candidate, argv, start)
		switch err {
		case nil:
			return pid, nil
		case unix.EACCES:
			denied = err
		case unix.ENOENT, unix.ENOTDIR, unix.ESTALE, unix.ENODEV, unix.ETIMEDOUT:
		default:
			return 0, err
		}
	}
	if denied != nil {
		return 0, denied
	}
	return 0, unix.ENOENT
}

// execOne starts path, falling back to /bin/sh for ENOEXEC.
func execOne(path string, argv []string, start starter) (int, error) {
	pid, err := start(path, argv)
	if err != syscall.ENOEXEC {
		return pid, err
	}
	shArgv := append([]string{shell, path}, argv[1:]...)
	return start(shell, shArgv)
}

func getenv(env []string, name string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}
