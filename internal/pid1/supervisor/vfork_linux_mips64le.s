// clone without a new stack for spawn, on mips64le: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVV	flags+0(FP), R4
	MOVV	R0, R5	// no new stack: the child shares ours
	MOVV	R0, R6
	MOVV	R0, R7
	MOVV	R0, R8
	MOVV	$5055, R2	// clone (n64)
	SYSCALL
	MOVV	R2, ret+8(FP)
	MOVV	R7, flag+16(FP)	// R7 != 0: R2 is an errno
	RET
