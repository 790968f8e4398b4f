// Command release is the project's release tool. It is never linked into the
// init.
//
//	release dist [-o DIR] [-arch DEB,...] [-no-deb] [-no-python]
//	    build every release artifact into DIR (default dist/): per
//	    architecture the static binary (named after `uname -m`, plus an alias
//	    named after the Debian architecture), the .deb and the wheel; the
//	    sdist; and sha256sums. Timestamps come from SOURCE_DATE_EPOCH, else
//	    the commit.
//	release ldflags     print the release -ldflags value
//	release version     print the version
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
	"github.com/dumb-init/dumb-init/internal/tooling/debpkg"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "dist":
		fs := flag.NewFlagSet("dist", flag.ExitOnError)
		out := fs.String("o", "dist", "output directory (emptied first)")
		arches := fs.String("arch", "", "comma-separated Debian architectures (default: all)")
		noPython := fs.Bool("no-python", false, "skip the wheels and the sdist")
		noDeb := fs.Bool("no-deb", false, "skip the Debian packages")
		fs.Parse(os.Args[2:])
		o := release.DistOptions{Root: ".", Out: *out, Log: os.Stderr, SourceDateEpoch: release.SourceDateEpoch(".")}
		if !*noPython {
			o.Python = pythonForWheels()
		}
		if !*noDeb {
			o.Deb = func(t release.Target, bin, out string) error {
				return debpkg.Build(o.Root, t, bin, out, o.SourceDateEpoch)
			}
		}
		if *arches != "" {
			for _, a := range strings.Split(*arches, ",") {
				t, ok := release.Find(a)
				if !ok {
					fail(fmt.Errorf("unknown architecture %q", a))
				}
				o.Targets = append(o.Targets, t)
			}
		}
		if err := release.Dist(o); err != nil {
			fail(err)
		}
	case "ldflags":
		fmt.Println(buildflags.LDFlags)
	case "version":
		fmt.Println(release.Version())
	default:
		usage()
	}
}

// pythonForWheels returns the interpreter that builds the wheels and the
// sdist. It needs setuptools and wheel; as root on Debian they are installed
// with apt-get when missing. Without them the Python artifacts are skipped
// with a warning rather than failing the whole release build.
func pythonForWheels() string {
	py := release.DefaultPython()
	ok := func() bool { return exec.Command(py, "-c", "import setuptools, wheel").Run() == nil }
	if ok() {
		return py
	}
	if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
		fmt.Fprintln(os.Stderr, "release: installing python3-setuptools and python3-wheel with apt-get")
		cmd := exec.Command("apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3", "python3-setuptools", "python3-wheel")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		_ = cmd.Run()
		py = release.DefaultPython()
		if ok() {
			return py
		}
	}
	fmt.Fprintln(os.Stderr, "release: warning: no Python with setuptools and wheel ("+py+"): skipping the wheels and the sdist")
	return ""
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "release:", err)
	os.Exit(1)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: release dist [-o DIR] [-arch DEB,...] [-no-deb] [-no-python] | ldflags | version")
	os.Exit(2)
}
