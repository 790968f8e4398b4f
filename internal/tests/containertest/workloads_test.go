//go:build containers

package containertest

import (
	"strings"
	"time"
)

// The workloads the scenarios run, as shell scripts for busybox or Debian's
// dash. Each says "ready" once its signal handlers are in place, so the tests
// never signal a process that cannot handle it yet, and logs every signal
// it handles.

// worker is a long-running server: it exits 0 on SIGTERM or SIGQUIT,
// saying which. "sleep & wait" keeps the shell interruptible.
const worker = `#!/bin/sh
trap 'echo "worker got TERM"; exit 0' TERM
trap 'echo "worker got QUIT"; exit 0' QUIT
echo "worker ready"
while :; do sleep 1 & wait $!; done
`

// entrypointNoExec is the classic entrypoint script: it sets up (here: a
// trap that only logs, as many do), then starts the server as a child
// without exec. The shell defers its trap while the server runs, so a
// SIGTERM that reaches only the shell changes nothing.
const entrypointNoExec = `#!/bin/sh
trap 'echo "entrypoint got TERM"' TERM
/usr/local/bin/worker.sh
echo "entrypoint done"
`

// entrypointExec is the same script ending in exec: the server replaces
// the shell.
const entrypointExec = `#!/bin/sh
trap 'echo "entrypoint got TERM"' TERM
exec /usr/local/bin/worker.sh
`

// orphans leaves 1000 orphaned children behind, then serves.
const orphans = `#!/bin/sh
i=0
while [ $i -lt 1000 ]; do (sleep 0.2 &); i=$((i+1)); done
echo "spawned"
exec /usr/local/bin/worker.sh
`

// straggling starts a helper that needs a second to clean up after SIGTERM
// (or, with IGNORE=1, ignores SIGTERM), then becomes the server.
const straggling = `#!/bin/sh
if [ "$IGNORE" = 1 ]; then
  (trap '' TERM; echo "straggler ready"; while :; do sleep 1 & wait $!; done) &
else
  (trap 'echo "straggler cleaning up"; sleep 1; echo "straggler finished"; exit 0' TERM
   echo "straggler ready"; while :; do sleep 1 & wait $!; done) &
fi
exec /usr/local/bin/worker.sh
`

// scripts is the build context's extra files for a busybox or Debian image;
// docker-entrypoint.sh is the given entrypoint.
func scripts(entrypoint string) map[string]string {
	return map[string]string{
		"docker-entrypoint.sh": entrypoint,
		"worker.sh":            worker,
		"orphans.sh":           orphans,
		"straggling.sh":        straggling,
		"entrypoint-exec.sh":   entrypointExec,
	}
}

// sharedPIDScript orphans a sleep in a container that shares a pod's PID
// namespace; sharedPIDCases say who reaps it: our init as subreaper, or
// (the control) the pod's PID 1.
const sharedPIDScript = "(sleep 0.3 &); sleep 1.5; echo done"

var sharedPIDCases = []struct {
	name      string
	args      []string
	subreaper bool
}{{"subreaper", []string{"--subreaper", "-v"}, true}, {"control", []string{"-v"}, false}}

// stopSequenceKill is when the runtime's SIGKILL follows its SIGTERM in the
// stop-sequence cases (docker stop -t, the kubelet's grace period).
const stopSequenceKill = 8 * time.Second

// stopSequenceCases replay Kubernetes' stop sequence (SIGTERM, a grace
// period, SIGKILL) on the straggling workload under dumb-init with env and
// initArgs; every client (Docker, containerd) runs them the same way. check
// gets the workload's output, how long the stop took and the exit status,
// and says what is wrong ("" when nothing is). With --grace a straggler
// gets time to finish its clean-up, one that ignores SIGTERM is killed by
// dumb-init itself before the runtime's SIGKILL (the exit status is the
// workload's 0, not 137), --delay holds the SIGTERM while a load balancer
// drains; without --grace the straggler dies with PID 1 mid-clean-up.
var stopSequenceCases = []struct {
	name          string
	env, initArgs []string
	check         func(log string, took time.Duration, code int) string
}{
	{"straggler-finishes", nil, []string{"--grace=5s"}, func(log string, took time.Duration, code int) string {
		if !strings.Contains(log, "straggler finished") || code != 0 || took > 4*time.Second {
			return "want 0 soon after the straggler's 1 s clean-up"
		}
		return ""
	}},
	{"straggler-killed-by-init", []string{"IGNORE=1"}, []string{"--grace=2s"}, func(log string, took time.Duration, code int) string {
		if code != 0 || took < 2*time.Second || took > stopSequenceKill-2*time.Second {
			return "want the workload's 0 after the 2 s grace, well before the runtime's SIGKILL"
		}
		return ""
	}},
	{"delayed-term", nil, []string{"--delay", "TERM:1500ms", "--grace=5s"}, func(log string, took time.Duration, code int) string {
		if !strings.Contains(log, "worker got TERM") || code != 0 || took < 1500*time.Millisecond || took > 5*time.Second {
			return "want 0 after the 1.5 s delay and the straggler's clean-up"
		}
		return ""
	}},
	{"control-without-grace", nil, nil, func(log string, took time.Duration, code int) string {
		if strings.Contains(log, "straggler finished") || code != 0 {
			return "without --grace the straggler should die with PID 1 mid-clean-up"
		}
		return ""
	}},
}
