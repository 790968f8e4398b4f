//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

// inNamespace returns the command prefix that runs the init as PID 1 of a new
// PID namespace with its own /proc, skipping the test where that is
// impossible.
func inNamespace(t *testing.T) []string {
	t.Helper()
	testbin.NeedRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) not installed")
	}
	if out, err := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
		t.Skipf("cannot create a PID namespace here: %v %s", err, out)
	}
	return []string{"unshare", "--pid", "--fork", "--mount-proc"}
}

// As PID 1, the init reaps every orphan: 1000 grandchildren whose parents
// exit at once are re-parented to it, exit, and leave no zombie.
func TestPID1ReapsOrphans(t *testing.T) {
	prefix := inNamespace(t)
	script := `
i=0
while [ $i -lt 1000 ]; do (sleep 0.2 &); i=$((i+1)); done
# wait until every orphan has exited and been reaped
n=0
while [ $n -lt 500 ]; do
  left=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
  [ "$left" -eq 1 ] && break   # only this shell is PID 1's child
  sleep 0.02; n=$((n+1))
done
zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)
echo "pid1=$(cat /proc/1/comm) children_left=$left zombies=$zombies"
exit 3`
	modesNS(t, func(t *testing.T, env []string) {
		c := startRaw(t, env, append(prefix, testbin.Init(t), "sh", "-c", script)...)
		line := c.next(60 * time.Second)
		code := c.wait(30 * time.Second)
		if line != "pid1=dumb-init children_left=1 zombies=0" || code != 3 {
			t.Errorf("got %q exit %d, want no orphan or zombie left and exit 3; stderr:\n%s", line, code, tail(c.stderr.String()))
		}
	})
}

// nsInit finds the init's pid outside its namespace: unshare's child.
func nsInit(t *testing.T, c *child) int {
	t.Helper()
	var pid int
	if !procwatch.WaitFor(5*time.Second, func() bool {
		for _, st := range procwatch.AllStats() {
			if st.PPid == c.cmd.Process.Pid {
				pid = st.Pid
				return true
			}
		}
		return false
	}) {
		t.Fatal("init not found")
	}
	return pid
}

func modesNS(t *testing.T, f func(t *testing.T, env []string)) {
	for _, setsid := range []string{"1", "0"} {
		env := testbin.CleanEnv("DUMB_INIT_SETSID=" + setsid)
		t.Run("setsid="+setsid, func(t *testing.T) { f(t, env) })
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// SIGTERM sent from outside the namespace (as a container runtime does)
// reaches the child, and the init exits with the child's status.
func TestPID1ForwardsTermFromOutside(t *testing.T) {
	prefix := inNamespace(t)
	modesNS(t, func(t *testing.T, env []string) {
		for _, debug := range []string{"0", "1"} {
			c := startRaw(t, append(env, "DUMB_INIT_DEBUG="+debug), append(prefix, testbin.Init(t), testbin.Helper(t, "sigprint"), "-exit", "15", "-exit-code", "42")...)
			if l := c.next(10 * time.Second); !strings.HasPrefix(l, "ready") {
				t.Fatalf("child says %q, want ready", l)
			}
			initPid := nsInit(t, c)
			if ns := strings.Fields(procwatch.Status(initPid, "NSpid")); len(ns) != 2 || ns[1] != "1" {
				t.Fatalf("init is not PID 1 of its namespace: NSpid %v", ns)
			}
			if !procwatch.Catches(initPid, syscall.SIGTERM) {
				t.Fatal("init does not catch SIGTERM although its child runs")
			}
			syscall.Kill(initPid, syscall.SIGTERM)
			c.expect("15")
			if code := c.wait(10 * time.Second); code != 42 {
				t.Errorf("exit %d, want the child's 42", code)
			}
		}
	})
}
