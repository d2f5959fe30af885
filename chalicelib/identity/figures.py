"""光年间 identity, figures and audiences: the daily roll-up, the figures per org, loading verified
members, and the audiences the inbox's announcements reach.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import NotFound
from chalicelib.platform.events import SYSTEM, publish, transaction

from .face import mask_name
from .lifecycle import CURRENT_PLEDGE, FEATURE, LIVE, METRICS, Flags, ancestors, contribution, derive_state
from .models import (
    NO_ORG,
    DailyFigure,
    FigureCounter,
    IdClaim,
    Member,
    RosterEntry,
    Transition,
)
from .schemas import (
    DayFigures,
    FiguresView,
)

# --- figures -----------------------------------------------------------------------------

def roll_up_figures(day: str | None = None) -> int:
    """Today's figures of every node (its whole subtree), from the live counters. Returns nodes written."""
    day = day or clock.today_shanghai().isoformat()
    totals: dict[str, dict[str, int]] = {}
    for counter in FigureCounter.query(LIVE):
        scopes = [NO_ORG] if counter.org_path == NO_ORG else ancestors(counter.org_path)
        for scope in scopes:
            bucket = totals.setdefault(scope, dict.fromkeys(METRICS, 0))
            for metric in METRICS:
                bucket[metric] += int(getattr(counter, metric) or 0)
    stamp = clock.now_iso()
    with DailyFigure.batch_write() as batch:
        for scope, figures in totals.items():
            batch.save(DailyFigure(scope, day, rolled_up_at=stamp, registered=figures["registered"],
                                   face_verified=figures["face_verified"],
                                   member_verified=figures["member_verified"], active=figures["active"]))
    return len(totals)


def figures(principal: Principal, org: str | None, days: int) -> FiguresView:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    today = clock.today_shanghai()
    first = (today - timedelta(days=days - 1)).isoformat()
    rows = DailyFigure.query(scope, DailyFigure.day.between(first, today.isoformat()), limit=days)
    return FiguresView(org_path=scope, days=[
        DayFigures(day=r.day, registered=int(r.registered), face_verified=int(r.face_verified),
                   member_verified=int(r.member_verified), active=int(r.active)) for r in rows])


def load_verified_members(records: list[dict[str, Any]], *, source: str, roster_scope: str,
                          announce: bool = True) -> int:
    """Bring over members verified before this system (光年间 1.0: real-name checked, in the
    union database). Each record: ``user_id, id_number, real_name, org_path, enterprise,
    pledged``. Written in batches, with their roster entries and ID claims; the live counters
    move once per node; one ``MembersMigrated`` event per node. Members already present are
    left alone. Every member who arrives active is announced (``MemberActivated``, written to the
    outbox in the same batches as the members, with an id per member) so that 光年间's other
    features — social standing, profiles, tiers — know them as they know a member verified here.
    Returns how many were loaded."""
    from chalicelib.platform import outbox
    from chalicelib.platform.events import DomainEvent, source_of

    now = clock.now_iso()
    present = {m.user_id for m in Member.batch_get([r["user_id"] for r in records], attributes_to_get=["user_id"])}
    fresh = [r for r in records if r["user_id"] not in present]
    deltas: dict[str, dict[str, int]] = {}
    with Member.batch_write() as members, IdClaim.batch_write() as claims, \
            RosterEntry.batch_write() as roster, Transition.batch_write() as log, \
            outbox.OutboxEvent.batch_write() as announcements:
        for record in fresh:
            number = pii.normalize_id_number(record["id_number"])
            name, org = str(record["real_name"]), str(record["org_path"])
            id_hash = pii.lookup_hash(number)
            flags = Flags(face_verified=True, member_verified=True, pledged=bool(record.get("pledged")))
            member = Member(record["user_id"], state=derive_state(flags), face_verified=True, member_verified=True,
                            pledged=flags.pledged, id_hash=id_hash, id_sealed=pii.seal(number),
                            id_masked=pii.mask_id_number(number), name_sealed=pii.seal(name),
                            name_masked=mask_name(name), org_path=org, enterprise=record["enterprise"],
                            roster_status="matched", face_verified_at=now, member_verified_at=now,
                            pledge_version=CURRENT_PLEDGE if flags.pledged else None,
                            pledged_at=now if flags.pledged else None, created_at=now, updated_at=now, version=1)
            members.save(member)
            claims.save(IdClaim(id_hash, user_id=member.user_id, claimed_at=now))
            roster.save(RosterEntry(id_hash, org, name=name, enterprise=record["enterprise"], status="active",
                                    roster_scope=roster_scope, import_id=f"legacy:{source}", source="import",
                                    updated_at=now))
            log.save(Transition(member.user_id, f"{now}#0{uuid.uuid4().hex[:6]}", from_state="new",
                                to_state=member.state, actor_id=SYSTEM.user_id, actor_role=SYSTEM.role,
                                reason=f"从{source}迁移（已实名、已认证）"))
            if announce and member.state == "active":
                event = DomainEvent(event_id=f"migrated-{member.user_id}", org=org, actor=SYSTEM,
                                    data={"user_id": member.user_id, "org_path": org, "reason": "migrated"})
                announcements.save(outbox.item(source_of(FEATURE), "MemberActivated", event.model_dump_json(),
                                               event.event_id))
            for metric, value in contribution(flags).items():
                deltas.setdefault(org, dict.fromkeys(METRICS, 0))[metric] += value
    for org, delta in deltas.items():
        with transaction() as tx:
            tx.update(FigureCounter(LIVE, org),
                      actions=[getattr(FigureCounter, m).add(v) for m, v in delta.items() if v])
            publish(FEATURE, "MembersMigrated", data={"source": source, **delta}, org=org, tx=tx)
    return len(fresh)


# --- audiences (for the inbox's announcements; other features call these, never the models) ----

def audience_nodes(org_prefix: str, *, glnj_only: bool = False) -> dict[str, int]:
    """The enterprise nodes under ``org_prefix`` that have members, with how many: union
    members, or 光年间 members (active) with ``glnj_only``. One paged Query of the live counters
    (one row per enterprise node), no Scan."""
    metric = "active" if glnj_only else "member_verified"
    found: dict[str, int] = {}
    for counter in FigureCounter.query(LIVE, FigureCounter.org_path.startswith(org_prefix)):
        node = counter.org_path
        if node != NO_ORG and (node == org_prefix or node.startswith(org_prefix + "/")):
            count = int(getattr(counter, metric) or 0)
            if count > 0:
                found[node] = count
    return found


def audience_page(node: str, *, glnj_only: bool = False, start: dict[str, Any] | None = None,
                  limit: int = 100) -> tuple[list[str], dict[str, Any] | None]:
    """One page of the members placed in an enterprise node (user ids) and where the next
    page starts; ``glnj_only`` keeps 光年间 members (state active)."""
    results = Member.by_org.query(node, limit=limit, last_evaluated_key=start)
    users = [m.user_id for m in results
             if m.member_verified and not m.left_union and not m.banned and (not glnj_only or m.state == "active")]
    return users, results.last_evaluated_key
