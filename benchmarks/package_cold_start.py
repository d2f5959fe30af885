"""Cold start of the deployment package, with and without the bytecode compiled ahead.

Takes the layer and app zips of a synthesized assembly (``make synth``, or ``--assembly DIR``),
unpacks them as Lambda does (/var/task, /opt/python), and imports the handler module in a
fresh isolated interpreter (``-I -S``, like tests/infra/test_artifact.py) several times:
once as shipped (``__pycache__`` with unchecked-hash .pyc) and once with every ``__pycache__``
removed and ``-B`` (Lambda's code folder is read-only: nothing compiled is kept).

    python -m benchmarks package_cold_start [--assembly infra/cdk.out] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks._table import print_table

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "infra" / "lambda_runner.py"
ENV = {"GONGHUI_STAGE": "dev", "GONGHUI_TRACING": "1", "AWS_REGION": "cn-north-1",
       "GONGHUI_WECHAT_APP_ID": "wx0123456789abcdef", "GONGHUI_ALIPAY_APP_ID": "2021004100000001",
       "GONGHUI_DINGTALK_APP_KEY": "gonghui-zzd-bench", "POWERTOOLS_SERVICE_NAME": "gonghui",
       "PYDANTIC_DISABLE_PLUGINS": "__all__", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
HANDLERS = {"API (system, every route)": ("app.app", {}),
            "API (aid only)": ("app.app", {"GONGHUI_FEATURES": "aid"}),
            "SQS handler (dorm apply)": ("app.dorms_events_dorm_apply", {"GONGHUI_FEATURES": "dorms"})}


def _assets(assembly: Path) -> tuple[Path, Path]:
    for template in sorted(assembly.glob("*-api.template.json")):
        res = json.loads(template.read_text())["Resources"]
        code = res["APIHandler"]["Properties"]["CodeUri"]["Key"]
        layer = next(r["Properties"]["Content"]["S3Key"] for r in res.values()
                     if r["Type"] == "AWS::Lambda::LayerVersion")
        return assembly / f"asset.{code.removesuffix('.zip')}.zip", assembly / f"asset.{layer.removesuffix('.zip')}.zip"
    raise SystemExit(f"no *-api.template.json in {assembly}: run `make synth` first")


def _unpack(app_zip: Path, layer_zip: Path, into: Path, *, bytecode: bool) -> tuple[Path, Path]:
    task, opt = into / "task", into / "opt"
    for source, dest in ((app_zip, task), (layer_zip, opt)):
        with zipfile.ZipFile(source) as z:
            z.extractall(dest)
    if not bytecode:
        for cache in [*task.rglob("__pycache__"), *opt.rglob("__pycache__")]:
            shutil.rmtree(cache, ignore_errors=True)
    return task, opt


def _cold_start(task: Path, opt: Path, handler: str, extra: dict[str, str], *, bytecode: bool) -> tuple[float, float]:
    flags = ["-I", "-S"] + ([] if bytecode else ["-B"])
    calls = json.dumps([{"handler": handler, "event": {}}])
    started = time.perf_counter()
    proc = subprocess.run([sys._base_executable, *flags, str(RUNNER), str(task), str(opt)],  # type: ignore[attr-defined]
                          input=calls, capture_output=True, text=True, env={**ENV, **extra}, timeout=120, check=True)
    wall = (time.perf_counter() - started) * 1000
    init = json.loads(proc.stdout)["init_ms"]
    return sum(init.values()), wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assembly", default=str(ROOT / "infra" / "cdk.out"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    app_zip, layer_zip = _assets(Path(args.assembly))
    print(f"app {app_zip.stat().st_size / 1e6:.1f} MB zipped, layer {layer_zip.stat().st_size / 1e6:.1f} MB zipped")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        trees = {b: _unpack(app_zip, layer_zip, Path(tmp) / str(b), bytecode=b) for b in (True, False)}
        sizes = {b: sum(p.stat().st_size for p in Path(tmp, str(b)).rglob("*") if p.is_file()) / 1e6
                 for b in trees}
        print(f"unpacked: {sizes[True]:.0f} MB with bytecode, {sizes[False]:.0f} MB without")
        for label, (handler, extra) in HANDLERS.items():
            for bytecode in (True, False):
                runs = [_cold_start(*trees[bytecode], handler, extra, bytecode=bytecode) for _ in range(args.rounds)]
                rows.append([label, "yes" if bytecode else "no",
                             f"{statistics.median(r[0] for r in runs):.0f}",
                             f"{statistics.median(r[1] for r in runs):.0f}"])
    print_table("Cold start of the package (import of the handler module, isolated interpreter)",
                ["function", "bytecode shipped", "import ms (median)", "process wall ms (median)"], rows)


if __name__ == "__main__":
    main()
