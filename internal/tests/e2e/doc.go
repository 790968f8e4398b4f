// Package e2e holds the end-to-end tests of the init: they build the real
// binary the way releases build it and run it with real processes, signals,
// terminals and PID namespaces. It has no code of its own.
//
// Its tests are the end-to-end tier: go test -tags e2e (scripts/test runs
// every tier).
package e2e
