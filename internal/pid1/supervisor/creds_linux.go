//go:build linux && !(386 || arm)

package supervisor

import "golang.org/x/sys/unix"

// The system calls that switch the child's credentials (see
// creds_linux_32.go for the 32-bit architectures' variants).
const (
	sysSetgroups = unix.SYS_SETGROUPS
	sysSetresgid = unix.SYS_SETRESGID
	sysSetresuid = unix.SYS_SETRESUID
)
