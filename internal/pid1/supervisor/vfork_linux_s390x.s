// clone without a new stack for spawn, on s390x: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVD	$0, R2	// s390x takes the new stack first: none, the child shares ours
	MOVD	flags+0(FP), R3
	MOVD	$0, R4
	MOVD	$0, R5
	MOVD	$0, R6
	MOVD	$120, R1	// clone
	SYSCALL
	MOVD	R2, ret+8(FP)
	MOVD	$0, flag+16(FP)
	RET
