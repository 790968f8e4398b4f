// The release builds' entry point on ppc64le: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOVD	$0, R3	// SIG_BLOCK
	MOVD	$·fullMask(SB), R4
	MOVD	$0, R5
	MOVD	$8, R6	// sizeof(sigset_t)
	SYSCALL	$174	// rt_sigprocmask
	// The runtime's entry zeroes R0 (the syscall number) itself.
	BR	_rt0_ppc64le_linux(SB)
