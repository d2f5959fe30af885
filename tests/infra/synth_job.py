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

REPO = Path(__file__).resolve().parents[2]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))


def main(out: str, stage: str, region: str, project_dir: str | None = None) -> None:
    from infra.app import synth

    context = {"stage": stage, "region": region}
    if project_dir:
        context["project_dir"] = project_dir
    target, assembly = synth(context, out)

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
        "template": str(Path(out) / assembly.get_stack_artifact(target.stage).template_file),
        "tables": describe_tables(), "queues": queues,
    }
    (Path(out) / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
