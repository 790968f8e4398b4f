// clone without a new stack for spawn, on amd64: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-24
	MOVQ	flags+0(FP), DI
	MOVQ	$0, SI	// no new stack: the child shares ours
	MOVQ	$0, DX
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	$56, AX	// clone
	// The child's calls overwrite the word our return address is in;
	// keep it in R12, which the kernel preserves, and put it back.
	POPQ	R12
	SYSCALL
	PUSHQ	R12
	MOVQ	AX, ret+8(FP)
	MOVQ	$0, flag+16(FP)
	RET
