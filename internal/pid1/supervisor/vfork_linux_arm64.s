// clone without a new stack for spawn, on arm64: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVD	flags+0(FP), R0
	MOVD	$0, R1	// no new stack: the child shares ours
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$0, R4
	MOVD	$220, R8	// clone
	SVC
	MOVD	R0, ret+8(FP)
	MOVD	ZR, flag+16(FP)
	RET
