"""Enterprise figures: monthly per org node, for the node's whole subtree, kept by an
event-driven roll-up and never by reading another feature's tables.

What is consumed (EventBridge → the ``enterprise-figures`` queue, ``specs.CONSUMED``):

- roster_members: identity ``RosterMembersChanged``, ``added − left`` per org of one roster
  chunk or sweep page (one event, several orgs: each org counted once on its own);
- verified_members: identity ``MemberVerified`` +1 at the org the roster matched (as identity's
  own figures, a member who later leaves the roster stays counted as verified);
- dorm_beds: dorms ``DormRoomsImported``, ``+beds`` at the building's operator;
- dorm_beds_occupied: dorms ``DormRoomsImported`` (``+occupied_beds``: residents on the sheet),
  ``DormCheckedIn`` +1, ``DormCheckedOut`` −1;
- aid_cases_open, aid_amount_paid: aid ``AidStepTaken``, +1 when a case leaves draft, −1 when
  it closes; ``amount_fen`` when disbursed;
- subsidy_amount_claimed: subsidy ``SubsidyCalculated`` (``total_fen``) and
  ``SubsidyRecalculated`` (``total_fen − previous_total_fen``);
- subsidy_amount_paid: subsidy ``SubsidyReviewed`` in state ``approved``, ``paid_fen``;
- talents_declared, talents_approved: talents ``TalentDeclared`` / ``TalentApproved``, +1 at
  ``data.org_path`` (else the event's org);
- bookings: bookings ``BookingVenueBooked`` / ``BookingSignedUp``, +1;
- events_held, participants: bookings ``BookingAttendanceClosed``, ``sessions`` / ``attended``;
- people_served: centres ``CentreVisitRecorded``, +1;
- mediations: mediation ``MediationCaseClosed`` (settled or failed), +1 in its closing month.

Amounts are fen. The month is the event's own (a visit's month, a session's day, a case's
closing time), else the Asia/Shanghai month of the event's time.

Levels (``STOCKS``: roster, verified members, beds, occupied beds, open cases) are kept as the
level at the end of each month; the others are what happened in the month. Each node has a
``~head`` item with its current levels, its latest month and an ``ops`` counter. An event is
one transaction: the "counted" marker of its ``<source>#<event id>`` (a redelivery adds
nothing), and for the node and every ancestor (province → city → district → enterprise):

- same month as the latest: ADD to the month and to the head (condition: latest unchanged);
- a new month: the month starts from the head's levels (condition: ``ops`` unchanged, so no
  write slipped in between the read and the copy);
- an earlier month (a late event): ADD to it (created from the last month before it) and to
  every later month's levels (condition: ``ops`` unchanged).

A failed condition or a transaction conflict is retried on fresh reads; a node's writes thus
serialise only when a month starts or a late event arrives.

Reads: a node's months in a range are one Query (plus one for the level before the range);
a page of children costs one Query of the org tree, one BatchGetItem of the children's items
for that month, and for each child without one a single-item Query (its last month before),
in parallel: at most two items per child.
"""
from __future__ import annotations

import random
import time
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.errors import ServiceUnavailable
from chalicelib.platform.events import DomainEvent

from .models import COUNTED_KEEP, HEAD, EnterpriseCounted, EnterpriseFigure

METRICS: tuple[tuple[str, str, str], ...] = (
    ("roster_members", "会员库在册会员", "人"),
    ("verified_members", "光年间认证会员", "人"),
    ("dorm_beds", "宿舍床位", "张"),
    ("dorm_beds_occupied", "已入住床位", "张"),
    ("aid_cases_open", "在办帮扶申请", "件"),
    ("aid_amount_paid", "帮扶发放金额", "分"),
    ("subsidy_amount_claimed", "产改补助申请金额", "分"),
    ("subsidy_amount_paid", "产改补助发放金额", "分"),
    ("talents_declared", "技能人才申报", "人"),
    ("talents_approved", "技能人才认定", "人"),
    ("bookings", "场馆与活动预约", "次"),
    ("events_held", "举办活动场次", "场"),
    ("participants", "活动参与人次", "人次"),
    ("people_served", "服务中心服务人次", "人次"),
    ("mediations", "劳动争议调解结案", "件"),
)
KEYS = tuple(k for k, _, _ in METRICS)
STOCKS = frozenset({"roster_members", "verified_members", "dorm_beds", "dorm_beds_occupied", "aid_cases_open"})
AID_NOT_OPEN = frozenset({"draft", "disbursed", "rejected", "withdrawn"})
ATTEMPTS = 8


def ancestors(org_path: str) -> list[str]:
    parts = org_path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _month_of(event: DomainEvent) -> str:
    return clock.to_shanghai(clock.parse(event.time)).strftime("%Y-%m")


def deltas_of(source: str, detail_type: str, event: DomainEvent) -> list[tuple[str, str, dict[str, int]]]:
    """[(org path, month, metric → change)] that one domain event makes (mostly one, or none)."""
    data: dict[str, Any] = event.data
    feature = source.removeprefix("gonghui.")
    org = str(data.get("org_path") or event.org or "")
    month = _month_of(event)
    found: dict[str, int] = {}
    if feature == "identity":
        if detail_type == "MemberVerified":
            found = {"verified_members": 1}
        elif detail_type == "RosterMembersChanged":
            return [(str(c["org_path"]), month, {"roster_members": int(c.get("added", 0)) - int(c.get("left", 0))})
                    for c in data.get("changes") or [] if c.get("org_path")
                    and int(c.get("added", 0)) != int(c.get("left", 0))]
    elif feature == "dorms":
        org = event.org
        if detail_type == "DormRoomsImported":
            found = {"dorm_beds": int(data.get("beds") or 0),
                     "dorm_beds_occupied": int(data.get("occupied_beds") or 0)}
        elif detail_type == "DormCheckedIn":
            found = {"dorm_beds_occupied": 1}
        elif detail_type == "DormCheckedOut":
            found = {"dorm_beds_occupied": -1}
    elif feature == "aid" and detail_type == "AidStepTaken":
        before, after = str(data.get("from_state") or "draft"), str(data.get("to_state") or "")
        opened = int(after not in AID_NOT_OPEN) - int(before not in AID_NOT_OPEN)
        found = {"aid_cases_open": opened}
        if after == "disbursed" and before != "disbursed":
            found["aid_amount_paid"] = int(data.get("amount_fen") or 0)
    elif feature == "subsidy":
        org = event.org
        if detail_type == "SubsidyCalculated":
            found = {"subsidy_amount_claimed": int(data.get("total_fen") or 0)}
        elif detail_type == "SubsidyRecalculated":
            claimed = int(data.get("total_fen") or 0) - int(data.get("previous_total_fen") or 0)
            found = {"subsidy_amount_claimed": claimed}
        elif detail_type == "SubsidyReviewed" and data.get("state") == "approved":
            found = {"subsidy_amount_paid": int(data.get("paid_fen") or 0)}
    elif feature == "talents":
        if detail_type == "TalentDeclared":
            found = {"talents_declared": 1}
        elif detail_type == "TalentApproved":
            found = {"talents_approved": 1}
    elif feature == "bookings":
        if detail_type in ("BookingVenueBooked", "BookingSignedUp"):
            found = {"bookings": 1}
        elif detail_type == "BookingAttendanceClosed":
            org, month = str(data.get("org") or event.org), str(data.get("day") or "")[:7] or month
            found = {"events_held": int(data.get("sessions") or 0), "participants": int(data.get("attended") or 0)}
    elif feature == "centres" and detail_type == "CentreVisitRecorded":
        found, month = {"people_served": 1}, str(data.get("month") or month)
    elif feature == "mediation" and detail_type == "MediationCaseClosed" \
            and data.get("outcome") in ("settled", "failed"):
        found = {"mediations": 1}
        if data.get("closed_at"):
            month = clock.to_shanghai(clock.parse(str(data["closed_at"]))).strftime("%Y-%m")
    found = {k: v for k, v in found.items() if v}
    if not found or not org:
        return []
    return [(org, month, found)]


def count_event(source: str, detail_type: str, event: DomainEvent) -> bool:
    """Roll one domain event up. False when it changes nothing or was counted before."""
    changes = deltas_of(source, detail_type, event)
    key = f"{source}#{event.event_id}"
    counted = [count(key if len(changes) == 1 else f"{key}#{org}", org, month, deltas)
               for org, month, deltas in changes]
    return any(counted)


# --- the roll-up ------------------------------------------------------------------------------

def _connection() -> Connection:
    return EnterpriseFigure._get_connection().connection


def _levels(item: EnterpriseFigure | None) -> dict[str, int]:
    return {k: int(getattr(item, k) or 0) if item is not None else 0 for k in STOCKS}


def _item(node: str, month: str, values: dict[str, int]) -> EnterpriseFigure:
    item = EnterpriseFigure(node, month)
    for key, value in values.items():
        setattr(item, key, value)
    return item


def _adds(values: dict[str, int]) -> list[Any]:
    return [getattr(EnterpriseFigure, k).add(v) for k, v in values.items()]


def _stage_node(tx: TransactWrite, node: str, month: str, head: EnterpriseFigure | None,
                deltas: dict[str, int]) -> None:
    stocks = {k: v for k, v in deltas.items() if k in STOCKS}
    head_adds = [EnterpriseFigure.ops.add(1), *_adds(stocks)]
    if head is None:  # the node's first figure
        head = _item(node, HEAD, stocks)
        head.latest, head.ops = month, 1
        tx.save(head, condition=EnterpriseFigure.org_path.does_not_exist())
        tx.save(_item(node, month, deltas), condition=EnterpriseFigure.org_path.does_not_exist())
        return
    latest = str(head.latest)
    if latest == month:
        tx.update(EnterpriseFigure(node, HEAD), actions=head_adds, condition=EnterpriseFigure.latest == month)
        tx.update(EnterpriseFigure(node, month), actions=_adds(deltas))
        return
    unchanged = EnterpriseFigure.ops == int(head.ops)
    if latest < month:  # a new month starts from the current levels
        levels = _levels(head)
        start = {**deltas, **{k: levels[k] + stocks.get(k, 0) for k in STOCKS}}
        tx.update(EnterpriseFigure(node, HEAD), actions=[*head_adds, EnterpriseFigure.latest.set(month)],
                  condition=unchanged)
        tx.save(_item(node, month, start), condition=EnterpriseFigure.org_path.does_not_exist())
        return
    # a late event: the month itself, then every later month's levels
    before = next(iter(EnterpriseFigure.query(node, EnterpriseFigure.month <= month, scan_index_forward=False,
                                              limit=1, consistent_read=True)), None)
    if before is not None and before.month == month:
        tx.update(EnterpriseFigure(node, month), actions=_adds(deltas))
    else:
        levels = _levels(before)
        start = {**deltas, **{k: levels[k] + stocks.get(k, 0) for k in STOCKS}}
        tx.save(_item(node, month, start), condition=EnterpriseFigure.org_path.does_not_exist())
    if stocks:
        for later in EnterpriseFigure.query(node, EnterpriseFigure.month.between(month + "#", latest),
                                            consistent_read=True, attributes_to_get=["org_path", "month"]):
            tx.update(EnterpriseFigure(node, later.month), actions=_adds(stocks))
    tx.update(EnterpriseFigure(node, HEAD), actions=head_adds, condition=unchanged)


def count(key: str, org_path: str, month: str, deltas: dict[str, int]) -> bool:
    """Add ``deltas`` to ``month`` of the org node and every node above it, once per ``key``."""
    nodes = ancestors(org_path)
    for attempt in range(ATTEMPTS):
        heads = {h.org_path: h for h in EnterpriseFigure.batch_get([(n, HEAD) for n in nodes], consistent_read=True)}
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(EnterpriseCounted(key, at=clock.now_iso(), expires=COUNTED_KEEP),
                        condition=EnterpriseCounted.key.does_not_exist())
                for node in nodes:
                    _stage_node(tx, node, month, heads.get(node), deltas)
        except TransactWriteError as exc:
            reasons = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False  # counted before: a redelivery
            if any(r in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons):
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
                continue  # another event moved a node between our read and our write
            raise
        return True
    raise ServiceUnavailable("数据汇总繁忙，稍后重试", code="FIGURES_BUSY")


# --- reads ------------------------------------------------------------------------------------

def _figures(item: EnterpriseFigure | None, *, same_month: bool) -> dict[str, int]:
    """A month's figures from the last item at or before it: its levels always, its flows only
    when it is that very month."""
    if item is None:
        return {k: 0 for k in KEYS}
    return {k: int(getattr(item, k) or 0) if (k in STOCKS or same_month) else 0 for k in KEYS}


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def series(org_path: str, first: str, last: str) -> list[tuple[str, dict[str, int]]]:
    """Each month of ``first``..``last`` with its figures (levels carried over quiet months)."""
    carried = next(iter(EnterpriseFigure.query(org_path, EnterpriseFigure.month < first, scan_index_forward=False,
                                               limit=1)), None)
    found = {i.month: i for i in EnterpriseFigure.query(org_path, EnterpriseFigure.month.between(first, last))}
    out = []
    for month in months_between(first, last):
        item = found.get(month)
        if item is not None:
            carried = item
        out.append((month, _figures(carried, same_month=item is not None)))
    return out


def as_of_many(org_paths: list[str], month: str) -> list[dict[str, int]]:
    """``as_of`` for a page of nodes: one BatchGetItem for those with an item for the month
    itself, one single-item Query (in parallel) for each of the rest."""
    from chalicelib.platform import concurrency

    found = {i.org_path: i for i in EnterpriseFigure.batch_get([(p, month) for p in dict.fromkeys(org_paths)])}
    missing = [p for p in org_paths if p not in found]
    later = dict(zip(missing, concurrency.gather(*[lambda p=p: as_of(p, month) for p in missing]), strict=True))
    return [_figures(found[p], same_month=True) if p in found else later[p] for p in org_paths]


def as_of(org_path: str, month: str) -> dict[str, int]:
    item = next(iter(EnterpriseFigure.query(org_path, EnterpriseFigure.month <= month, scan_index_forward=False,
                                            limit=1)), None)
    return _figures(item, same_month=item is not None and item.month == month)
