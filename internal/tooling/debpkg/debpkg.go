// Package debpkg owns the binary .deb of each release architecture, built
// with nfpm as a library: /usr/bin/dumb-init, the man page generated from the
// option table, the DEP-5 copyright file and changelog from debian/, and the
// lintian override for the static binary. Metadata comes from metadata.json.
// Release tooling only; never linked into the init.
package debpkg

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"

	"github.com/dumb-init/dumb-init/internal/tooling/manpage"
	"github.com/dumb-init/dumb-init/internal/tooling/release"
)

// Build writes t's .deb, containing the binary bin, to out (a file). root is
// the repository root (for debian/); epoch pins every timestamp.
func Build(root string, t release.Target, bin, out string, epoch int64) error {
	meta := release.Meta()
	mtime := time.Unix(epoch, 0).UTC()
	work, err := os.MkdirTemp("", "dumb-init-deb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	// Documentation is compressed here, with the maximum level and no name
	// or time in the gzip header, as Debian policy (and lintian) want.
	man := filepath.Join(work, "dumb-init.1.gz")
	if err := writeGzip(man, []byte(manpage.Render(release.Version(), meta.Summary, mtime))); err != nil {
		return err
	}
	changelog, err := os.ReadFile(filepath.Join(root, "debian", "changelog"))
	if err != nil {
		return err
	}
	changelogGz := filepath.Join(work, "changelog.gz")
	if err := writeGzip(changelogGz, changelog); err != nil {
		return err
	}

	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: mtime}}
	}
	info := &nfpm.Info{
		Name:          meta.Name,
		Arch:          t.Deb,
		Platform:      "linux",
		Version:       release.Version(),
		VersionSchema: "none",
		Section:       meta.Section,
		Priority:      meta.Priority,
		Maintainer:    meta.Maintainer,
		Description:   meta.DebianDescription(),
		Homepage:      meta.Homepage,
		License:       meta.License,
		MTime:         mtime,
		Overridables: nfpm.Overridables{
			Contents: files.Contents{
				file(bin, "/usr/bin/dumb-init", 0o755),
				file(man, "/usr/share/man/man1/dumb-init.1.gz", 0o644),
				file(filepath.Join(root, "debian", "copyright"), "/usr/share/doc/dumb-init/copyright", 0o644),
				file(changelogGz, "/usr/share/doc/dumb-init/changelog.gz", 0o644),
				file(filepath.Join(root, "debian", "dumb-init.lintian-overrides"), "/usr/share/lintian/overrides/dumb-init", 0o644),
				// The names that select the tini-compatible mode, in a
				// directory of our own: /usr/bin/tini belongs to
				// Debian's tini package and /usr/sbin/docker-init to
				// docker.io, and a package may not ship another's
				// file. Use them as docker run --init-path=... or
				// link them elsewhere by hand.
				symlink(TiniLinkTarget, "/usr/libexec/dumb-init/tini", mtime),
				symlink(TiniLinkTarget, "/usr/libexec/dumb-init/docker-init", mtime),
			},
			Deb: nfpm.Deb{
				Arch:        t.Deb,
				Compression: "gzip",
			},
		},
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return fmt.Errorf("nfpm: %w", err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := deb.Default.Package(info, f); err != nil {
		f.Close()
		return fmt.Errorf("nfpm deb for %s: %w", t.Deb, err)
	}
	return f.Close()
}

// TiniLinkTarget is where the tini-mode symlinks point, relative as Debian
// policy wants for links within /usr (dh_link makes the same).
const TiniLinkTarget = "../../bin/dumb-init"

func symlink(target, dst string, mtime time.Time) *files.Content {
	// 0777 is what a symlink's mode reads as on Linux (and what dh_link's
	// links carry); nfpm would otherwise write 0755.
	return &files.Content{Source: target, Destination: dst, Type: files.TypeSymlink, FileInfo: &files.ContentFileInfo{Mode: 0o777, MTime: mtime}}
}

func writeGzip(path string, data []byte) error {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
