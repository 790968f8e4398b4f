// Package account resolves --user USER[:GROUP] the way gosu and su-exec do,
// against the container's own /etc/passwd and /etc/group: the binary is
// static, so there is no libc name service, and the files of the image are
// the truth. It only reads and parses; the switch itself happens in the
// child between fork and exec (internal/pid1/supervisor).
package account

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/diag"
)

// The account files read, in the init's root.
const (
	PasswdFile = "/etc/passwd"
	GroupFile  = "/etc/group"
)

// Credentials are what the command runs as.
type Credentials struct {
	Uid, Gid uint32
	// Groups are the supplementary groups, the primary one first.
	Groups []uint32
	// Home is the user's home directory ("/" without an entry), for HOME.
	Home string
}

// Error says why a --user value was refused.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// CheckSyntax refuses what can never resolve: an empty user or group, or
// more than one ':'.
func CheckSyntax(spec string) error {
	user, group, hasGroup := strings.Cut(spec, ":")
	if user == "" || (hasGroup && (group == "" || strings.Contains(group, ":"))) {
		return &Error{"expected USER or USER:GROUP, each a name or a numeric id"}
	}
	return nil
}

// Resolve turns spec into credentials, reading the account files with
// readFile. A numeric user needs no entry (as under Docker's --user: its
// group is then 0 unless one is given); a name must have one. Without a
// GROUP, the groups are the user's primary group and every group that
// lists the user as a member (initgroups); with one, that group alone.
func Resolve(spec string, readFile func(path string) (string, error)) (Credentials, error) {
	if err := CheckSyntax(spec); err != nil {
		return Credentials{}, err
	}
	user, group, hasGroup := strings.Cut(spec, ":")
	c := Credentials{Home: "/"}
	uid, numeric := id(user)
	name := ""
	passwd, perr := readFile(PasswdFile)
	// name:password:uid:gid:gecos:home:shell
	for rest := passwd; rest != "" && name == ""; {
		var f [7]string
		if n := fields(&rest, f[:]); n < 7 {
			continue
		}
		u, ok := id(f[2])
		if ok && (numeric && u == uid || !numeric && f[0] == user) {
			name, uid = f[0], u
			c.Gid, _ = id(f[3])
			if f[5] != "" {
				c.Home = f[5]
			}
		}
	}
	if !numeric && name == "" {
		why := "no user '" + user + "' in " + PasswdFile
		if perr != nil {
			why = "no user '" + user + "': " + PasswdFile + ": " + diag.ErrorText(perr)
		}
		return Credentials{}, &Error{why}
	}
	c.Uid = uid
	groups, _ := readFile(GroupFile)
	gid, gidOK := id(group)
	c.Groups = []uint32{c.Gid}
	// name:password:gid:members
	for rest := groups; rest != "" && (hasGroup && !gidOK || !hasGroup && name != ""); {
		var f [4]string
		n := fields(&rest, f[:])
		g, ok := id(f[2])
		switch {
		case n < 3 || !ok:
		case hasGroup:
			if f[0] == group {
				gid, gidOK = g, true
			}
		case g != c.Gid && n == 4 && member(f[3], name):
			c.Groups = append(c.Groups, g)
		}
	}
	if hasGroup {
		if !gidOK {
			return Credentials{}, &Error{"no group '" + group + "' in " + GroupFile}
		}
		c.Gid, c.Groups = gid, []uint32{gid}
	}
	return c, nil
}

// member reports whether name is in a group's comma-separated member list.
func member(list, name string) bool {
	for list != "" {
		var m string
		m, list, _ = strings.Cut(list, ",")
		if m == name {
			return true
		}
	}
	return false
}

// fields splits the first line of *text into f by ':' (the last field
// keeps any further ':'), moves *text past it and returns how many fields
// the line had. Comment lines count as none.
func fields(text *string, f []string) int {
	var line string
	line, *text, _ = strings.Cut(*text, "\n")
	if line == "" || line[0] == '#' {
		return 0
	}
	n := 0
	for n < len(f) {
		var more bool
		f[n], line, more = strings.Cut(line, ":")
		n++
		if !more {
			break
		}
	}
	return n
}

// id parses a numeric id: decimal, at most 4294967294 (the all-ones value
// means "unchanged" to the kernel).
func id(s string) (uint32, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	if n >= 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// ReadFile reads a whole (small) file; the init does not use package os's
// file reading for its two account files.
func ReadFile(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", err
		}
		if n <= 0 {
			return string(out), nil
		}
		out = append(out, buf[:n]...)
	}
}
