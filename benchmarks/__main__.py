"""Run every benchmark module (``benchmarks/*.py`` with a ``main()``), each in its own
interpreter so one's moto account, environment or caches cannot colour another's figures.

    python -m benchmarks                 # all of them
    python -m benchmarks cold_start ...  # just these
"""
from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Modules that define a top-level ``main`` (read, not imported: discovery stays cheap)."""
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            found.append(path.stem)
    return found


def main(argv: list[str] | None = None) -> int:
    wanted = list(sys.argv[1:] if argv is None else argv)
    available = discover()
    unknown = [w for w in wanted if w not in available]
    if unknown:
        print(f"unknown benchmark(s): {unknown}; available: {available}", file=sys.stderr)
        return 2
    results = []
    for name in wanted or available:
        print(f"\n==== benchmarks.{name} " + "=" * max(0, 60 - len(name)), flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        results.append((name, code, time.monotonic() - started))
    print("\n==== summary")
    for name, code, seconds in results:
        print(f"  {name:<32} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:6.1f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
