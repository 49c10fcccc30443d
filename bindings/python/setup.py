"""Packaging glue: bundles the already built libsmcache.so into the package at install time.

`pip install --no-build-isolation ./bindings/python` copies the C library into the installed
`smcache/` directory, where smcache._ffi looks first, so `import smcache` works outside the
checkout. Which library: $SMCACHE_LIBRARY if set, else build/lib/libsmcache.so of this checkout.
Set SMCACHE_BUNDLE_LIBRARY=0 to install without it (the library then comes from SMCACHE_LIBRARY
at run time or the dynamic loader's path, e.g. after `cmake --install`). Metadata is in
pyproject.toml.
"""

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent


def _library() -> Path:
    explicit = os.environ.get("SMCACHE_LIBRARY")
    if explicit:
        return Path(explicit)
    return HERE.parent.parent / "build" / "lib" / "libsmcache.so"


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        if os.environ.get("SMCACHE_BUNDLE_LIBRARY", "1") == "0":
            return
        lib = _library()
        if not lib.exists():
            raise SystemExit(
                f"smcache: {lib} not found. Build it first (cmake --build build --target "
                "smcache_c), or set SMCACHE_LIBRARY=/path/to/libsmcache.so, or set "
                "SMCACHE_BUNDLE_LIBRARY=0 to rely on an installed libsmcache.so.1")
        target = Path(self.build_lib) / "smcache" / "libsmcache.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        # Resolve the libsmcache.so -> libsmcache.so.1 symlink: copy the real file.
        shutil.copyfile(lib.resolve(), target)
        os.chmod(target, 0o755)


class BinaryDistribution(Distribution):
    """The wheel carries a native library: tag it for this platform, not py3-none-any."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildPyWithLibrary}, distclass=BinaryDistribution)
