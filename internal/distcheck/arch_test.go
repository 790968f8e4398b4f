package distcheck

import "runtime"

func goarch() string { return runtime.GOARCH }
