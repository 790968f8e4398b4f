//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dumb-init/dumb-init/internal/tests/procwatch"
	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

func statusKiB(pid int, field string) int {
	f := strings.Fields(procwatch.Status(pid, field))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}

// A storm of mixed signals (100,000; 1,000,000 in the long run) while the
// child's group keeps forking orphans: the init survives, the child sees only
// signal numbers that were sent, the exit status is the child's, the init's
// memory grows by less than 256 KiB and it has no more threads than before.
func TestSignalStormWithForkingChild(t *testing.T) {
	n := iterations(100000, 1000000)
	// The shell ignores the storm's signals (and so does the forker it
	// starts, by inheritance); sigprint catches them anyway (Go installs
	// handlers for ignored signals it is notified of) and reports them.
	script := `trap '' HUP USR1 USR2 WINCH 40
(while :; do (true &) ; sleep 0.001; done) &
exec "$SP" -exit 15 -exit-code 3`
	c := startRaw(t, testbin.CleanEnv("SP="+testbin.Helper(t, "sigprint")), testbin.Init(t), "sh", "-c", script)
	if l := c.next(10 * time.Second); !strings.HasPrefix(l, "ready") {
		t.Fatalf("got %q", l)
	}
	pid := c.cmd.Process.Pid
	sent := map[string]bool{}
	sigs := []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP, syscall.SIGWINCH, 40}
	for _, s := range sigs {
		sent[num(s)] = true
	}
	// The Go runtime starts its threads lazily: measured idle, the init
	// has 6 to 8 of them (both before and after this test's changes), and
	// under a loaded CI machine the first burst of signals made it start
	// the rest (6 -> 8 once). So the baseline is taken after a short burst
	// of the same signals; what the storm below must not do is grow them.
	for i := 0; i < 1000; i++ {
		_ = syscall.Kill(pid, sigs[i%len(sigs)])
	}
	time.Sleep(300 * time.Millisecond)
	rss0, threads0 := statusKiB(pid, "VmRSS"), statusKiB(pid, "Threads")
	lines := make(chan []string, 1)
	go func() {
		var got []string
		for l := range c.lines {
			got = append(got, l)
		}
		lines <- got
	}()
	for i := 0; i < n; i++ {
		if err := syscall.Kill(pid, sigs[i%len(sigs)]); err != nil {
			t.Fatalf("signal %d: %v (init gone?)", i, err)
		}
	}
	time.Sleep(500 * time.Millisecond)
	rss1, threads1 := statusKiB(pid, "VmRSS"), statusKiB(pid, "Threads")
	if st := procwatch.State(pid); st == "" || st == "Z" {
		t.Fatalf("init did not survive the storm (state %q)", st)
	}
	syscall.Kill(pid, syscall.SIGTERM)
	code := c.wait(30 * time.Second)
	got := <-lines
	counts := map[string]int{}
	for _, l := range got {
		if l != "15" && !sent[l] {
			t.Errorf("child received signal %s, which nobody sent", l)
		}
		counts[l]++
	}
	t.Logf("%d signals sent; child received %d (%v); init RSS %d -> %d KiB, threads %d -> %d",
		n, len(got), counts, rss0, rss1, threads0, threads1)
	if code != 3 {
		t.Errorf("init exited %d, want the child's 3", code)
	}
	if rss1-rss0 >= 256 {
		t.Errorf("init RSS grew by %d KiB during the storm", rss1-rss0)
	}
	if threads1 > threads0+1 {
		t.Errorf("init threads grew from %d to %d", threads0, threads1)
	}
}

// With its descriptors exhausted (RLIMIT_NOFILE lowered under the running
// init to what it already holds), the init still reaps every orphan.
func TestReapingWithoutFreeDescriptors(t *testing.T) {
	prefix := inNamespace(t)
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit (util-linux) not installed")
	}
	dir := t.TempDir()
	script := `echo started; while [ ! -e "$GO" ]; do sleep 0.01; done
i=0; while [ $i -lt 300 ]; do (sleep 0.05 &); i=$((i+1)); done
n=0; while [ $n -lt 300 ]; do
  left=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
  [ "$left" -le 1 ] && break; sleep 0.02; n=$((n+1)); done
echo "left=$left zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"`
	c := startRaw(t, testbin.CleanEnv("GO="+dir+"/go"), append(prefix, testbin.Init(t), "sh", "-c", script)...)
	if l := c.next(10 * time.Second); l != "started" {
		t.Fatalf("got %q", l)
	}
	var initPid int
	for _, st := range procwatch.AllStats() {
		if st.PPid == c.cmd.Process.Pid {
			initPid = st.Pid
		}
	}
	if initPid == 0 {
		t.Fatal("init not found")
	}
	if out, err := exec.Command("prlimit", "--pid", strconv.Itoa(initPid), "--nofile=3:3").CombinedOutput(); err != nil {
		t.Fatalf("prlimit: %v %s", err, out)
	}
	if out, err := exec.Command("touch", dir+"/go").CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	line := c.next(30 * time.Second)
	c.wait(10 * time.Second)
	if line != "left=1 zombies=0" {
		t.Errorf("with no free descriptor: %q, want every orphan reaped", line)
	}
}

// Arguments close to the kernel's limit reach the child intact.
func TestLongArgumentsPassThrough(t *testing.T) {
	// 24 strings of 64 KiB: 1.5 MiB of arguments, under the 2 MiB the
	// default 8 MiB stack allows, each under the 128 KiB per-string limit.
	args := []string{"sh", "-c", `printf '%s' "$@" | sha256sum | cut -d' ' -f1; echo $#`, "sh"}
	h := sha256.New()
	for i := 0; i < 24; i++ {
		a := strings.Repeat(string(rune('a'+i)), 64*1024-1)
		args = append(args, a)
		h.Write([]byte(a))
	}
	r := run(t, testbin.CleanEnv(), args...)
	want := hex.EncodeToString(h.Sum(nil)) + "\n24\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("code %d stdout %q stderr %.200q, want %q", r.code, r.stdout, r.stderr, want)
	}
}

// At the kernel's limit for arguments: the largest argument list the
// kernel still lets the init start with (found by bisection; one byte more
// is refused with E2BIG) reaches the child intact. For a plain `go build`
// binary this is the case where its re-execution with GODEBUG added (two
// more variables, about 70 bytes) is itself refused with E2BIG: it must then
// run the command unprotected rather than fail or cut anything short.
func TestArgumentsAtTheKernelLimit(t *testing.T) {
	testbin.Cleanup(t)
	// Both binaries under paths of one length: the kernel counts the
	// file name against the same limit.
	dir, err := os.MkdirTemp("", "di")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	release, plain := dir+"/r", dir+"/p"
	for src, dst := range map[string]string{testbin.Init(t): release, testbin.PlainInit(t): plain} {
		b, _ := os.ReadFile(src)
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := []string{"sh", "-c", `printf '%s' "$@" | sha256sum | cut -d' ' -f1`, "sh"}
	pads := func(total int) []string {
		var out []string
		for total > 0 {
			n := min(total, 100000)
			out = append(out, strings.Repeat(string(rune('a'+len(out)%26)), n))
			total -= n
		}
		return out
	}
	start := func(bin string, total int) (string, error) {
		cmd := exec.Command(bin, append(script, pads(total)...)...)
		cmd.Args[0] = "dumb-init"
		cmd.Env = testbin.CleanEnv()
		out, err := cmd.Output()
		return string(out), err
	}
	// lo starts; hi is refused.
	lo, hi := 1<<20, 4<<20
	if _, err := start(release, lo); err != nil {
		t.Fatalf("1 MiB of arguments: %v", err)
	}
	if _, err := start(release, hi); !errors.Is(err, syscall.E2BIG) {
		t.Fatalf("4 MiB of arguments: %v, want E2BIG", err)
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, err := start(release, mid); err == nil {
			lo = mid
		} else if errors.Is(err, syscall.E2BIG) {
			hi = mid
		} else {
			t.Fatalf("%d bytes: %v", mid, err)
		}
	}
	h := sha256.New()
	for _, p := range pads(lo) {
		h.Write([]byte(p))
	}
	want := hex.EncodeToString(h.Sum(nil)) + "\n"
	for _, bin := range []string{release, plain} {
		out, err := start(bin, lo)
		if err != nil || out != want {
			t.Errorf("%s with %d bytes of arguments (the limit): %v, output %q, want the arguments' hash %q", filepath.Base(bin), lo, err, out, want)
		}
	}
	t.Logf("limit here: %d bytes of arguments in %d strings", lo, len(pads(lo)))
}

// Fork failure: as an unprivileged user with RLIMIT_NPROC lowered step by
// step, the init never hangs. Where the Go runtime still gets its own
// threads but the fork of the child fails, it says "Unable to fork: ..." and
// exits 1; below that the runtime itself cannot start and stops with its
// fatal error (exit 2) naming `ulimit -u`; above it the command runs.
func TestForkFailsUnderNPROC(t *testing.T) {
	testbin.NeedRoot(t)
	for _, tool := range []string{"prlimit", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (util-linux) not installed", tool)
		}
	}
	uid := strconv.Itoa(60000 + os.Getpid()%5000) // a user with no other process
	// The runtime's thread count when it forks varies a little from run to
	// run, so the sweep is repeated until it has hit the window where
	// only the fork fails.
	clean := 0
	for round := 0; round < 5 && clean == 0; round++ {
		sweepNPROC(t, uid, &clean)
	}
	if clean == 0 {
		t.Error("no limit produced the clean fork-failure message")
	}
}

func sweepNPROC(t *testing.T, uid string, clean *int) {
	for n := 1; n <= 12; n++ {
		cmd := exec.Command("prlimit", "--nproc="+strconv.Itoa(n), "setpriv", "--reuid="+uid, "--regid="+uid, "--clear-groups",
			testbin.Init(t), "sh", "-c", "exit 7")
		cmd.Env = testbin.CleanEnv()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("RLIMIT_NPROC=%d: hung", n)
		}
		code, msg := cmd.ProcessState.ExitCode(), stderr.String()
		switch {
		case code == 7 && msg == "":
		case code == 1 && msg == "[dumb-init] Unable to fork: Resource temporarily unavailable. Exiting.\n":
			*clean++
		case code == 2 && strings.Contains(msg, "ulimit -u"):
		default:
			t.Errorf("RLIMIT_NPROC=%d: exit %d, stderr %q", n, code, msg)
		}
		t.Logf("RLIMIT_NPROC=%d: exit %d", n, code)
	}
}
