package diag

import (
	"bytes"
	"syscall"
	"testing"
)

func TestSprintf(t *testing.T) {
	cases := map[string]string{
		Sprintf("Child spawned with PID %d.", 42):                   "Child spawned with PID 42.",
		Sprintf("%s: %s", "/x", syscall.ENOENT):                     "/x: No such file or directory",
		Sprintf("errno=%d %s", int(syscall.ENOTTY), syscall.ENOTTY): "errno=25 Inappropriate ioctl for device",
		Sprintf("100%% %d", syscall.SIGTERM):                        "100% 15",
		Sprintf("%d %d", 1):                                         "1 %!(MISSING)",
		Sprintf("%x", 1):                                            "%x",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestStrerror(t *testing.T) {
	for errno, want := range map[syscall.Errno]string{
		syscall.ENOENT: "No such file or directory", syscall.EACCES: "Permission denied",
		syscall.ENOEXEC: "Exec format error", syscall.E2BIG: "Argument list too long",
		syscall.EIO: "Input/output error",
	} {
		if got := Strerror(errno); got != want {
			t.Errorf("%d: %q, want %q", errno, got, want)
		}
	}
}

func TestLog(t *testing.T) {
	var b bytes.Buffer
	l := &Log{W: &b}
	l.Debugf("hidden %d", 1)
	l.Errorf("shown %s", "x")
	l.Debug = true
	l.Debugf("now %d", 2)
	if got := b.String(); got != "[dumb-init] shown x\n[dumb-init] now 2\n" {
		t.Errorf("got %q", got)
	}
}
