"""Python packaging of dumb-init: a wheel per architecture that installs the
static binary onto PATH, and an sdist that compiles it with Go.

Build logic lives in python/dumb_init_build.py; version and metadata come
from VERSION and metadata.json, shared with every other release route.
"""
import os
import sys

from setuptools import setup

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'python'))
import dumb_init_build  # noqa: E402

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # building an sdist does not need wheel
    bdist_wheel = None

META = dumb_init_build.metadata()

cmdclass = {'build_scripts': dumb_init_build.BuildBinary, 'sdist': dumb_init_build.SdistWithBinaries}

if bdist_wheel is not None:
    class BdistWheel(bdist_wheel):
        """A py3-none wheel: no Python code, no ABI, one platform."""

        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            _, _, plat = super().get_tag()
            return 'py3', 'none', dumb_init_build.platform_tags() or plat

    cmdclass['bdist_wheel'] = BdistWheel

setup(
    # PEP 625: the sdist is named after the normalized name
    # (dumb_init-VERSION.tar.gz); pip and PyPI treat both spellings alike.
    name=META['name'].replace('-', '_'),
    version=dumb_init_build.version(),
    description=META['summary'],
    long_description=dumb_init_build.read('README.md'),
    long_description_content_type='text/markdown',
    author=META['maintainer'].split(' <')[0],
    author_email=META['maintainer'].split('<')[1].rstrip('>'),
    url=META['homepage'],
    project_urls={
        'Source': META['homepage'],
        'Issues': META['homepage'] + '/issues',
    },
    license=META['license'],
    platforms=['linux'],
    python_requires='>=3.7',
    # The binary is the whole distribution; it is listed as a script so that
    # it lands in <name>.data/scripts/ and pip puts it on PATH.
    scripts=['python/dumb-init'],
    packages=[],
    py_modules=[],
    zip_safe=False,
    cmdclass=cmdclass,
    classifiers=[
        'Development Status :: 5 - Production/Stable',
        'Environment :: Console',
        'Intended Audience :: Developers',
        'Intended Audience :: System Administrators',
        'License :: OSI Approved :: MIT License',
        'Operating System :: POSIX :: Linux',
        'Programming Language :: Go',
        'Programming Language :: Python :: 3',
        'Topic :: System :: Boot :: Init',
        'Topic :: Utilities',
    ],
)
