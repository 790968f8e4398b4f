// clone without a new stack for spawn, on 386: see vforkRaw in spawn.go.

#include "textflag.h"

// func vforkRaw(flags uintptr) (ret, flag uintptr)
TEXT ·vforkRaw(SB),NOSPLIT|NOFRAME,$0-12
	MOVL	flags+0(FP), BX
	MOVL	$0, CX	// no new stack: the child shares ours
	MOVL	$0, DX
	MOVL	$0, SI
	MOVL	$120, AX	// clone
	// As on amd64: the return address is kept in a register the kernel
	// preserves (DI), out of the child's reach.
	POPL	DI
	INT	$0x80
	PUSHL	DI
	MOVL	AX, ret+4(FP)
	MOVL	$0, flag+8(FP)
	RET
