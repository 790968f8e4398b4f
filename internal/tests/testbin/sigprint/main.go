// Command sigprint is a test child: it prints "ready (pid: N)" once its
// handlers are in place, then the number of every signal it receives, one per
// line. With -exit SIG it exits 0 after printing SIG; with -exit-code N it uses
// N instead.
package main

import (
	"flag"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// printFDs prints "fds: 0 1 2 3=/dev/null": descriptors 0-2 plain, others
// with what they point to; the directory listing's own descriptor is left
// out.
func printFDs() {
	dir := "/proc/self/fd"
	self, _ := os.Readlink("/proc/self")
	ents, err := os.ReadDir(dir)
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	var nums []int
	for _, e := range ents {
		n, _ := strconv.Atoi(e.Name())
		nums = append(nums, n)
	}
	sort.Ints(nums)
	out := []string{"fds:"}
	for _, n := range nums {
		target, err := os.Readlink(dir + "/" + strconv.Itoa(n))
		if err != nil || target == "/proc/"+self+"/fd" {
			continue // the listing's own descriptor, closed by now
		}
		if n <= 2 {
			out = append(out, strconv.Itoa(n))
		} else {
			out = append(out, strconv.Itoa(n)+"="+target)
		}
	}
	os.Stdout.WriteString(strings.Join(out, " ") + "\n")
}

func main() {
	exitOn := flag.Int("exit", 0, "exit after receiving this signal")
	code := flag.Int("exit-code", 0, "status to exit with")
	chld := flag.Bool("chld", false, "also report SIGCHLD")
	fds := flag.Bool("fds", false, "print the open file descriptors and exit")
	flag.Parse()
	if *fds {
		printFDs()
		return
	}
	c := make(chan os.Signal, 4096)
	for s := 1; s < 65; s++ {
		switch syscall.Signal(s) {
		case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGPROF, 32, 33, 34:
			continue
		case syscall.SIGCHLD:
			if !*chld {
				continue
			}
		}
		signal.Notify(c, syscall.Signal(s))
	}
	os.Stdout.WriteString("ready (pid: " + strconv.Itoa(os.Getpid()) + ")\n")
	for s := range c {
		n := int(s.(syscall.Signal))
		os.Stdout.WriteString(strconv.Itoa(n) + "\n")
		if n == *exitOn {
			os.Exit(*code)
		}
	}
}
