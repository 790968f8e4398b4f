// Command manpage prints dumb-init(1) in roff, generated from the option
// table. The date comes from SOURCE_DATE_EPOCH (reproducible builds), else
// today. Used by debian/rules; the release tool renders the same page.
package main

import (
	"os"
	"strconv"
	"time"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/tooling/manpage"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

func main() {
	date := time.Now()
	if v, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		date = time.Unix(v, 0)
	}
	os.Stdout.WriteString(manpage.Render(dumbinit.Version, release.Meta().Summary, date))
}
