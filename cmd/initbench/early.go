package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The start-up metric: a signal sent to the init at a uniformly random moment
// in the first earlyWindow after it was spawned (exec done) must reach the
// command. The command is the helper's "early" mode, which blocks every
// signal first thing and reports what it got; a signal forwarded before that
// kills it with the default action, which the init reports as 128+N.
//
// Outcomes: forwarded (the helper got it, or died of it); lost (the helper
// exited 0 without it: nobody got it); unseen (only for signals whose default
// action is to be ignored, WINCH here: sent before the helper had blocked
// signals and never reported, so the init may have forwarded it into the
// helper's first instants, where the command's default action discarded it:
// no command can catch a signal before its first instruction, under any
// init); init killed (the init itself died of it: HUP, INT, QUIT and TERM may
// do that before the init can catch them, and any signal with a default
// action that ends a process may do it before the init's first instruction,
// under any init); other (any other exit).

// earlyWindow is how long after the spawn the signal may be sent.
const earlyWindow = 10 * time.Millisecond

// earlyHelperWait is how long the helper waits for signals, from its own
// start: longer than any init takes to forward a signal it already has.
const earlyHelperWait = 30

// earlyClass is one kind of signal of the metric.
type earlyClass struct {
	name string
	sig  syscall.Signal
	// mayKill: the runtime's default for it ends a process, so before
	// the init has caught it, it may end the init (never be ignored).
	mayKill bool
	// ignored: its default action is to be ignored.
	ignored bool
}

var earlyClasses = []earlyClass{
	{"USR1", syscall.SIGUSR1, false, false},
	{"USR2", syscall.SIGUSR2, false, false},
	{"WINCH", syscall.SIGWINCH, false, true},
	{"RTMIN+5", 39, false, false},
	{"TERM", syscall.SIGTERM, true, false},
}

// EarlyCounts are one init's outcomes for one class.
type EarlyCounts struct {
	Sent      int `json:"sent"`
	Forwarded int `json:"forwarded"`
	Lost      int `json:"lost"`
	Unseen    int `json:"unseen_by_command"`
	Killed    int `json:"init_killed"`
	Other     int `json:"other"`
}

type earlyOutcome int

const (
	earlyForwarded earlyOutcome = iota
	earlyLost
	earlyUnseen
	earlyKilled
	earlyOther
)

func early(c *Config, r *Results) {
	inits := c.initsFor("early")
	for _, in := range inits {
		m := r.Inits[in.Name]
		m.Early = map[string]*EarlyCounts{}
		for _, cl := range earlyClasses {
			m.Early[cl.name] = &EarlyCounts{}
		}
	}
	// Interleaved: every init and class once per round, in the same
	// machine conditions.
	for i := 0; i < c.EarlyTrials; i++ {
		for _, cl := range earlyClasses {
			for _, in := range inits {
				delay := time.Duration(rand.Int64N(int64(earlyWindow)))
				out := earlyTrial(c, in.Path, cl, delay)
				e := r.Inits[in.Name].Early[cl.name]
				e.Sent++
				switch out {
				case earlyForwarded:
					e.Forwarded++
				case earlyLost:
					e.Lost++
				case earlyUnseen:
					e.Unseen++
				case earlyKilled:
					e.Killed++
				default:
					e.Other++
				}
			}
		}
	}
}

// earlyTrial runs the init once with the helper as its command and sends sig
// to the init delay after it was spawned.
func earlyTrial(c *Config, path string, cl earlyClass, delay time.Duration) earlyOutcome {
	sig := cl.sig
	cmd := exec.Command(path, "--", c.Helper, "early", strconv.Itoa(earlyHelperWait))
	// Its own process group, so that the whole tree can be killed if
	// anything hangs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	cmd.Stderr = devnull // tini and catatonit warn when they are not PID 1
	// Start returns once the init has been executed.
	if err := cmd.Start(); err != nil {
		return earlyOther
	}
	spawned := time.Now()
	time.Sleep(time.Until(spawned.Add(delay)))
	sent := monoNow()
	_ = syscall.Kill(cmd.Process.Pid, sig)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return earlyOther
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		return earlyKilled
	case ws.ExitStatus() == 128+int(sig):
		return earlyForwarded
	case ws.ExitStatus() == 0:
		var ready int64
		for _, line := range strings.Split(stdout.String(), "\n") {
			if t, ok := strings.CutPrefix(line, "t "); ok {
				ready, _ = strconv.ParseInt(t, 10, 64)
			}
			if line == strconv.Itoa(int(sig)) {
				return earlyForwarded
			}
		}
		if cl.ignored && sent < ready {
			return earlyUnseen
		}
		return earlyLost
	}
	return earlyOther
}
