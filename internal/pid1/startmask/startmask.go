// Package startmask owns the first guarantee of the init: a signal that
// arrives while the init starts is never lost.
//
// The Go runtime installs its own handler for nearly every signal before any
// Go code runs. Until os/signal has enabled a signal, that handler drops it
// (USR1, WINCH, the real-time signals, ...) or dies of it (HUP, INT, TERM).
// Enabling a signal also costs a round trip to a runtime thread. So the init
// does not rely on the handler for the signals it can avoid it for: it starts
// with every signal blocked, before the runtime runs, and reads them later
// from a signalfd, where a pending signal simply waits.
//
// Why this holds for every thread: a blocked mask survives execve, the runtime
// saves the mask of its first thread at start-up and gives exactly that mask
// to every thread it creates, and on each thread it unblocks only the signals
// it cannot do without (HUP, INT, QUIT, ABRT, TERM, CHLD, PROF, the faults and
// 32-34: its "unblockable" signals). Every other signal blocked at start stays
// blocked on every thread, so the kernel can deliver it to no handler and it
// stays pending for the signalfd. The unblockable ones must go through
// os/signal; until it has them, the runtime's default applies (HUP, INT,
// QUIT, TERM end the init, which is what their default is).
//
// How the init starts blocked:
//   - Release builds select an entry point of their own with the linker's -E
//     flag (internal/tooling/buildflags): entry_linux_*.s blocks every signal with one
//     system call and jumps to the runtime's usual entry. Nothing but the
//     stack pointer is live at an ELF entry point, and the runtime's entry
//     reads argc, argv and the auxiliary vector from the stack, which the
//     system call leaves untouched. (MIPS numbers SIG_BLOCK 1 and has 128
//     signals; ppc64's runtime entry re-zeroes R0, which the syscall used.)
//   - Other builds (plain go build, go install) re-execute themselves once
//     anyway (internal/pid1/preempt) and block every signal just before they do;
//     signals that arrive while the first process runs its runtime start-up
//     are the only ones that can still be lost, and only in such builds.
package startmask

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// fullMask is the set the entry point blocks: every signal (the kernel ignores
// SIGKILL and SIGSTOP in it). 128 bits, because MIPS has 128 signals.
var fullMask = [2]uint64{^uint64(0), ^uint64(0)}

var _ = fullMask // referenced from assembly only

// held is the signal mask the first thread had when Go code first ran: the
// mask the process started with, less the runtime's unblockable signals.
var held unix.Sigset_t

func init() {
	// Package initialization runs on the first thread, before any
	// goroutine of ours: its mask is still the one the runtime set up
	// from the start mask.
	_ = unix.PthreadSigmask(unix.SIG_BLOCK, nil, &held)
}

// Held reports whether sig has been blocked on every thread since the process
// started, so that it waits, pending, until it is read from a signalfd.
func Held(sig unix.Signal) bool {
	return Has(&held, sig)
}

// Has reports whether set contains sig.
func Has(set *unix.Sigset_t, sig unix.Signal) bool {
	const bits = uint(8 * unsafe.Sizeof(set.Val[0]))
	n := uint(sig) - 1
	if sig <= 0 || int(n/bits) >= len(set.Val) {
		return false
	}
	return set.Val[n/bits]&(1<<(n%bits)) != 0
}

// Add adds sig to set.
func Add(set *unix.Sigset_t, sig unix.Signal) {
	const bits = uint(8 * unsafe.Sizeof(set.Val[0]))
	n := uint(sig) - 1
	if sig > 0 && int(n/bits) < len(set.Val) {
		set.Val[n/bits] |= 1 << (n % bits)
	}
}

// All returns a set of every signal, to block with.
func All() *unix.Sigset_t {
	var s unix.Sigset_t
	for i := range s.Val {
		s.Val[i] = ^s.Val[i]
	}
	return &s
}
