"""Nothing lost between a write and its event, measured: 1,000 registrations of an enterprise
union, each killed at a random point, on in-process moto (serialised like DynamoDB).

Kill points: before the transaction commits (nothing may arrive), right after it commits
(the event must still arrive), or not at all. Every few tries the event pump (the Pipe, locally)
runs, and one delivery in ten dies after the bus took its batch but before its checkpoint, so
the batch is delivered again. Downstream is the audit trail (the consumer of every event).

For comparison, the same kills on the old path (write, then ``put_events``), where the second
kill point falls between the write and the publish.
"""
from __future__ import annotations

import os

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
os.environ.pop("AWS_ENDPOINT_URL", None)

import random
import sys
import time
from collections import Counter
from typing import Any

from moto import mock_aws

from local import moto_atomic

moto_atomic.patch_in_process()

TRIES = int(os.environ.get("OUTBOX_TRIES", "1000"))
PARENT = "zj/huz/nanxun"


class Killed(Exception):
    pass


def _run(path: str) -> dict[str, Any]:
    from pynamodb.transactions import TransactWrite

    import app as app_module
    from chalicelib.audit import logic as audit_logic
    from chalicelib.audit.models import AuditEntry
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.models import OrgNode
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform import clock
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.events import actor_of, publish
    from local import bootstrap
    from local.pump import EventPump

    rnd = random.Random(19)
    deliveries: Counter[str] = Counter()
    original_record, original_commit = audit_logic.record, TransactWrite._commit
    original_advance = EventPump._advance_outbox
    kill: dict[str, str | None] = {"at": None}
    pump_crash = {"armed": False}

    def counting(source: str, detail_type: str, event: Any) -> int:
        deliveries[event.event_id] += 1
        return original_record(source, detail_type, event)

    def commit(self: TransactWrite) -> Any:
        if kill["at"] == "before":
            raise Killed
        result = original_commit(self)
        if kill["at"] == "after":
            raise Killed
        return result

    def advance(self: EventPump, shard_id: str, sequence_number: str) -> None:
        if pump_crash["armed"]:
            pump_crash["armed"] = False
            raise Killed
        original_advance(self, shard_id, sequence_number)

    def old_path(principal: Principal, new: NewOrg) -> None:
        """The path before the outbox: the write, then the publish."""
        if kill["at"] == "before":
            raise Killed
        node = OrgNode(f"{new.parent_path}/{new.slug}", parent_path=new.parent_path, name=new.name,
                       level="enterprise", created_at=clock.now_iso())
        node.save(condition=OrgNode.path.does_not_exist())
        if kill["at"] == "after":
            raise Killed
        publish("orgs", "OrgRegistered", data={"path": node.path, "name": node.name}, org=node.path,
                actor=actor_of(principal))

    audit_logic.record = counting  # type: ignore[assignment]
    TransactWrite._commit = commit  # type: ignore[method-assign]
    EventPump._advance_outbox = advance  # type: ignore[method-assign]
    admin = Principal(user_id="nanxun-admin", role=Role.UNION_ADMIN, org_path=PARENT)
    kills = Counter[str]()
    redelivered_batches = 0
    started = time.perf_counter()
    with mock_aws():
        bootstrap.reset_caches()
        rule_queues = bootstrap.create_all(app_module.app)
        pump = EventPump(app_module.app, rule_queues, fast_retry=True)
        for i in range(TRIES):
            point = rnd.choice(["before", "after", None])
            kills[point or "none"] += 1
            new = NewOrg(parent_path=PARENT, slug=f"e-b{i}", name=f"第{i}号企业工会")
            kill["at"] = point
            try:
                if path == "outbox":
                    orgs.create_node(admin, new)
                else:
                    old_path(admin, new)
            except Killed:
                pass
            kill["at"] = None
            if i % 25 == 24:
                pump_crash["armed"] = rnd.random() < 0.1
                try:
                    pump.drain()
                except Killed:
                    redelivered_batches += 1
                    pump.drain()
        pump.drain()
        elapsed = time.perf_counter() - started
        committed = {n.path for n in OrgNode.by_parent.query(PARENT)}
        trail = Counter(e.org for e in AuditEntry.query(PARENT) if e.detail_type == "OrgRegistered")
    audit_logic.record = original_record  # type: ignore[assignment]
    TransactWrite._commit = original_commit  # type: ignore[method-assign]
    EventPump._advance_outbox = original_advance  # type: ignore[method-assign]
    return {
        "path": path, "tries": TRIES, "kills": kills, "committed": len(committed),
        "arrived_once": sum(1 for p in committed if trail[p] == 1),
        "lost": sum(1 for p in committed if trail[p] == 0),
        "phantom": sum(1 for p in trail if p not in committed),
        "duplicates": sum(n - 1 for n in trail.values() if n > 1),
        "redeliveries": sum(n - 1 for n in deliveries.values() if n > 1),
        "redelivered_batches": redelivered_batches, "seconds": elapsed,
    }


def main() -> None:
    from benchmarks._table import print_table

    results = [_run("outbox"), _run("publish-after-write")]
    rows = [(r["path"], r["tries"], f"{r['kills']['before']}/{r['kills']['after']}/{r['kills']['none']}",
             r["committed"], r["arrived_once"], r["lost"], r["phantom"], r["duplicates"],
             f"{r['redeliveries']} ({r['redelivered_batches']} crashes)", r["seconds"])
            for r in results]
    print_table(f"写入与事件之间被杀死：{TRIES} 次（in-process moto，审计轨迹为下游）",
                ["path", "tries", "killed before/after/none", "committed", "arrived once", "lost", "phantom",
                 "duplicates in trail", "redeliveries absorbed", "s"], rows,
                note="lost = committed but never in the trail; phantom = in the trail but never committed")
    outbox = results[0]
    if outbox["lost"] or outbox["phantom"] or outbox["duplicates"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
