// The release builds' entry point on 386: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVL	$175, AX	// rt_sigprocmask
	MOVL	$0, BX	// SIG_BLOCK
	MOVL	$·fullMask(SB), CX
	MOVL	$0, DX
	MOVL	$8, SI	// sizeof(sigset_t)
	INT	$0x80
	JMP	_rt0_386_linux(SB)
