"""The dependency locks, with hashes: ``make lock`` writes them, ``make venv`` installs the dev
lock with ``--require-hashes``, the layer is built from the Lambda lock.

    python -m infra.locks          # (re)write every lock after editing a requirements file
    python -m infra.locks --check  # exit 1 when a lock is stale

| requirements file          | lock                       | resolved for                          |
|----------------------------|----------------------------|---------------------------------------|
| requirements.txt           | requirements.lock          | the Lambda: cp312, manylinux, wheels  |
| requirements-dev.txt       | requirements-dev.lock      | any platform, constrained by the above|
| requirements-checkov.txt   | requirements-checkov.lock  | checkov's own environment             |

Re-locking keeps every version already in a lock unless a requirements file asks otherwise
(uv prefers the versions of the existing output), so after merging someone's new pin
``make lock`` changes only what that pin pulls in.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from infra.package import _WHEEL_ARCH, ARCHITECTURE, GLIBC_MAX, LAMBDA_PYTHON, _uv

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lock:
    requirements: str
    lock: str
    options: tuple[str, ...]


LOCKS = (
    Lock("requirements.txt", "requirements.lock",
         ("--python-platform", f"{_WHEEL_ARCH[ARCHITECTURE]}-manylinux_2_{GLIBC_MAX}", "--only-binary", ":all:")),
    Lock("requirements-dev.txt", "requirements-dev.lock", ("--universal", "-c", "requirements.lock")),
    Lock("requirements-checkov.txt", "requirements-checkov.lock", ("--universal",)),
)

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#\\]+)")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """``name == version`` lines of a requirements file, following ``-r`` includes."""
    found: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        include = re.match(r"^(?:-r|--requirement)\s+(\S+)", line)
        if include:
            found.update(pins(path.parent / include.group(1)))
            continue
        match = _PIN.match(line)
        if match:
            found[_normalize(match.group(1))] = match.group(2)
    return found


def stale(root: Path = ROOT) -> list[str]:
    """What a lock disagrees with its requirements file about (empty: all fresh)."""
    problems: list[str] = []
    for spec in LOCKS:
        lock_path = root / spec.lock
        if not lock_path.exists():
            problems.append(f"{spec.lock} is missing")
            continue
        locked = pins(lock_path)
        for name, version in pins(root / spec.requirements).items():
            if locked.get(name) != version:
                problems.append(f"{spec.requirements} pins {name}=={version}, {spec.lock} has "
                                f"{name}=={locked[name]}" if name in locked else
                                f"{spec.requirements} pins {name}=={version}, {spec.lock} lacks it")
        if "--hash=sha256:" not in lock_path.read_text():
            problems.append(f"{spec.lock} has no hashes")
    return problems


def lock(root: Path = ROOT) -> None:
    for spec in LOCKS:
        cmd = [_uv(), "pip", "compile", spec.requirements, "--quiet", "--generate-hashes",
               "--python-version", LAMBDA_PYTHON, "--custom-compile-command", "make lock",
               "--output-file", spec.lock, *spec.options]
        subprocess.run(cmd, cwd=root, check=True)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = stale()
        for problem in problems:
            print(f"stale lock: {problem} (run `make lock`)", file=sys.stderr)
        return 1 if problems else 0
    lock()
    problems = stale()
    for problem in problems:
        print(f"still stale: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
