"""Nothing lost between a write and its event: the event is written in the same DynamoDB
transaction as the state change (the outbox), and the outbox stream carries it to the bus.

The story: a union admin registers an enterprise union; the API Lambda dies the instant the
transaction commits, before it could do anything else. The enterprise exists, and the
audit trail still shows its registration, once. A crash of the delivery itself (after the bus
took the event, before the stream position moved) delivers it again; the idempotent consumer
keeps it once.
"""
from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from pynamodb.transactions import TransactWrite

from chalicelib.audit import logic as audit_logic
from chalicelib.orgs.models import OrgNode
from tests.conftest import body

NANXUN = "zj/huz/nanxun"


class LambdaKilled(Exception):
    """The function's process ending where it stands (timeout, OOM, a deploy)."""


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every delivery of a domain event to the audit consumer, by event id."""
    seen: Counter[str] = Counter()
    original = audit_logic.entries_of  # the audit handler turns each delivered event into entries

    def counting(source: str, detail_type: str, event: Any) -> Any:
        seen[event.event_id] += 1
        return original(source, detail_type, event)

    monkeypatch.setattr(audit_logic, "entries_of", counting)
    return seen


@pytest.fixture
def crash_after_commit(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """While ``armed``, every write transaction commits and then the Lambda dies."""
    switch = {"armed": False}
    original = TransactWrite._commit

    def commit_then_die(self: TransactWrite) -> Any:
        result = original(self)
        if switch["armed"]:
            raise LambdaKilled("killed between the write and anything after it")
        return result

    monkeypatch.setattr(TransactWrite, "_commit", commit_then_die)
    return switch


def _registrations(platform: Any, slug: str) -> list[dict[str, Any]]:
    trail = body(platform.get(f"/audit/events?org={NANXUN}/{slug}&limit=100"))["items"]
    return [e for e in trail if e["detail_type"] == "OrgRegistered"]


def test_killed_right_after_the_commit_the_event_still_arrives_exactly_once(
        login, pump, deliveries, crash_after_commit):
    platform = login("platform_admin", user_id="root", org_path="zj")
    admin = login("union_admin", user_id="nanxun-admin", org_path=NANXUN)

    crash_after_commit["armed"] = True
    killed = admin.post("/orgs", {"parent_path": NANXUN, "slug": "e-sanxing", "name": "浙江三行电气科技有限公司工会"})
    crash_after_commit["armed"] = False
    assert killed.status_code == 500  # the caller saw the function die
    assert OrgNode.get(f"{NANXUN}/e-sanxing").name == "浙江三行电气科技有限公司工会"  # the write committed

    pump.drain()

    registered = _registrations(platform, "e-sanxing")
    assert len(registered) == 1
    assert registered[0]["actor_id"] == "nanxun-admin"
    assert deliveries[registered[0]["event_id"]] == 1


def test_a_refused_write_publishes_nothing(login, pump, deliveries):
    platform = login("platform_admin", user_id="root", org_path="zj")
    admin = login("union_admin", user_id="nanxun-admin", org_path=NANXUN)
    new = {"parent_path": NANXUN, "slug": "e-sanxing", "name": "浙江三行电气科技有限公司工会"}
    assert admin.post("/orgs", new).status_code == 201

    again = admin.post("/orgs", {**new, "name": "另一个名字的工会"})

    assert again.status_code == 409 and body(again)["code"] == "ORG_EXISTS"
    pump.drain()
    assert len(_registrations(platform, "e-sanxing")) == 1
    assert OrgNode.get(f"{NANXUN}/e-sanxing").name == new["name"]
    assert sum(deliveries.values()) == len(deliveries)


def test_a_delivery_that_crashes_after_the_bus_took_the_event_redelivers_and_the_trail_keeps_one(
        login, pump, deliveries, monkeypatch):
    platform = login("platform_admin", user_id="root", org_path="zj")
    admin = login("union_admin", user_id="nanxun-admin", org_path=NANXUN)
    assert admin.post("/orgs", {"parent_path": NANXUN, "slug": "e-hengyi", "name": "恒逸集团工会"}).status_code == 201

    original = type(pump)._advance_outbox
    crashes = {"left": 1}

    def advance_or_crash(self: Any, shard_id: str, sequence_number: str) -> None:
        if crashes["left"]:
            crashes["left"] -= 1
            raise LambdaKilled("the pipe died after PutEvents, before its checkpoint")
        original(self, shard_id, sequence_number)

    monkeypatch.setattr(type(pump), "_advance_outbox", advance_or_crash)
    with pytest.raises(LambdaKilled):
        pump.drain()
    pump.drain()

    registered = _registrations(platform, "e-hengyi")
    assert len(registered) == 1
    assert deliveries[registered[0]["event_id"]] == 2  # delivered twice, recorded once


def test_thirty_tries_killed_at_random_points_lose_nothing_and_repeat_nothing(
        login, pump, deliveries, crash_after_commit):
    """The 1,000-try figure is ``python -m benchmarks outbox_delivery``; this is its short form."""
    platform = login("platform_admin", user_id="root", org_path="zj")
    admin = login("union_admin", user_id="nanxun-admin", org_path=NANXUN)
    rnd = random.Random(19)
    committed = []
    for i in range(30):
        slug = f"e-try-{i}"
        killed = crash_after_commit["armed"] = rnd.random() < 0.5
        created = admin.post("/orgs", {"parent_path": NANXUN, "slug": slug, "name": f"第{i}号企业工会"})
        crash_after_commit["armed"] = False
        assert created.status_code == (500 if killed else 201)
        committed.append(slug)
        if rnd.random() < 0.3:
            pump.drain()
    pump.drain()

    lost = [s for s in committed if not _registrations(platform, s)]
    repeated = [s for s in committed if len(_registrations(platform, s)) > 1]
    assert lost == [] and repeated == []
    assert len(deliveries) == 30 and set(deliveries.values()) == {1}
