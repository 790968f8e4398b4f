// clone without a new stack for spawn, on ppc64le: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVD	flags+0(FP), R3
	MOVD	R0, R4	// no new stack: the child shares ours
	MOVD	R0, R5
	MOVD	R0, R6
	MOVD	R0, R7
	MOVD	$120, R9	// clone
	SYSCALL	R9
	MOVD	R3, ret+8(FP)
	MOVD	R0, flag+16(FP)
	BVC	done	// summary overflow set: R3 is an errno
	MOVD	$1, R4
	MOVD	R4, flag+16(FP)
done:
	RET
