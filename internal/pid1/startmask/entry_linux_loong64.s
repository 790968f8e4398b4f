// The release builds' entry point on loong64: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVV	$0, R4	// SIG_BLOCK
	MOVV	$·fullMask(SB), R5
	MOVV	$0, R6
	MOVV	$8, R7	// sizeof(sigset_t)
	MOVV	$135, R11	// rt_sigprocmask
	SYSCALL
	JMP	_rt0_loong64_linux(SB)
