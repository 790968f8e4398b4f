// Command release is the project's release tool. It is never linked into the
// init. Subcommands:
//
//	release host [-o FILE]   build the init for this machine (default dist/dumb-init)
//	release ldflags          print the release -ldflags value
//	release version          print the version
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/buildflags"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "host":
		fs := flag.NewFlagSet("host", flag.ExitOnError)
		out := fs.String("o", "dist/dumb-init", "output file")
		fs.Parse(os.Args[2:])
		if err := buildHost(*out); err != nil {
			fmt.Fprintln(os.Stderr, "release:", err)
			os.Exit(1)
		}
		fmt.Println(*out)
	case "ldflags":
		fmt.Println(buildflags.LDFlags)
	case "version":
		fmt.Println(dumbinit.Version)
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: release host [-o FILE] | ldflags | version")
	os.Exit(2)
}

// buildHost builds the init for the machine it runs on, the way releases do.
func buildHost(out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", buildflags.Args(out, "./cmd/dumb-init")...)
	cmd.Env = append(os.Environ(), buildflags.Env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
