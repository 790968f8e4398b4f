package release

import "testing"

// PyPI's upload rules as PyPIAccepts encodes them, on the tags that decide
// our release: manylinux/musllinux of the listed architectures, two plain
// ARM tags, nothing else.
func TestPyPIAccepts(t *testing.T) {
	for tag, want := range map[string]bool{
		"manylinux_2_17_x86_64": true, "manylinux2014_x86_64": true, "musllinux_1_1_x86_64": true,
		"manylinux_2_17_riscv64": true, "musllinux_1_1_riscv64": true, "manylinux2014_riscv64": false,
		"manylinux_2_17_ppc64": true, "musllinux_1_1_ppc64": false,
		"manylinux_2_17_armv7l": true, "linux_armv7l": true, "linux_armv6l": true,
		"manylinux_2_17_armv5tel": false, "musllinux_1_1_armv5tel": false, "linux_armv5tel": false,
		"manylinux_2_17_mips64": false, "linux_mips64": false,
		"manylinux_2_17_loongarch64": false, "musllinux_1_1_loongarch64": false,
		"linux_x86_64": false, "manylinux_x_17_x86_64": false, "manylinux_2_17": false, "": false,
	} {
		if got := PyPIAccepts(tag); got != want {
			t.Errorf("PyPIAccepts(%q) = %v, want %v", tag, got, want)
		}
	}
	for _, tg := range Targets {
		for _, tag := range tg.PlatformTags() {
			if !PyPIAccepts(tag) {
				t.Errorf("%s: wheel tag %s refused", tg.Deb, tag)
			}
		}
		if !tg.HasWheel() && !tg.SdistBinary {
			t.Errorf("%s: neither a wheel nor a binary in the sdist", tg.Deb)
		}
	}
}
