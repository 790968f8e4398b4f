// Package dumbinit holds what every part of the project shares about the
// release itself: the version string, read from the VERSION file at the root
// of the repository. VERSION is the single source of truth; the init, the
// release tool, the Debian package and the Python wheel all take it from here
// or from that file.
package dumbinit

import _ "embed"

//go:embed VERSION
var versionFile string

// Version is the release version without a leading "v", e.g. "1.3.0".
var Version = trim(versionFile)

// trim drops the white space around the file's one line. (Not
// strings.TrimSpace: that links Unicode's tables into the init.)
func trim(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// MetadataJSON is metadata.json, the single source of the package metadata
// (name, summary, description, homepage, maintainer, license, Debian section
// and priority) that the .deb, the Python wheel and the Debian source package
// share. Only release tooling decodes it; the init never references it, so
// the linker leaves it out of the init.
//
//go:embed metadata.json
var MetadataJSON string

// License is the text of LICENSE, which tini's -l shows in the
// tini-compatible mode.
//
//go:embed LICENSE
var License string
