// Package procfs reads the few facts the init needs about other processes
// from /proc: parent, process group, session and state (stat), and the
// command name (comm). It is the one parser of /proc/PID/stat in the
// repository; the tests and the benchmark tool use it too.
//
// Nothing here allocates per process: the init scans /proc while it drains
// (--grace, --wait-all) and must not grow with the number of processes.
package procfs

import (
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Stat is the part of /proc/PID/stat the init reads.
type Stat struct {
	Pid, PPid, PGrp, Session int
	// State is the one-letter state: 'R', 'S', 'T', 'Z', ...
	State byte
	// Comm is the command name, a slice of the buffer that was parsed:
	// valid until that buffer is reused.
	Comm []byte
}

// Dead reports whether the process has exited (a zombie waiting for its
// parent, or being reaped).
func (s Stat) Dead() bool { return s.State == 'Z' || s.State == 'X' }

// ParseStat parses the contents of a /proc/PID/stat file:
// "pid (comm) state ppid pgrp session ...". The command name may hold
// spaces and parentheses, so the fields are read after the last ')'.
// It reports false for anything that is not such a line.
func ParseStat(b []byte) (Stat, bool) {
	open, end := -1, -1
	for i, c := range b {
		if c == '(' && open < 0 {
			open = i
		}
		if c == ')' {
			end = i
		}
	}
	if open < 1 || end < open || end+3 > len(b) || b[end+1] != ' ' || b[open-1] != ' ' {
		return Stat{}, false
	}
	var st Stat
	var ok bool
	if st.Pid, ok = atoi(b[:open-1]); !ok {
		return Stat{}, false
	}
	st.Comm = b[open+1 : end]
	fields := b[end+2:]
	st.State = fields[0]
	if st.State == ' ' || st.State == '\n' {
		return Stat{}, false
	}
	// Then ppid, pgrp and session, each after one space.
	nums := [3]*int{&st.PPid, &st.PGrp, &st.Session}
	i := 1
	for _, dst := range nums {
		if i >= len(fields) || fields[i] != ' ' {
			return Stat{}, false
		}
		i++
		start := i
		for i < len(fields) && fields[i] != ' ' && fields[i] != '\n' {
			i++
		}
		if *dst, ok = atoi(fields[start:i]); !ok {
			return Stat{}, false
		}
	}
	return st, true
}

// Read reads and parses /proc/<pid>/stat into buf (512 bytes is enough:
// comm is at most 16 bytes, and only the first fields are needed).
func Read(pid int, buf []byte) (Stat, bool) {
	b, ok := readFile(pid, "/stat", buf)
	if !ok {
		return Stat{}, false
	}
	return ParseStat(b)
}

// Comm returns the command name of pid ("?" when it cannot be read). It
// works for a zombie, so the init reads it before reaping one.
func Comm(pid int) string {
	var buf [64]byte
	b, ok := readFile(pid, "/comm", buf[:])
	if !ok || len(b) == 0 {
		return "?"
	}
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// Scan calls fn for every process /proc lists. st.Comm is valid only
// during the call. It reports false when /proc cannot be read (not mounted
// in this mount namespace).
func Scan(fn func(st Stat)) bool {
	dir, err := unix.Open("/proc", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(dir)
	buf := make([]byte, 8192)
	stat := make([]byte, 512)
	for {
		n, err := unix.Getdents(dir, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		if n <= 0 {
			return true
		}
		for off := 0; off < n; {
			// struct linux_dirent64: d_ino u64, d_off s64, d_reclen
			// u16, d_type u8, d_name NUL-terminated.
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[off+16])))
			name := buf[off+19 : off+reclen]
			off += reclen
			pid, ok := atoi(cstring(name))
			if !ok {
				continue
			}
			// A process that exited since the listing is skipped.
			if st, ok := Read(pid, stat); ok {
				fn(st)
			}
		}
	}
}

func readFile(pid int, file string, buf []byte) ([]byte, bool) {
	path := make([]byte, 0, 32)
	path = append(path, "/proc/"...)
	path = strconv.AppendInt(path, int64(pid), 10)
	path = append(path, file...)
	fd, err := unix.Open(string(path), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	return buf[:n], n > 0
}

func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// atoi reads a non-negative decimal that fits a pid (pid_max is at most
// 2^22; nine digits leave room for pgrp and session, which are pids too).
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
