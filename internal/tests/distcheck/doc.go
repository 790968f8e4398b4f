// Package distcheck holds the tests of the release artifacts: it builds the
// whole release (every binary, alias, wheel, the sdist and sha256sums) once
// with the real release tool and checks each artifact for real: pip installs
// into virtual environments, platform selection, foreign binaries under
// qemu-user. It has no code of its own.
//
// Its tests are the distribution tier: go test -tags dist (scripts/test runs
// every tier).
package distcheck
