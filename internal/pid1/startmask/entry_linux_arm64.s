// The release builds' entry point on arm64: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVD	$0, R0	// SIG_BLOCK
	MOVD	$·fullMask(SB), R1
	MOVD	$0, R2
	MOVD	$8, R3	// sizeof(sigset_t)
	MOVD	$135, R8	// rt_sigprocmask
	SVC
	JMP	_rt0_arm64_linux(SB)
