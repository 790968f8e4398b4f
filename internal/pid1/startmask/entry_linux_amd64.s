// The release builds' entry point on amd64: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVQ	$14, AX	// rt_sigprocmask
	MOVQ	$0, DI	// SIG_BLOCK
	LEAQ	·fullMask(SB), SI
	MOVQ	$0, DX
	MOVQ	$8, R10	// sizeof(sigset_t)
	SYSCALL
	JMP	_rt0_amd64_linux(SB)
