// clone without a new stack for spawn, on loong64: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVV	flags+0(FP), R4
	MOVV	$0, R5	// no new stack: the child shares ours
	MOVV	$0, R6
	MOVV	$0, R7
	MOVV	$0, R8
	MOVV	$220, R11	// clone
	SYSCALL
	MOVV	R4, ret+8(FP)
	MOVV	R0, flag+16(FP)
	RET
