// Package release owns the release matrix: which Linux architectures we ship,
// how each artifact is named, the package metadata every route shares, and
// building the static binaries. It is used by cmd/release and the tests,
// never by the init.
package release

import (
	"debug/elf"
	"encoding/json"
	"runtime"
	"slices"
	"strings"

	dumbinit "github.com/dumb-init/dumb-init"
	"github.com/dumb-init/dumb-init/internal/pid1/signals"
	"github.com/dumb-init/dumb-init/internal/tooling/buildflags"
)

// Target is one architecture of the release.
type Target struct {
	GOARCH string
	// GOARM is set for the two 32-bit ARM flavours.
	GOARM string
	// Deb is the Debian architecture name.
	Deb string
	// Machine is what `uname -m` prints there; release binaries are named
	// after it, as the original's were.
	Machine string
	// Python is the architecture part of the wheel's platform tags.
	Python string
	// Manylinux2014 is true where PEP 599's legacy manylinux2014 tag
	// exists for the architecture.
	Manylinux2014 bool
	// Wheel says which platform tags the target's wheel carries, among
	// those PyPI accepts (PyPIAccepts): WheelManylinux (PEP 600 and 656
	// tags for Python), WheelPlainARM (linux_armv6l and linux_armv7l,
	// the only plain tags PyPI takes, which pip on soft-float ARM offers),
	// or WheelNone where PyPI accepts no tag for the architecture: there,
	// the sdist carries the binary (SdistBinary).
	Wheel WheelKind
	// SdistBinary: the sdist carries this binary and installs it where
	// no wheel matches the interpreter (see python/dumb_init_build.py).
	SdistBinary bool
	// ELFMachine is the machine field a binary for the target carries.
	ELFMachine string
	// Qemu is the qemu-user binary that runs it on another machine ("" for
	// none needed on x86-64 hosts: amd64 and 386 run natively).
	Qemu string
}

// WheelKind is which platform tags a target's wheel carries.
type WheelKind int

// The kinds of wheel.
const (
	WheelManylinux WheelKind = iota
	WheelPlainARM
	WheelNone
)

// Targets lists the release architectures.
var Targets = []Target{
	{GOARCH: "amd64", Deb: "amd64", Machine: "x86_64", Python: "x86_64", Manylinux2014: true, ELFMachine: "EM_X86_64"},
	{GOARCH: "arm64", Deb: "arm64", Machine: "aarch64", Python: "aarch64", Manylinux2014: true, ELFMachine: "EM_AARCH64", Qemu: "qemu-aarch64-static"},
	{GOARCH: "arm", GOARM: "7", Deb: "armhf", Machine: "armv7l", Python: "armv7l", Manylinux2014: true, ELFMachine: "EM_ARM", Qemu: "qemu-arm-static"},
	// pip gives manylinux tags on 32-bit ARM only to hard-float
	// interpreters; on armel it offers linux_armv7l or linux_armv6l by
	// CPU (which PyPI accepts), or linux_armv5tel (which it does not).
	{GOARCH: "arm", GOARM: "5", Deb: "armel", Machine: "armv5tel", Python: "armv5tel", ELFMachine: "EM_ARM", Qemu: "qemu-arm-static", Wheel: WheelPlainARM, SdistBinary: true},
	{GOARCH: "386", Deb: "i386", Machine: "i386", Python: "i686", Manylinux2014: true, ELFMachine: "EM_386"},
	{GOARCH: "ppc64le", Deb: "ppc64el", Machine: "ppc64le", Python: "ppc64le", Manylinux2014: true, ELFMachine: "EM_PPC64", Qemu: "qemu-ppc64le-static"},
	{GOARCH: "s390x", Deb: "s390x", Machine: "s390x", Python: "s390x", Manylinux2014: true, ELFMachine: "EM_S390", Qemu: "qemu-s390x-static"},
	// pip offers riscv64 manylinux tags from pip 24 on; older pips find
	// the binary in the sdist.
	{GOARCH: "riscv64", Deb: "riscv64", Machine: "riscv64", Python: "riscv64", ELFMachine: "EM_RISCV", Qemu: "qemu-riscv64-static", SdistBinary: true},
	{GOARCH: "loong64", Deb: "loong64", Machine: "loongarch64", Python: "loongarch64", ELFMachine: "EM_LOONGARCH", Qemu: "qemu-loongarch64-static", Wheel: WheelNone, SdistBinary: true},
	{GOARCH: "mips64le", Deb: "mips64el", Machine: "mips64", Python: "mips64", ELFMachine: "EM_MIPS", Qemu: "qemu-mips64el-static", Wheel: WheelNone, SdistBinary: true},
}

// Version is the release version.
func Version() string { return dumbinit.Version }

// BinaryName is the release file name of t's binary, e.g.
// dumb-init_1.3.0_x86_64. These names never change.
func (t Target) BinaryName() string { return "dumb-init_" + Version() + "_" + t.Machine }

// AliasName is the same binary under its Debian architecture name, e.g.
// dumb-init_1.3.0_amd64, or "" where both names are the same.
func (t Target) AliasName() string {
	if t.Deb == t.Machine {
		return ""
	}
	return "dumb-init_" + Version() + "_" + t.Deb
}

// DebName is the file name of t's Debian package.
func (t Target) DebName() string { return "dumb-init_" + Version() + "_" + t.Deb + ".deb" }

// PlatformTags are t's wheel platform tags (nil: no wheel). A libc-free
// static binary can carry PEP 600 manylinux_2_17, the legacy manylinux2014
// alias where it exists, and PEP 656 musllinux_1_1 at once.
func (t Target) PlatformTags() []string {
	switch t.Wheel {
	case WheelPlainARM:
		return []string{"linux_armv6l", "linux_armv7l"}
	case WheelNone:
		return nil
	}
	tags := []string{"manylinux_2_17_" + t.Python}
	if t.Manylinux2014 {
		tags = append(tags, "manylinux2014_"+t.Python)
	}
	return append(tags, "musllinux_1_1_"+t.Python)
}

// HasWheel reports whether t has a wheel.
func (t Target) HasWheel() bool { return t.Wheel != WheelNone }

// WheelName is the file name of t's wheel ("" for none).
func (t Target) WheelName() string {
	if !t.HasWheel() {
		return ""
	}
	return "dumb_init-" + Version() + "-py3-none-" + strings.Join(t.PlatformTags(), ".") + ".whl"
}

// SdistName is the file name of the source distribution: PEP 625's
// normalized name (underscores) and the version.
func SdistName() string { return "dumb_init-" + Version() + ".tar.gz" }

// PyPIAccepts reports whether PyPI's upload check takes a wheel with this
// platform tag for Linux: manylinux and musllinux tags of a fixed list of
// architectures (ppc64 for manylinux only) and, of the plain tags, only
// linux_armv6l and linux_armv7l (as read from PyPI's upload code, pypi/warehouse
// forklift). Release tests check every wheel against it.
func PyPIAccepts(tag string) bool {
	// PEP 600/656 architectures; ppc64 only for manylinux, and the legacy
	// PEP 599 manylinux2014 tag has no riscv64.
	common := []string{"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x"}
	var arches []string
	var rest string
	switch {
	case tag == "linux_armv6l", tag == "linux_armv7l":
		return true
	case strings.HasPrefix(tag, "manylinux2014_"):
		return slices.Contains(append(common, "ppc64"), strings.TrimPrefix(tag, "manylinux2014_"))
	case strings.HasPrefix(tag, "manylinux_"):
		rest, arches = strings.TrimPrefix(tag, "manylinux_"), append(common, "riscv64", "ppc64")
	case strings.HasPrefix(tag, "musllinux_"):
		rest, arches = strings.TrimPrefix(tag, "musllinux_"), append(common, "riscv64")
	default:
		return false
	}
	// rest is MAJOR_MINOR_ARCH.
	parts := strings.SplitN(rest, "_", 3)
	if len(parts) != 3 {
		return false
	}
	_, okMajor := signals.Decimal(parts[0])
	_, okMinor := signals.Decimal(parts[1])
	return okMajor && okMinor && slices.Contains(arches, parts[2])
}

// Env is the go build environment for t.
func (t Target) Env() []string {
	env := append([]string{"GOOS=linux", "GOARCH=" + t.GOARCH}, buildflags.Env...)
	if t.GOARM != "" {
		env = append(env, "GOARM="+t.GOARM)
	}
	return env
}

// HostTarget returns the target this program runs on (for 32-bit ARM, the
// armhf one), if it is a release architecture.
func HostTarget() (Target, bool) {
	for _, t := range Targets {
		if t.GOARCH == runtime.GOARCH && (t.GOARM == "" || t.GOARM == "7") {
			return t, true
		}
	}
	return Target{}, false
}

// Find returns the target with the given Debian architecture.
func Find(deb string) (Target, bool) {
	for _, t := range Targets {
		if t.Deb == deb {
			return t, true
		}
	}
	return Target{}, false
}

// Metadata is metadata.json.
type Metadata struct {
	Name        string   `json:"name"`
	Summary     string   `json:"summary"`
	Description []string `json:"description"`
	Homepage    string   `json:"homepage"`
	Maintainer  string   `json:"maintainer"`
	License     string   `json:"license"`
	Section     string   `json:"section"`
	Priority    string   `json:"priority"`
}

// Meta returns the package metadata.
func Meta() Metadata {
	var m Metadata
	if err := json.Unmarshal([]byte(dumbinit.MetadataJSON), &m); err != nil {
		panic("metadata.json: " + err.Error())
	}
	return m
}

// BuildBinary builds t's static binary into out, from the module in root.
func BuildBinary(root string, t Target, out string, extraEnv ...string) error {
	return buildflags.Build(root, out, append(t.Env()[:len(t.Env()):len(t.Env())], extraEnv...)...)
}

// DebianDescription is the Description field of the Debian package: the
// summary, then the description paragraphs wrapped at 76 columns, with an
// empty line between paragraphs (nfpm and debian/control add the leading
// space and turn empty lines into " .").
func (m Metadata) DebianDescription() string {
	var b strings.Builder
	b.WriteString(m.Summary)
	for i, p := range m.Description {
		if i > 0 {
			b.WriteString("\n")
		}
		line := ""
		for _, word := range strings.Fields(p) {
			if line != "" && len(line)+1+len(word) > 76 {
				b.WriteString("\n" + line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

// IsStatic reports whether path is an ELF executable that needs no program
// interpreter (no dynamic loader): what every release binary must be, and
// what runs in a FROM scratch image.
func IsStatic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}
