package release

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DistOptions configures a release build.
type DistOptions struct {
	// Root is the repository root; Out the output directory (emptied).
	Root, Out string
	// Targets to build; nil means all.
	Targets []Target
	// Python is the interpreter that runs setup.py ("" skips wheels and
	// the sdist).
	Python string
	// SourceDateEpoch pins every timestamp in the artifacts.
	SourceDateEpoch int64
	// Log receives progress lines.
	Log io.Writer
	// Deb, when set, builds the Debian package of t around bin into the
	// file out (internal/tooling/debpkg; a hook so this package needs no nfpm).
	Deb func(t Target, bin, out string) error
}

// Dist builds every release artifact into o.Out: per target the binary, its
// alias, (with o.Deb) the .deb and (with o.Python) the wheel; the sdist; and
// sha256sums.
func Dist(o DistOptions) error {
	if o.Targets == nil {
		o.Targets = Targets
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := os.RemoveAll(o.Out); err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	epoch := "SOURCE_DATE_EPOCH=" + strconv.FormatInt(o.SourceDateEpoch, 10)
	for _, t := range o.Targets {
		bin := filepath.Join(o.Out, t.BinaryName())
		fmt.Fprintf(o.Log, "binary %s\n", filepath.Base(bin))
		if err := BuildBinary(o.Root, t, bin, epoch); err != nil {
			return err
		}
		if alias := t.AliasName(); alias != "" {
			if err := copyFile(bin, filepath.Join(o.Out, alias)); err != nil {
				return err
			}
		}
		if o.Deb != nil {
			fmt.Fprintf(o.Log, "deb %s\n", t.DebName())
			if err := o.Deb(t, bin, filepath.Join(o.Out, t.DebName())); err != nil {
				return err
			}
		}
		if o.Python != "" && t.HasWheel() {
			fmt.Fprintf(o.Log, "wheel %s\n", t.WheelName())
			if err := Wheel(o.Root, o.Python, t, bin, o.Out, o.SourceDateEpoch); err != nil {
				return err
			}
		}
	}
	if o.Python != "" {
		fmt.Fprintf(o.Log, "sdist\n")
		var binaries []string
		for _, t := range o.Targets {
			if t.SdistBinary {
				binaries = append(binaries, filepath.Join(o.Out, t.BinaryName()))
			}
		}
		if err := Sdist(o.Root, o.Python, o.Out, o.SourceDateEpoch, binaries); err != nil {
			return err
		}
	}
	return WriteChecksums(o.Out)
}

// Wheel builds t's wheel around the prebuilt binary bin into out.
func Wheel(root, python string, t Target, bin, out string, epoch int64) error {
	work, err := os.MkdirTemp("", "dumb-init-wheel-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	abs, _ := filepath.Abs(bin)
	absOut, _ := filepath.Abs(out)
	return runSetup(root, python, []string{
		"DUMB_INIT_BINARY=" + abs,
		"DUMB_INIT_PLATFORM_TAGS=" + strings.Join(t.PlatformTags(), "."),
		"SOURCE_DATE_EPOCH=" + strconv.FormatInt(epoch, 10),
	}, "build", "--build-base", filepath.Join(work, "build"),
		"egg_info", "--egg-base", work,
		"bdist_wheel", "--bdist-dir", filepath.Join(work, "bdist"), "--dist-dir", absOut)
}

// Sdist builds the source distribution into out, carrying the prebuilt
// binaries for the architectures no accepted wheel tag reaches.
func Sdist(root, python, out string, epoch int64, binaries []string) error {
	work, err := os.MkdirTemp("", "dumb-init-sdist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	absOut, _ := filepath.Abs(out)
	var abs []string
	for _, b := range binaries {
		a, _ := filepath.Abs(b)
		abs = append(abs, a)
	}
	if err := runSetup(root, python, []string{"SOURCE_DATE_EPOCH=" + strconv.FormatInt(epoch, 10),
		"DUMB_INIT_SDIST_BINARIES=" + strings.Join(abs, string(os.PathListSeparator))},
		"egg_info", "--egg-base", work, "sdist", "--dist-dir", absOut, "--formats", "gztar"); err != nil {
		return err
	}
	return normalizeTarGz(filepath.Join(absOut, SdistName()), epoch)
}

// normalizeTarGz rewrites a .tar.gz so that it depends on nothing but its
// contents and epoch: entries sorted by name, every time set to epoch, owner
// root (0/0, no names), modes 0755 for directories and executables and 0644
// for other files, and a gzip header without name or time. setuptools takes
// times from the checkout and the build, owners from the builder.
func normalizeTarGz(path string, epoch int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return err
	}
	type entry struct {
		hdr  *tar.Header
		data []byte
	}
	var entries []entry
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			f.Close()
			return err
		}
		entries = append(entries, entry{h, data})
	}
	f.Close()
	sort.Slice(entries, func(i, j int) bool { return entries[i].hdr.Name < entries[j].hdr.Name })
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	when := time.Unix(epoch, 0).UTC()
	for _, e := range entries {
		mode := int64(0o644)
		if e.hdr.Typeflag == tar.TypeDir || e.hdr.Mode&0o111 != 0 {
			mode = 0o755
		}
		h := &tar.Header{Typeflag: e.hdr.Typeflag, Name: e.hdr.Name, Linkname: e.hdr.Linkname, Size: int64(len(e.data)),
			Mode: mode, ModTime: when, Format: tar.FormatPAX}
		if e.hdr.Typeflag == tar.TypeDir {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			out.Close()
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			out.Close()
			return err
		}
	}
	if err := tw.Close(); err != nil {
		out.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func runSetup(root, python string, env []string, args ...string) error {
	cmd := exec.Command(python, append([]string{"setup.py", "-q"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("setup.py %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// WriteChecksums writes sha256sums over every other file in dir, in the
// format `sha256sum -c` reads.
func WriteChecksums(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && e.Name() != "sha256sums" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		sum, err := fileSHA256(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		b.WriteString(sum + "  " + n + "\n")
	}
	return os.WriteFile(filepath.Join(dir, "sha256sums"), []byte(b.String()), 0o644)
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// SourceDateEpoch returns $SOURCE_DATE_EPOCH, else the commit time of HEAD
// in root, else 0.
func SourceDateEpoch(root string) int64 {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	cmd := exec.Command("git", "log", "-1", "--format=%ct")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil {
			return n
		}
	}
	return 0
}

// DefaultPython is the interpreter release builds use: Debian's, which has
// setuptools and wheel from the archive, unless $DUMB_INIT_PYTHON says
// otherwise.
func DefaultPython() string {
	if p := os.Getenv("DUMB_INIT_PYTHON"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}
