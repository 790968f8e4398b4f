package supervisor

import (
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/dumb-init/dumb-init/internal/pid1/account"
	"github.com/dumb-init/dumb-init/internal/pid1/startmask"
)

// The init starts its child with fork and exec of its own instead of
// syscall.ForkExec, for one reason: the child's signal state. The init runs
// with nearly every signal blocked (internal/pid1/startmask), and ForkExec's child
// keeps the forking thread's mask through exec, so the command would start
// with its signals blocked. dumb-init 1.2.5 gives its command an empty mask
// and default dispositions whatever the init inherited; here the child sets
// exactly that between fork and exec. Having the code also gives the
// original's other details: TIOCSCTTY with argument 0 (never steals a
// terminal) whose failure is only reported, and execvp's search done in the
// child, in the caller's directory, one fork whatever PATH holds.

// execPlan is everything the child needs, prepared in the parent: between
// fork and exec the child may only make system calls, never allocate or call
// into the Go runtime.
type execPlan struct {
	argv, envv []*byte
	// candidates are the paths execvp tries in order; direct: the name
	// has a slash, so the one candidate's error is returned as it is.
	candidates []execCandidate
	direct     bool
	setsid     bool
	setpgid    bool
	// takeTerminal: TIOCSCTTY on stdin, argument 0, failure reported
	// and not fatal.
	takeTerminal bool
	// switchUser: set groups, gid and uid (in that order: after the uid
	// changes, the others no longer can) to these before exec.
	switchUser bool
	uid, gid   uintptr
	groups     []uint32
	// noNewPrivs: PR_SET_NO_NEW_PRIVS, last, so that exec can never
	// grant the command privileges again.
	noNewPrivs bool
	// defaults lists the signals whose disposition the child resets:
	// every signal the runtime caught (exec would reset those too, but
	// only at exec, and the child unblocks signals before it).
	defaults []uintptr
	report   int // write end of the report pipe (close-on-exec)
}

// execCandidate is one path to try, and the argument vector that runs it
// with /bin/sh if the kernel refuses it with ENOEXEC (a script without "#!").
type execCandidate struct {
	path   *byte
	shArgv []*byte
	shPath *byte
}

// Report records the child writes to the pipe: a kind and an errno.
const (
	reportTerminal = 1 // TIOCSCTTY failed (the child goes on)
	reportExec     = 2 // nothing could be executed (the child exits)
	reportUser     = 3 // the credentials could not be switched (the child exits)
)

// UserError is a failure to switch the child to --user's credentials (or to
// set no_new_privs): Op names the step.
type UserError struct {
	Op    string
	Errno syscall.Errno
}

func (e *UserError) Error() string { return e.Op + ": " + e.Errno.Error() }

// userSteps name the credential steps the child reports by index.
var userSteps = [...]string{"setgroups", "setresgid", "setresuid", "prctl(PR_SET_NO_NEW_PRIVS)"}

// sigsetBytes is the kernel's sigset_t size for rt_sigaction and
// rt_sigprocmask: 64 signals, 128 on MIPS.
var sigsetBytes = func() uintptr {
	if strings.HasPrefix(runtime.GOARCH, "mips") {
		return 16
	}
	return 8
}()

// errExecStatus is the status of a child that could not execute anything;
// the init reports the errno and never shows this status.
const errExecStatus = 127

// spawnAttr says how the child is set up.
type spawnAttr struct {
	setsid, setpgid, takeTerminal bool
	// user: the credentials to run the command with (nil: the init's).
	user       *account.Credentials
	noNewPrivs bool
}

// spawn starts argv with env the way execvp does (the PATH of env, or
// defaultPath; ENOEXEC runs /bin/sh; EACCES remembered), and returns its
// pid, the errno of a failed TIOCSCTTY (0: none or not asked), or the error
// that kept anything from running (a fork error or execvp's errno).
func spawn(argv, env []string, attr spawnAttr) (pid int, terminal syscall.Errno, err error) {
	p := &execPlan{setsid: attr.setsid, setpgid: attr.setpgid, takeTerminal: attr.takeTerminal, noNewPrivs: attr.noNewPrivs}
	if u := attr.user; u != nil && len(u.Groups) > 0 {
		p.switchUser, p.uid, p.gid, p.groups = true, uintptr(u.Uid), uintptr(u.Gid), u.Groups
	}
	if p.argv, err = syscall.SlicePtrFromStrings(argv); err != nil {
		return 0, 0, err
	}
	if p.envv, err = syscall.SlicePtrFromStrings(env); err != nil {
		return 0, 0, err
	}
	if err = p.search(argv, env); err != nil {
		return 0, 0, err
	}
	if len(p.candidates) == 0 {
		return 0, 0, unix.ENOENT
	}
	for sig := 1; sig < 65; sig++ {
		s := syscall.Signal(sig)
		if s == syscall.SIGKILL || s == syscall.SIGSTOP || signal.Ignored(s) {
			continue // cannot be changed, or ignored on purpose: kept
		}
		p.defaults = append(p.defaults, uintptr(sig))
	}
	var fds [2]int
	if err = unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return 0, 0, err
	}
	p.report = fds[1]

	// The child starts with the forking thread's mask: block everything
	// on this thread around the fork, so that no handler of the runtime
	// can run in the child before it has reset the dispositions. The
	// goroutine stays on this thread meanwhile.
	runtime.LockOSThread()
	var before unix.Sigset_t
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, startmask.All(), &before)
	pid, errno := forkExec(p)
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &before, nil)
	runtime.UnlockOSThread()
	unix.Close(fds[1])
	// The child read p until it executed the command, while this thread
	// waited (CLONE_VFORK) and the others, the collector among them, ran.
	runtime.KeepAlive(p)
	if errno != 0 {
		unix.Close(fds[0])
		return 0, 0, errno
	}

	// Read the child's reports until exec closes the pipe (or the child
	// exits): afterwards the command is running, in its own session or
	// group when asked, so nothing forwarded to it can be lost to a
	// half-made child.
	var buf [16]byte
	n := 0
	for n < len(buf) {
		m, rerr := unix.Read(fds[0], buf[n:])
		if rerr == unix.EINTR {
			continue
		}
		if rerr != nil || m <= 0 {
			break
		}
		n += m
	}
	unix.Close(fds[0])
	for i := 0; i+8 <= n; i += 8 {
		kind := *(*uint32)(unsafe.Pointer(&buf[i]))
		code := syscall.Errno(*(*uint32)(unsafe.Pointer(&buf[i+4])))
		switch kind {
		case reportTerminal:
			terminal = code
		case reportExec:
			err = code
		default:
			if step := kind >> 8; kind&0xff == reportUser && step < uint32(len(userSteps)) {
				err = &UserError{userSteps[step], code}
			}
		}
	}
	if err != nil {
		// Collect the failed child (it is ours and exits at once), so
		// that it never shows up as a zombie or an orphan.
		var ws unix.WaitStatus
		for {
			if _, werr := unix.Wait4(pid, &ws, 0, nil); werr != unix.EINTR {
				break
			}
		}
		return 0, terminal, err
	}
	return pid, terminal, nil
}

// search fills the candidates as execvp would try them.
func (p *execPlan) search(argv, env []string) error {
	p.direct = strings.Contains(argv[0], "/")
	for _, path := range candidates(argv[0], env) {
		if err := p.add(path, argv); err != nil {
			return err
		}
	}
	return nil
}

func (p *execPlan) add(path string, argv []string) error {
	var c execCandidate
	var err error
	if c.path, err = syscall.BytePtrFromString(path); err != nil {
		return err
	}
	if c.shPath, err = syscall.BytePtrFromString(shell); err != nil {
		return err
	}
	if c.shArgv, err = syscall.SlicePtrFromStrings(append([]string{shell, path}, argv[1:]...)); err != nil {
		return err
	}
	p.candidates = append(p.candidates, c)
	return nil
}

// forkExec forks; the child sets itself up as p says and executes the
// command, or reports why it could not and exits. It returns the child's pid
// in the parent.
//
// Everything after the clone in the child must be system calls on memory
// prepared beforehand: no allocation, no write barrier, no stack growth, no
// call into the runtime, and no return from this function (the child runs on
// the parent's stack, in its memory, while the parent's thread is suspended
// and its other threads run on). The frame of this function was sized in the
// parent, and RawSyscall6 is nosplit.
//
//go:noinline
//go:norace
func forkExec(p *execPlan) (int, syscall.Errno) {
	var zeroAction [8]uint64 // struct sigaction with SIG_DFL, no flags, empty mask
	var emptyMask [2]uint64
	var record [2]uint32

	// CLONE_VM|CLONE_VFORK, as syscall.ForkExec: no copy of the address
	// space (copying it and then taking the write faults on every page
	// costs more than the rest of the start-up), and the parent waits
	// until the child has executed the command or exited.
	ret, flag := vforkRaw(syscall.CLONE_VM | syscall.CLONE_VFORK | uintptr(syscall.SIGCHLD))
	switch {
	case flag != 0:
		return 0, syscall.Errno(ret)
	case ret >= ^uintptr(4095):
		return 0, syscall.Errno(-ret)
	case ret != 0:
		return int(ret), 0
	}

	// Child. Signals are all blocked (inherited from the forking thread);
	// the dispositions are its own (no CLONE_SIGHAND).
	// Dispositions first: with the runtime's handlers gone, a signal that
	// becomes deliverable below does what it would do to the command.
	for i := 0; i < len(p.defaults); i++ {
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, p.defaults[i], uintptr(unsafe.Pointer(&zeroAction)), 0, sigsetBytes, 0, 0)
	}
	if p.setsid {
		syscall.RawSyscall6(syscall.SYS_SETSID, 0, 0, 0, 0, 0, 0)
	}
	if p.setpgid {
		syscall.RawSyscall6(syscall.SYS_SETPGID, 0, 0, 0, 0, 0, 0)
	}
	if p.takeTerminal {
		// Argument 0: take stdin's terminal only if it is nobody's
		// controlling terminal; never steal it, even as root.
		_, _, e := syscall.RawSyscall6(syscall.SYS_IOCTL, 0, uintptr(syscall.TIOCSCTTY), 0, 0, 0, 0)
		if e != 0 {
			record[0], record[1] = reportTerminal, uint32(e)
			syscall.RawSyscall6(syscall.SYS_WRITE, uintptr(p.report), uintptr(unsafe.Pointer(&record)), 8, 0, 0, 0)
		}
	}
	// The credentials after the terminal (TIOCSCTTY may need root) and
	// while every signal is still blocked: groups and gid while the uid is
	// still 0, then the uid.
	var userStep uint32
	var userErr syscall.Errno
	if p.switchUser {
		_, _, userErr = syscall.RawSyscall6(sysSetgroups, uintptr(len(p.groups)), uintptr(unsafe.Pointer(&p.groups[0])), 0, 0, 0, 0)
		if userErr == 0 {
			userStep = 1
			_, _, userErr = syscall.RawSyscall6(sysSetresgid, p.gid, p.gid, p.gid, 0, 0, 0)
		}
		if userErr == 0 {
			userStep = 2
			_, _, userErr = syscall.RawSyscall6(sysSetresuid, p.uid, p.uid, p.uid, 0, 0, 0)
		}
	}
	if userErr == 0 && p.noNewPrivs {
		userStep = 3
		_, _, userErr = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)
	}
	if userErr != 0 {
		// The command must never run with other credentials than
		// those asked for: report the step and exit.
		record[0], record[1] = reportUser+userStep<<8, uint32(userErr)
		syscall.RawSyscall6(syscall.SYS_WRITE, uintptr(p.report), uintptr(unsafe.Pointer(&record)), 8, 0, 0, 0)
		for {
			syscall.RawSyscall6(syscall.SYS_EXIT_GROUP, errExecStatus, 0, 0, 0, 0, 0)
		}
	}
	// The command starts with no signal blocked, as under dumb-init
	// 1.2.5, whatever mask the init inherited. A signal already pending
	// for the child is delivered here, with its default action.
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, uintptr(unix.SIG_SETMASK), uintptr(unsafe.Pointer(&emptyMask)), 0, sigsetBytes, 0, 0)

	argv := uintptr(unsafe.Pointer(&p.argv[0]))
	envv := uintptr(unsafe.Pointer(&p.envv[0]))
	denied := false
	var e syscall.Errno
	for i := 0; i < len(p.candidates); i++ {
		c := &p.candidates[i]
		_, _, e = syscall.RawSyscall6(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(c.path)), argv, envv, 0, 0, 0)
		if e == syscall.ENOEXEC {
			_, _, e = syscall.RawSyscall6(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(c.shPath)), uintptr(unsafe.Pointer(&c.shArgv[0])), envv, 0, 0, 0)
		}
		if p.direct {
			break
		}
		if e == syscall.EACCES {
			denied = true
			continue
		}
		if e == syscall.ENOENT || e == syscall.ENOTDIR || e == syscall.ESTALE || e == syscall.ENODEV || e == syscall.ETIMEDOUT {
			continue
		}
		break
	}
	if !p.direct {
		switch {
		case e == syscall.ENOENT || e == syscall.ENOTDIR || e == syscall.ESTALE || e == syscall.ENODEV || e == syscall.ETIMEDOUT || e == syscall.EACCES:
			e = syscall.ENOENT
			if denied {
				e = syscall.EACCES
			}
		}
	}
	record[0], record[1] = reportExec, uint32(e)
	syscall.RawSyscall6(syscall.SYS_WRITE, uintptr(p.report), uintptr(unsafe.Pointer(&record)), 8, 0, 0, 0)
	for {
		syscall.RawSyscall6(syscall.SYS_EXIT_GROUP, errExecStatus, 0, 0, 0, 0, 0)
	}
}

// vforkRaw is clone(flags) with no new stack, in assembly
// (vfork_linux_*.s). With CLONE_VM|CLONE_VFORK the child runs on the parent's
// stack, in the parent's memory, until it executes the command, while the
// parent's thread stays suspended; so the child must not depend on stack
// memory below its frame, and this function keeps its own return address out
// of that memory: in the link register on most architectures, and on x86,
// where the call pushed it, in a register the kernel preserves, pushed back
// after the system call. It returns the kernel's raw result and, where the
// architecture reports errors apart from the result (ppc64, MIPS), a non-zero
// flag for an error (ret is then the errno).
func vforkRaw(flags uintptr) (ret, flag uintptr)
