// The release builds' entry point on mips64le: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVV	$1, R4	// SIG_BLOCK is 1 on MIPS
	MOVV	$·fullMask(SB), R5
	MOVV	$0, R6
	MOVV	$16, R7	// sizeof(sigset_t): MIPS has 128 signals
	MOVV	$5014, R2	// rt_sigprocmask (n64)
	SYSCALL
	JMP	_rt0_mips64le_linux(SB)
