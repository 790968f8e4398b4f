// clone without a new stack for spawn, on arm: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-12
	MOVW	flags+0(FP), R0
	MOVW	$0, R1	// no new stack: the child shares ours
	MOVW	$0, R2
	MOVW	$0, R3
	MOVW	$0, R4
	MOVW	$120, R7	// clone
	SWI	$0
	MOVW	R0, ret+4(FP)
	MOVW	$0, R0
	MOVW	R0, flag+8(FP)
	RET
