// The release builds' entry point on arm: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVW	$0, R0	// SIG_BLOCK
	MOVW	$·fullMask(SB), R1
	MOVW	$0, R2
	MOVW	$8, R3	// sizeof(sigset_t)
	MOVW	$175, R7	// rt_sigprocmask (EABI)
	SWI	$0
	B	_rt0_arm_linux(SB)
