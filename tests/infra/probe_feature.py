"""A throw-away feature added to a *copy* of the project, so the infra tests exercise every
kind of definition infra must derive from — whatever the real features use today:

* a table with a numeric range key, a binary-keyed GSI with an INCLUDE projection, a
  KEYS_ONLY LSI and a TTL attribute;
* a standard queue whose spec timeout is below 6x the function timeout, a FIFO queue fed by
  an EventBridge pattern whose spec timeout is above it, and a queue nobody consumes;
* SQS, EventBridge, schedule and S3 (uploads bucket) handlers.

The real tree is never touched: ``write_probe_project`` copies it and appends the feature.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

NAME = "zzinfraprobe"

MODELS = '''
from pynamodb.attributes import BinaryAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class ByBlob(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_blob"
        projection = IncludeProjection(["note"])

    blob = BinaryAttribute(hash_key=True, legacy_encoding=False)


class ByRank(LocalSecondaryIndex):
    class Meta:
        index_name = "by_rank"
        projection = KeysOnlyProjection()

    pk = UnicodeAttribute(hash_key=True)
    rank = NumberAttribute(range_key=True)


class ProbeThing(Model):
    class Meta(TableMeta):
        table_name = table_name("probe-things")

    pk = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    blob = BinaryAttribute(null=True, legacy_encoding=False)
    rank = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)
    expires = TTLAttribute(null=True)
    by_blob = ByBlob()
    by_rank = ByRank()
'''

SPECS = '''
from chalicelib.platform.queues import QueueSpec

WORK = QueueSpec("probe-work", visibility_timeout=30, max_receive_count=3, retention_days=2, batch_size=5)
ORDERED = QueueSpec("probe-ordered", fifo=True, visibility_timeout=200, max_receive_count=7, batch_size=10,
                    event_pattern={"source": ["gonghui.probe"], "detail-type": ["Ordered"]})
IDLE = QueueSpec("probe-idle", visibility_timeout=45, max_receive_count=2)
QUEUES = [WORK, ORDERED, IDLE]
'''

EVENTS = '''
from typing import Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.settings import get_settings

from .specs import ORDERED, WORK

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=WORK.name, batch_size=WORK.batch_size)
def probe_work(event: Any) -> dict[str, Any]:
    return process_sqs(event, lambda record: None)


@bp.on_sqs_message(queue=ORDERED.name, batch_size=ORDERED.batch_size)
def probe_ordered(event: Any) -> dict[str, Any]:
    return process_sqs(event, lambda record: None, fifo=True)


@bp.on_cw_event({"source": ["gonghui.probe"], "detail-type": ["Happened"]})
def probe_happened(event: Any) -> None:
    return None


@bp.schedule("rate(1 hour)")
def probe_tick(event: Any) -> None:
    return None


@bp.on_s3_event(bucket=get_settings().uploads_bucket, events=["s3:ObjectCreated:*"], prefix="incoming/")
def probe_uploaded(event: Any) -> None:
    return None
'''

# What the probe must produce (independent of the code under test).
EXPECTED_QUEUES = {
    # short: (fifo, max_receive_count, spec visibility timeout, consumed)
    "probe-work": (False, 3, 30, True),
    "probe-ordered": (True, 7, 200, True),
    "probe-idle": (False, 2, 45, False),
}


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def write_probe_project(repo: Path, dest: Path) -> Path:
    """Copy the Chalice project (not infra, tests, caches) and register the probe feature."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / "app.py", dest / "app.py")
    shutil.copy2(repo / "requirements.txt", dest / "requirements.txt")
    shutil.copy2(repo / "requirements.lock", dest / "requirements.lock")
    shutil.copytree(repo / "chalicelib", dest / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)
    if (repo / "vendor").is_dir():
        shutil.copytree(repo / "vendor", dest / "vendor", dirs_exist_ok=True)
    (dest / ".chalice" / "deployments").mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / ".chalice" / "config.json", dest / ".chalice" / "config.json")
    # Reuse the dependency layer already built for the repo (keyed by the lock).
    for layer in (repo / ".chalice" / "deployments").glob("gonghui-layer-*.zip"):
        target = dest / ".chalice" / "deployments" / layer.name
        if not target.exists():
            _link_or_copy(layer, target)
    feature = dest / "chalicelib" / NAME
    feature.mkdir(exist_ok=True)
    (feature / "__init__.py").write_text("")
    (feature / "models.py").write_text(MODELS)
    (feature / "specs.py").write_text(SPECS)
    (feature / "events.py").write_text(EVENTS)
    features = dest / "chalicelib" / "features.py"
    features.write_text(features.read_text() + f"\n\nFEATURES = (*FEATURES, {NAME!r})\n")
    return dest
