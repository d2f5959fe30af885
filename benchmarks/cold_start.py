"""Cold start: a fresh interpreter importing the whole app (every feature's routes, handlers,
models and schemas) against a fresh interpreter building one boto3 DynamoDB client — the
least any Lambda in Python that touches DynamoDB pays. Target: app ≤ 1.1× the baseline.

Runs are interleaved (app, baseline, app, ...) in subprocesses with the same environment
(stage dev, fake credentials, no endpoint override), after one unmeasured warm-up each so
both read .pyc files from a warm page cache, as a reused Lambda sandbox image would.
A second table repeats both without any .pyc (how a Chalice-built package runs on Lambda);
then ``python -X importtime`` shows what the app's import spends its time on.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._table import median, percentile, print_table

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("GONGHUI_BENCH_RUNS", "15"))
NO_PYC_RUNS = int(os.environ.get("GONGHUI_BENCH_NO_PYC_RUNS", "5"))
TARGET = 1.1

# Each child prints the seconds its own import took, so the table can separate the
# interpreter's start (the same for both) from the work being compared.
APP = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
BASELINE = ("import time; t = time.perf_counter(); import boto3; "
            "boto3.client('dynamodb', region_name='cn-north-1'); print(time.perf_counter() - t)")
BARE = "pass"


def lambda_environment(stage: str = "dev") -> dict[str, str]:
    """The variables a deployed function of ``stage`` has (``.chalice/config.json``)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return {**config.get("environment_variables", {}),
            **config.get("stages", {}).get(stage, {}).get("environment_variables", {})}


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GONGHUI_", "POWERTOOLS_", "PYDANTIC_"))
           and k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update(lambda_environment("dev"))
    env.update({"GONGHUI_STAGE": "dev", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret",
                "PYTHONPATH": str(ROOT)})
    return env


def run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds of the whole interpreter, seconds of the measured import inside it)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    inner = float(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else 0.0
    return wall, inner


def run_without_pyc(code: str, env: dict[str, str]) -> tuple[float, float]:
    """The same, compiling every module from source (a fresh, empty pycache each run): what a
    Lambda pays when its package ships without .pyc files, as ``chalice package`` builds it
    (wheels are unzipped, not installed) on a read-only filesystem that cannot keep them."""
    with tempfile.TemporaryDirectory(prefix="gonghui-nopyc-") as empty:
        return run(code, {**env, "PYTHONPYCACHEPREFIX": empty})


def importtime(env: dict[str, str], top: int = 15) -> tuple[list[tuple[str, float, float]], float]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    rows = []
    pattern = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")
    for line in done.stderr.splitlines():
        match = pattern.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            rows.append((name, int(cumulative_us) / 1000, int(self_us) / 1000, len(indent)))
    # Top-level packages (the shallowest entries) are what the app asked for; deeper ones explain them.
    total = sum(cum for _, cum, _, depth in rows if depth == 1)
    ranked = sorted(rows, key=lambda r: r[1], reverse=True)
    seen: list[tuple[str, float, float]] = []
    for name, cumulative, self_ms, _ in ranked:
        if name == "app":
            continue
        seen.append((name, cumulative, self_ms))
        if len(seen) == top:
            break
    return seen, total


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gonghui-pyc-") as pycache:
        # Both sides with bytecode, as a deployment package with compiled modules runs (the
        # shell may forbid writing .pyc; here they go to a cache of this run's own).
        measure({**environment(), "PYTHONPYCACHEPREFIX": pycache})


def measure(env: dict[str, str]) -> None:
    for code in (APP, BASELINE, BARE):  # warm-up: compile .pyc, fill the page cache
        run(code, env)
    app_runs: list[tuple[float, float]] = []
    base_runs: list[tuple[float, float]] = []
    bare_runs: list[float] = []
    for i in range(RUNS):
        order = [(APP, app_runs), (BASELINE, base_runs)] if i % 2 == 0 else [(BASELINE, base_runs), (APP, app_runs)]
        for code, sink in order:
            sink.append(run(code, env))
        bare_runs.append(run(BARE, env)[0])

    def row(label: str, runs: list[tuple[float, float]]) -> list[object]:
        walls = [w * 1000 for w, _ in runs]
        inner = [x * 1000 for _, x in runs]
        return [label, median(walls), percentile(walls, 90), median(inner), percentile(inner, 90)]

    app_row, base_row = row("import app", app_runs), row("import boto3 + dynamodb client", base_runs)
    bare = median([b * 1000 for b in bare_runs])
    ratio_wall = float(app_row[1]) / float(base_row[1])  # type: ignore[arg-type]
    ratio_import = float(app_row[3]) / float(base_row[3])  # type: ignore[arg-type]
    print_table(
        f"Cold start, {RUNS} interleaved runs each (ms; interpreter alone: {bare:.0f} ms median)",
        ["fresh interpreter doing", "wall median", "wall p90", "import median", "import p90"],
        [app_row, base_row,
         ["ratio app / baseline", f"{ratio_wall:.2f}×", "", f"{ratio_import:.2f}×", ""]],
        note=(f"target ≤ {TARGET}× on wall time: "
              f"{'MET' if ratio_wall <= TARGET else 'NOT MET'} ({ratio_wall:.2f}×); "
              f"import-only ratio {ratio_import:.2f}×"),
    )
    cold_app: list[tuple[float, float]] = []
    cold_base: list[tuple[float, float]] = []
    for _ in range(NO_PYC_RUNS):
        cold_app.append(run_without_pyc(APP, env))
        cold_base.append(run_without_pyc(BASELINE, env))
    cold_app_row, cold_base_row = row("import app", cold_app), row("import boto3 + dynamodb client", cold_base)
    print_table(
        f"Without .pyc (every module compiled from source), {NO_PYC_RUNS} interleaved runs each (ms)",
        ["fresh interpreter doing", "wall median", "wall p90", "import median", "import p90"],
        [cold_app_row, cold_base_row,
         ["ratio app / baseline", f"{float(cold_app_row[1]) / float(cold_base_row[1]):.2f}×", "",  # type: ignore[arg-type]
          f"{float(cold_app_row[3]) / float(cold_base_row[3]):.2f}×", ""]],  # type: ignore[arg-type]
        note=(f"app without .pyc costs {float(cold_app_row[3]) / float(app_row[3]):.1f}× its import with .pyc: "  # type: ignore[arg-type]
              "compile the deployment package (python -m compileall --invalidation-mode unchecked-hash)"),
    )
    top, total = importtime(env)
    print_table(f"python -X importtime -c 'import app': top {len(top)} by cumulative time "
                f"(top-level imports total {total:.0f} ms, one run)",
                ["module", "cumulative ms", "self ms"], [[n, c, s] for n, c, s in top])


if __name__ == "__main__":
    main()
