// Command build-init builds the init for the machine it runs on with the
// release flags: `go run ./cmd/build-init [-o FILE]` (default dist/dumb-init).
// scripts/build and the Python sdist use it. It depends on nothing outside
// the standard library, so building from source downloads nothing extra.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

func main() {
	out := flag.String("o", "dist/dumb-init", "output file")
	flag.Parse()
	if err := buildflags.Build(".", *out); err != nil {
		fmt.Fprintln(os.Stderr, "build-init:", err)
		os.Exit(1)
	}
	fmt.Println(*out)
}
