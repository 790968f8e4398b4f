package supervisor

import (
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// proc is one process as /proc/<pid>/stat describes it.
type proc struct {
	pid, ppid, pgrp int
	zombie          bool
}

// scanProcs lists every process /proc shows. It is used only once the child
// has exited and remaining processes must be found (--grace, --wait-all),
// never on the path that forwards signals while the child runs. It reports
// false when /proc cannot be read (not mounted in this mount namespace).
func scanProcs(fn func(p proc)) bool {
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
			if p, ok := readStat(pid, stat); ok {
				fn(p)
			}
		}
	}
}

// readStat reads /proc/<pid>/stat: "pid (comm) state ppid pgrp ...". The
// command name may contain spaces and parentheses, so the fields are found
// after the last ')'.
func readStat(pid int, buf []byte) (proc, bool) {
	b, ok := readProcFile(pid, "/stat", buf)
	if !ok {
		return proc{}, false
	}
	end := -1
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ')' {
			end = i
			break
		}
	}
	if end < 0 || end+2 >= len(b) {
		return proc{}, false
	}
	fields := b[end+2:]
	p := proc{pid: pid, zombie: fields[0] == 'Z' || fields[0] == 'X'}
	var vals [2]int
	f := 0
	for i := 1; i < len(fields) && f < 3; i++ {
		if fields[i] == ' ' {
			f++
			continue
		}
		if f >= 1 && f <= 2 {
			vals[f-1] = vals[f-1]*10 + int(fields[i]-'0')
		}
	}
	p.ppid, p.pgrp = vals[0], vals[1]
	return p, true
}

// comm returns the command name of pid ("?" when it cannot be read). It
// works for a zombie, so it is read before the zombie is reaped.
func comm(pid int) string {
	var buf [64]byte
	b, ok := readProcFile(pid, "/comm", buf[:])
	if !ok || len(b) == 0 {
		return "?"
	}
	if b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return string(b)
}

func readProcFile(pid int, file string, buf []byte) ([]byte, bool) {
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

// descendants returns the live processes below root (root excluded),
// following parent links in one scan of /proc.
func descendants(root int) ([]int, bool) {
	var all []proc
	if !scanProcs(func(p proc) { all = append(all, p) }) {
		return nil, false
	}
	in := map[int]bool{root: true}
	// Parents are usually listed before their children, but not always
	// (pids wrap), so repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if !in[p.pid] && in[p.ppid] {
				in[p.pid] = true
				changed = true
			}
		}
	}
	var out []int
	for _, p := range all {
		if p.pid != root && in[p.pid] && !p.zombie {
			out = append(out, p.pid)
		}
	}
	return out, true
}
