"""Subprocess entry for the infra tests: synthesize one stage/region, then record what the
app's own definitions say (``describe_tables()``, ``queue_specs()``) in that same process,
where the stage's names are in effect.

    python tests/infra/synth_job.py OUT STAGE REGION [PROJECT_DIR]

Writes ``OUT/expected.json``. A subprocess per target because the app's names are fixed
when ``chalicelib`` is imported (settings are cached, queue names are baked into the
Chalice decorators) and because the pytest process runs with the local stage.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEST_APP_IDS = {"wechat_app_id": "wx0123456789abcdef", "alipay_app_id": "2021004100000001",
                "dingtalk_app_key": "gonghui-zzd-test"}
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))


def main(out: str, stage: str, region: str, project_dir: str | None = None) -> None:
    from infra.app import synth

    # Test values for what operators give per stage (infra/stages.json or -c).
    context = {"stage": stage, "region": region, **TEST_APP_IDS}
    if stage == "prod":
        context["alarm_email"] = "oncall@example.com"
    if project_dir:
        context["project_dir"] = project_dir
    target, assembly = synth(context, out)
    names = {stack.id: stack.stack_name for stack in assembly.stacks}

    from chalicelib import features
    from chalicelib.tables import describe_tables

    queues = [{
        "short": s.short, "name": s.name, "dlq_name": s.dlq_name, "fifo": s.fifo,
        "visibility_timeout": s.visibility_timeout, "max_receive_count": s.max_receive_count,
        "retention_days": s.retention_days, "batch_size": s.batch_size,
        "event_pattern": getattr(s, "event_pattern", None),
    } for s in features.queue_specs()]
    expected = {
        "stage": target.stage, "region": target.region, "partition": target.partition,
        "stack_name": target.stack_name, "bucket": target.bucket_name,
        "templates": {stack.stack_name: str(Path(out) / stack.template_file) for stack in assembly.stacks},
        "dependencies": {stack.stack_name: [names[d.id] for d in stack.dependencies if d.id in names]
                         for stack in assembly.stacks},
        "function_features": {k: v.feature for k, v in _model().functions.items()},
        "table_owner": _model().table_owner,
        "tables": describe_tables(), "queues": queues,
    }
    (Path(out) / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, default=str))


def _model() -> Any:
    from infra.stacks import gonghui

    return gonghui.LAST_PACKAGED.model  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(*sys.argv[1:])
