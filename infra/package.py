"""The deployment package: what Lambda runs, built the same way for ``make synth`` and for the
artifact test (``tests/infra/test_artifact.py`` unpacks exactly these zips).

* **Runtime and architecture** are fixed here, not taken from whichever Python runs the synth.
  Moving to arm64 (cheaper per GB-second) is the one line ``ARCHITECTURE = "arm64"``: the
  wheels, the layer and every function follow.
* **The layer** holds the dependencies of ``requirements.lock`` (hashes required), installed
  from manylinux wheels for that runtime and architecture only (never an sdist built on this
  machine, whose libraries Lambda does not have), with bytecode compiled ahead.
* **The app** is what ``chalice package`` zips (``app.py``, ``chalicelib/``, Chalice's runtime),
  packaged from a copy of the project whose requirements are empty (the layer has them), with
  bytecode compiled ahead too.

Bytecode uses ``unchecked-hash`` invalidation: Lambda's code is read-only and unpacked with
arbitrary mtimes, so timestamp-checked ``.pyc`` files would be ignored (or rewritten nowhere)
and every cold start would compile the whole import graph again.
"""
from __future__ import annotations

import compileall
import contextlib
import fcntl
import hashlib
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAMBDA_PYTHON = "3.12"
LAMBDA_RUNTIME = f"python{LAMBDA_PYTHON}"
# x86_64: the build/CI machines are x86_64, so the artifact test runs the very native wheels
# we ship. arm64 costs ~20 % less per GB-second: switching is this one line.
ARCHITECTURE = "x86_64"
_WHEEL_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}
# Lambda's python3.12 runs on Amazon Linux 2023 (glibc 2.34): manylinux2014 .. manylinux_2_34.
GLIBC_MAX = 34
LOCK_FILE = "requirements.lock"
# Bump when the way the layer is built changes (the cache key includes it).
LAYER_BUILD_VERSION = "2"
# Compiling ahead can be switched off to measure what it buys (benchmarks/cold start).
COMPILE_ENV = "GONGHUI_PACKAGE_BYTECODE"


def wheel_platforms(architecture: str = ARCHITECTURE) -> list[str]:
    arch = _WHEEL_ARCH[architecture]
    return [f"manylinux2014_{arch}"] + [f"manylinux_2_{minor}_{arch}" for minor in range(17, GLIBC_MAX + 1)]


def bytecode_enabled() -> bool:
    return os.environ.get(COMPILE_ENV, "1") != "0"


def _check_interpreter() -> None:
    # .pyc files are specific to the minor version that wrote them.
    if f"{sys.version_info.major}.{sys.version_info.minor}" != LAMBDA_PYTHON:
        raise RuntimeError(f"package with Python {LAMBDA_PYTHON} (the Lambda runtime), not {sys.version.split()[0]}")


def compile_tree(root: Path) -> None:
    """Write ``__pycache__/*.cpython-312.pyc`` next to every module, unchecked-hash."""
    _check_interpreter()
    # The result is False when a file does not compile (some packages ship Python 2 test
    # data that is never imported); everything importable gets its .pyc.
    compileall.compile_dir(str(root), quiet=2, workers=1, optimize=-1,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def _zip_tree(root: Path, out: Path, prefix: str = "") -> None:
    """A reproducible zip: sorted names, fixed timestamps, 0644/0755 modes."""
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in sorted(root.rglob("*")):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(prefix + path.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes())
    tmp.replace(out)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _uv() -> str:
    found = Path(sys.executable).parent / "uv"
    if found.exists():
        return str(found)
    which = shutil.which("uv")
    if which is None:
        raise RuntimeError("uv is needed to build the layer (requirements-dev.txt pins it; run `make venv`)")
    return which


def layer_key(project_dir: Path, architecture: str = ARCHITECTURE) -> str:
    digest = hashlib.sha256()
    for part in (LAYER_BUILD_VERSION, LAMBDA_RUNTIME, architecture, str(bytecode_enabled())):
        digest.update(part.encode() + b"\0")
    digest.update((project_dir / LOCK_FILE).read_bytes())
    return digest.hexdigest()[:20]


def build_layer(project_dir: Path, cache_dir: Path | None = None, architecture: str = ARCHITECTURE) -> Path:
    """The dependency layer zip (``python/...``), cached by the lock's content."""
    lock = project_dir / LOCK_FILE
    if not lock.exists():
        raise FileNotFoundError(f"{lock} is missing: run `make lock`")
    cache = cache_dir or project_dir / ".chalice" / "deployments"
    out = cache / f"gonghui-layer-{LAMBDA_RUNTIME}-{architecture}-{layer_key(project_dir, architecture)}.zip"
    with _locked(cache / ".layer.lock"):
        if out.exists():
            return out
        with tempfile.TemporaryDirectory(prefix="gonghui-layer-") as tmp:
            site = Path(tmp) / "python"
            cmd = [_uv(), "pip", "install", "--quiet", "--target", str(site), "--require-hashes",
                   "--no-deps", "--only-binary", ":all:", "--python-version", LAMBDA_PYTHON,
                   "--python-platform", f"{_WHEEL_ARCH[architecture]}-manylinux_2_{GLIBC_MAX}",
                   "--no-compile", "-r", str(lock)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"building the layer failed:\n{proc.stdout}\n{proc.stderr}")
            for cache_dir_name in site.rglob("__pycache__"):
                shutil.rmtree(cache_dir_name, ignore_errors=True)
            if bytecode_enabled():
                compile_tree(site)
            _zip_tree(Path(tmp), out)
    return out


def stage_project(project_dir: Path, into: Path) -> Path:
    """A copy of the Chalice project with empty requirements (the layer carries them), so
    ``chalice package`` zips only the app."""
    staged = into / "project"
    staged.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "deployed")
    shutil.copy2(project_dir / "app.py", staged / "app.py")
    shutil.copytree(project_dir / "chalicelib", staged / "chalicelib", ignore=ignore)
    shutil.copytree(project_dir / ".chalice", staged / ".chalice", ignore=ignore)
    if (project_dir / "vendor").exists():
        shutil.copytree(project_dir / "vendor", staged / "vendor", ignore=ignore)
    (staged / "requirements.txt").write_text("# dependencies ship in the layer (infra/package.py)\n")
    return staged


def finish_app_zip(deployment_zip: Path) -> None:
    """Rewrite Chalice's ``deployment.zip`` reproducibly, with bytecode compiled ahead."""
    with tempfile.TemporaryDirectory(prefix="gonghui-app-") as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(deployment_zip) as z:
            z.extractall(root)
        for cache_dir_name in root.rglob("__pycache__"):
            shutil.rmtree(cache_dir_name, ignore_errors=True)
        if bytecode_enabled():
            compile_tree(root)
        _zip_tree(root, deployment_zip)


def package_app(project_dir: Path, output_dir: Path, stage: str, chalice_config: dict[str, Any]) -> None:
    """``chalice package`` of the app alone into ``output_dir`` (``sam.json`` and
    ``deployment.zip``), then bytecode added to the zip."""
    from chalice import api

    config = {**chalice_config, "automatic_layer": False}
    with tempfile.TemporaryDirectory(prefix="gonghui-stage-") as tmp:
        staged = stage_project(project_dir, Path(tmp))
        api.package_app(project_dir=str(staged), output_dir=str(output_dir), stage=stage, chalice_config=config)
    finish_app_zip(output_dir / "deployment.zip")
