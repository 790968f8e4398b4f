// The release builds' entry point on riscv64: see startmask.go.

#include "textflag.h"

TEXT _dumb_init_rt0(SB),NOSPLIT|NOFRAME,$0
	MOV	$0, A0	// SIG_BLOCK
	MOV	$·fullMask(SB), A1
	MOV	$0, A2
	MOV	$8, A3	// sizeof(sigset_t)
	MOV	$135, A7	// rt_sigprocmask
	ECALL
	JMP	_rt0_riscv64_linux(SB)
