// clone without a new stack for spawn, on riscv64: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOV	flags+0(FP), A0
	MOV	ZERO, A1	// no new stack: the child shares ours
	MOV	ZERO, A2
	MOV	ZERO, A3
	MOV	ZERO, A4
	MOV	$220, A7	// clone
	ECALL
	MOV	A0, ret+8(FP)
	MOV	ZERO, flag+16(FP)
	RET
