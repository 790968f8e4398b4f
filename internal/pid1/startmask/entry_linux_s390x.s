// The release builds' entry point on s390x: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVD	$0, R2	// SIG_BLOCK
	MOVD	$·fullMask(SB), R3
	MOVD	$0, R4
	MOVD	$8, R5	// sizeof(sigset_t)
	MOVW	$175, R1	// rt_sigprocmask
	SYSCALL
	BR	_rt0_s390x_linux(SB)
