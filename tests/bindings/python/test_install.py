"""How the package finds libsmcache.so (bindings/python/smcache/_ffi.py, setup.py): installed with
pip (library bundled into the package), imported from a checkout (build/lib), or pointed at with
SMCACHE_LIBRARY; a wrong SMCACHE_LIBRARY fails at import with a clear message."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import smcache
from conftest import REPO

PACKAGE = REPO / "bindings" / "python"
PROBE = ("import smcache; c = smcache.Cache.from_bytes(smcache.compile("
         "'{\"version\":3,\"sources\":[\"a.js\"],\"names\":[],\"mappings\":\"AAAA\"}')); "
         "print(smcache.library_path()); print(c.lookup(0, 0).source)")


def built_library() -> Path:
    return Path(smcache.library_path()).resolve()


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SMCACHE_LIBRARY", "LD_LIBRARY_PATH")}
    env.update(extra)
    return env


def test_pip_install_bundles_the_library(tmp_path):
    if subprocess.run([sys.executable, "-m", "venv", "--help"], capture_output=True).returncode:
        pytest.skip("SKIPPED: python3 -m venv unavailable (Debian package python3-venv)")
    src = tmp_path / "src"
    # A copy, so the build leaves no build/ or egg-info in the checkout.
    shutil.copytree(PACKAGE, src, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation",
         "--no-index", "--no-deps", "--disable-pip-version-check", "-q", str(src)],
        env=clean_env(SMCACHE_LIBRARY=str(built_library())), capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    # Outside the checkout, with no hint in the environment.
    out = subprocess.run([str(venv / "bin" / "python"), "-c", PROBE], cwd=tmp_path,
                         env=clean_env(), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    path, source = out.stdout.split()
    assert Path(path).parent.name == "smcache" and "site-packages" in path
    assert source == "a.js"


def test_checkout_layout_finds_build_lib(tmp_path):
    # <checkout>/bindings/python/smcache is found with PYTHONPATH=bindings/python, and the
    # library in <checkout>/build/lib.
    checkout = tmp_path / "checkout"
    shutil.copytree(PACKAGE / "smcache", checkout / "bindings" / "python" / "smcache",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (checkout / "build" / "lib").mkdir(parents=True)
    shutil.copyfile(built_library(), checkout / "build" / "lib" / "libsmcache.so")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True,
                         text=True,
                         env=clean_env(PYTHONPATH=str(checkout / "bindings" / "python")))
    assert out.returncode == 0, out.stderr
    path, source = out.stdout.split()
    assert Path(path) == checkout / "build" / "lib" / "libsmcache.so"


def test_wrong_smcache_library_fails_clearly(tmp_path):
    out = subprocess.run([sys.executable, "-c", "import smcache"], capture_output=True, text=True,
                         env=clean_env(PYTHONPATH=str(PACKAGE),
                                       SMCACHE_LIBRARY=str(tmp_path / "nope.so")))
    assert out.returncode != 0
    assert "ImportError: smcache: cannot load SMCACHE_LIBRARY=" in out.stderr


def test_help_reads_well():
    out = subprocess.run([sys.executable, "-c", "import smcache; help(smcache)"],
                         capture_output=True, text=True, env={**os.environ, "PAGER": "cat"})
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for needle in ("smcache.open(", "class Cache", "lookup(self, line: ",
                   "class InvalidSourceMap", "compile_file("):
        assert needle in text, needle
