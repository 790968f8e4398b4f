package supervisor

import (
	"os"
	"os/signal"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/signals"
	"github.com/dumb-init/dumb-init/internal/pid1/startmask"
)

// Signals are the channels the supervisor receives signals from. They are
// set up before anything else, so a signal that arrives while the child is
// being started waits and is forwarded once the child exists.
type Signals struct {
	// forward carries the forwardable signals os/signal delivers. It is
	// large: os/signal drops a delivery when the channel is full (only a
	// storm faster than the loop forwards could fill it, and os/signal
	// coalesces such a storm per signal number anyway). Nothing else
	// sends to it, so nothing else can fill it.
	forward chan os.Signal
	// held carries the signals read from the signalfd, one per delivery
	// (real-time signals queue, and each is forwarded). The reader waits
	// when it is full: the rest stays pending in the kernel.
	held chan syscall.Signal
	// child carries SIGCHLD alone, so a storm of other signals can never
	// push a SIGCHLD out. One slot is enough: each SIGCHLD starts a pass
	// that reaps until nothing is left.
	child chan os.Signal
}

// Catch starts receiving every signal the init handles. Call it as early as
// possible.
//
// Signals that have been blocked on every thread since the process started
// (internal/pid1/startmask: all but the runtime's unblockable ones in release
// builds and re-executed plain builds) are read from a signalfd: one system
// call and no runtime thread, and a signal that arrived at any time since the
// first instruction is still pending there. The others (SIGCHLD, and HUP,
// INT, QUIT, ABRT, TERM and the faults, which the runtime unblocks on its
// threads) go through os/signal, as does everything when no signalfd can be
// had.
func Catch() *Signals {
	s := &Signals{forward: make(chan os.Signal, 512), held: make(chan syscall.Signal, 64), child: make(chan os.Signal, 1)}
	signal.Notify(s.child, syscall.SIGCHLD)
	var held unix.Sigset_t
	var all, rest []os.Signal
	for _, sig := range signals.Forwardable() {
		all = append(all, sig)
		if startmask.Held(sig) {
			startmask.Add(&held, sig)
		} else {
			rest = append(rest, sig)
		}
	}
	if len(rest) < len(all) && !s.readHeld(&held) {
		rest = all
	}
	signal.Notify(s.forward, rest...)
	return s
}

// readHeld reads set from a signalfd in a goroutine of its own, parked in the
// runtime's poller (no thread, no wakeup) while nothing arrives, and passes
// each signal on to s.held in the order the kernel hands them out. It
// reports false when no signalfd could be made.
func (s *Signals) readHeld(set *unix.Sigset_t) bool {
	fd, err := unix.Signalfd(-1, set, unix.SFD_NONBLOCK|unix.SFD_CLOEXEC)
	if err != nil {
		return false
	}
	// Non-blocking, so os.NewFile registers it with the poller.
	f := os.NewFile(uintptr(fd), "signalfd")
	go func() {
		var infos [16]unix.SignalfdSiginfo
		buf := unsafe.Slice((*byte)(unsafe.Pointer(&infos[0])), unsafe.Sizeof(infos))
		for {
			n, err := f.Read(buf)
			if err != nil {
				// Cannot happen to a signalfd we keep open; the
				// signals stay pending rather than lost.
				return
			}
			for i := 0; i < n/int(unsafe.Sizeof(infos[0])); i++ {
				s.held <- syscall.Signal(infos[i].Signo)
			}
		}
	}()
	return true
}
