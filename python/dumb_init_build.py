"""Build support for the dumb-init Python distribution.

The wheel carries no Python code: only the static dumb-init binary, in
``dumb_init-<ver>.data/scripts/``, which pip installs onto PATH as it is (no
Python wrapper: a wrapper would make Python, not dumb-init, PID 1).

Where the binary comes from:

* release builds (``go run ./cmd/release dist``) pass a prebuilt binary in
  ``DUMB_INIT_BINARY`` and the wheel's platform tags in
  ``DUMB_INIT_PLATFORM_TAGS`` (dot-separated, from internal/tooling/release);
* an sdist install first looks for a prebuilt binary the sdist carries
  (``python/prebuilt/``: the architectures for which PyPI accepts no wheel
  tag that pip would offer, see internal/tooling/release) whose ELF class, byte order
  and machine are those of the running interpreter, so that it runs wherever
  the interpreter runs; only when none matches does it compile one with the
  Go toolchain through the same release tool, so it gets exactly the flags of
  a release build.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

import setuptools  # noqa: F401  (installs its distutils before the import below)
from distutils.command.build_scripts import build_scripts
from setuptools.command.sdist import sdist

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GO_MISSING = (
    'dumb-init: building from source needs the Go toolchain (1.26 or newer): '
    'install Go from https://go.dev/dl/ (or your distribution\'s golang '
    'package) and put it on PATH, or install a prebuilt dumb-init wheel'
)


def read(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return f.read()


def version():
    return read('VERSION').strip()


def metadata():
    return json.loads(read('metadata.json'))


def find_go():
    """The go command: on PATH, else in $GOROOT/bin."""
    go = shutil.which('go')
    if go:
        return go
    goroot = os.environ.get('GOROOT')
    if goroot and os.access(os.path.join(goroot, 'bin', 'go'), os.X_OK):
        return os.path.join(goroot, 'bin', 'go')
    return None


def compile_binary(out):
    """Compile dumb-init for this machine into out with the release flags."""
    go = find_go()
    if go is None:
        sys.exit(GO_MISSING)
    env = dict(os.environ)
    env['PATH'] = os.path.dirname(go) + os.pathsep + env.get('PATH', '')
    subprocess.run(
        [go, 'run', './cmd/build-init', '-o', os.path.abspath(out)],
        cwd=ROOT, env=env, check=True,
    )


PREBUILT = os.path.join(ROOT, 'python', 'prebuilt')


def elf_identity(path):
    """(class, byte order, machine) of an ELF file, or None for anything else."""
    try:
        with open(path, 'rb') as f:
            head = f.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b'\x7fELF' or head[5] not in (1, 2):
        return None
    order = '<' if head[5] == 1 else '>'
    return head[4], head[5], struct.unpack(order + 'H', head[18:20])[0]


def matching_prebuilt(interpreter=None, directory=PREBUILT):
    """The prebuilt binary in directory that runs where interpreter runs:
    same ELF class, byte order and machine (the binaries are static, so
    nothing else of the system matters). None when there is none."""
    want = elf_identity(os.path.realpath(interpreter or sys.executable))
    if want is None or not os.path.isdir(directory):
        return None
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if elf_identity(path) == want:
            return path
    return None


class SdistWithBinaries(sdist):
    """The stock sdist, plus the prebuilt binaries the release names in
    DUMB_INIT_SDIST_BINARIES (os.pathsep-separated) in python/prebuilt/."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        binaries = [b for b in os.environ.get('DUMB_INIT_SDIST_BINARIES', '').split(os.pathsep) if b]
        if binaries:
            target = os.path.join(base_dir, 'python', 'prebuilt')
            os.makedirs(target, exist_ok=True)
            for b in binaries:
                out = os.path.join(target, os.path.basename(b))
                shutil.copyfile(b, out)
                os.chmod(out, 0o755)


class BuildBinary(build_scripts):
    """Puts the dumb-init binary where install_scripts picks scripts up.

    The stock command reads each script as text to rewrite its #! line,
    which a binary cannot go through; the binary is copied (or compiled)
    byte for byte instead.
    """

    def run(self):
        os.makedirs(self.build_dir, exist_ok=True)
        out = os.path.join(self.build_dir, 'dumb-init')
        prebuilt = os.environ.get('DUMB_INIT_BINARY') or matching_prebuilt()
        if prebuilt:
            shutil.copyfile(prebuilt, out)
        else:
            compile_binary(out)
        os.chmod(out, 0o755)


def platform_tags():
    """The platform tags of the wheel being built, or None for this host."""
    tags = os.environ.get('DUMB_INIT_PLATFORM_TAGS')
    return tags or None
