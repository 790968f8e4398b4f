package diag

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dumb-init/dumb-init/internal/tests/testbin"
)

func TestSprintf(t *testing.T) {
	// Formats the init never uses (vet refuses them as constants): what
	// a mistake would print instead of panicking.
	missing, unknown, number := "%d %d", "%x", "%d"
	cases := map[string]string{
		Sprintf("Child spawned with PID %d.", 42):                                 "Child spawned with PID 42.",
		Sprintf("%s: %s", "/x", syscall.ENOENT):                                   "/x: No such file or directory",
		Sprintf("errno=%d %s", int(syscall.ENOTTY), syscall.ENOTTY):               "errno=25 Inappropriate ioctl for device",
		Sprintf("100%% %d", syscall.SIGTERM):                                      "100% 15",
		Sprintf("%s", &os.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}): "Permission denied",
		Sprintf("%s", errors.New("plain")):                                        "plain",
		Sprintf(missing, 1):                                                       "1 %!(MISSING)",
		Sprintf(unknown, 1):                                                       "%x",
		Sprintf(number, 1.5):                                                      "%!(BADTYPE)",
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

// Errno and ErrorText look through wrapping, and never panic on an error
// that carries no errno.
func TestErrnoOfWrappedErrors(t *testing.T) {
	wrapped := fmt.Errorf("spawn: %w", &os.PathError{Op: "exec", Path: "/x", Err: syscall.ENOENT})
	cases := []struct {
		err   error
		errno syscall.Errno
		text  string
	}{
		{syscall.EACCES, syscall.EACCES, "Permission denied"},
		{wrapped, syscall.ENOENT, "No such file or directory"},
		{errors.New("no errno"), syscall.EIO, "no errno"},
		{nil, syscall.EIO, "%!(NIL)"},
	}
	for _, c := range cases {
		if got := Errno(c.err); got != c.errno {
			t.Errorf("Errno(%v) = %d, want %d", c.err, got, c.errno)
		}
		if got := ErrorText(c.err); got != c.text {
			t.Errorf("ErrorText(%v) = %q, want %q", c.err, got, c.text)
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

// The format functions of this package, by name.
var formatFuncs = map[string]bool{"Debugf": true, "Errorf": true, "Sprintf": true}

// Every call to Debugf, Errorf or Sprintf in the init's packages has a
// constant format using only the verbs this package implements (%d, %s, %%),
// and go vet, told that these are printf-like, finds the arguments right for
// the verbs (count and types). Together: a format mistake in the init is a
// test failure, never a message that reads %!(BADTYPE) in a container log.
func TestFormatCalls(t *testing.T) {
	pid1, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := 0
	err = filepath.WalkDir(pid1, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if !formatFuncs[name] || len(call.Args) == 0 {
				return true
			}
			if _, ok := call.Fun.(*ast.Ident); ok && !strings.HasSuffix(filepath.Dir(path), "diag") {
				return true // a local function of the same name elsewhere
			}
			calls++
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if filepath.Base(path) != "diag.go" { // the wrappers pass theirs on
					t.Errorf("%s: %s's format is not a string literal", fset.Position(call.Pos()), name)
				}
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			for i := 0; i < len(format); i++ {
				if format[i] != '%' {
					continue
				}
				i++
				if i == len(format) || !strings.ContainsRune("ds%", rune(format[i])) {
					t.Errorf("%s: format %q uses a verb diag does not implement (only %%d, %%s, %%%%)", fset.Position(call.Pos()), format)
					break
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 40 {
		t.Fatalf("found only %d format calls under %s: is the walk broken?", calls, pid1)
	}
	vet := exec.Command(testbin.GoTool(), "vet", "-printf.funcs=Debugf,Errorf,Sprintf", "./...")
	vet.Dir = pid1
	if out, err := vet.CombinedOutput(); err != nil {
		t.Errorf("go vet -printf.funcs=Debugf,Errorf,Sprintf ./internal/pid1/...: %v\n%s", err, out)
	}
}
