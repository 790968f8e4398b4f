//go:build linux && (386 || arm)

package supervisor

import "golang.org/x/sys/unix"

// On these 32-bit architectures the plain calls take 16-bit ids; the "32"
// ones take the full range.
const (
	sysSetgroups = unix.SYS_SETGROUPS32
	sysSetresgid = unix.SYS_SETRESGID32
	sysSetresuid = unix.SYS_SETRESUID32
)
