// Command dumb-init is a minimal init for containers. All of its logic lives
// in internal/pid1/cli; this file only connects the process to it.
package main

import (
	"os"

	"github.com/dumb-init/dumb-init/internal/pid1/cli"
	"github.com/dumb-init/dumb-init/internal/pid1/preempt"
	"github.com/dumb-init/dumb-init/internal/pid1/supervisor"
)

func main() {
	// First make sure the runtime will never send us SIGURG (this may
	// re-execute the program), then catch signals before anything else
	// happens, so none that arrives while the child starts is lost.
	env, _ := preempt.Ensure(os.Args, os.Environ())
	sigs := supervisor.Catch()
	os.Exit(cli.Main(os.Args, env, os.Stdout, os.Stderr, sigs))
}
