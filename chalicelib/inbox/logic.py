"""The inbox: deliver a notice once, list newest first, count unread by kind, mark read.

Every write that changes what is unread is one DynamoDB transaction over the item, the kind's
counter row and the person's "~all" row (whose ``version`` every such write bumps), so a
delivery racing a mark-all-read can never leave a count that disagrees with the items.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.errors import NotFound
from chalicelib.platform.notices import KINDS, NoticeRequest, item_id_of
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import ALL, InboxAnnouncementShard, InboxCounter, InboxItem, announcement_shard
from .schemas import InboxItemPage, InboxItemView, InboxUnreadView

MAX_ATTEMPTS = 5


def _connection() -> Connection:
    return InboxItem._get_connection().connection  # type: ignore[no-any-return]


def _all_row(user_id: str) -> InboxCounter:
    try:
        return InboxCounter.get(user_id, ALL, consistent_read=True)
    except DoesNotExist:
        return InboxCounter(user_id, ALL, version=0)


def _bump_all(tx: TransactWrite, row: InboxCounter, *, at: str | None = None, watermark: str | None = None) -> None:
    """Bump the person's "~all" row, on the condition nobody else did since we read it."""
    actions: list[Any] = [InboxCounter.version.set(int(row.version or 0) + 1)]
    if watermark is not None:
        actions.append(InboxCounter.watermark.set(watermark))
    if int(row.version or 0) == 0 and row.watermark is None:
        condition = InboxCounter.version.does_not_exist() | (InboxCounter.version == 0)
    else:
        condition = InboxCounter.version == int(row.version)
    if at is not None and row.watermark is not None and at <= row.watermark:
        raise ValueError("delivery time at or before the read watermark")
    tx.update(InboxCounter(row.user_id, ALL), actions=actions, condition=condition)


def _cancelled_by(exc: TransactWriteError) -> list[str]:
    return [(r.code if r is not None else "") or "" for r in (getattr(exc, "cancellation_reasons", None) or [])]


def deliver(request: NoticeRequest, *, also: Callable[[TransactWrite], None] | None = None) -> bool:
    """Write the notice into the person's inbox once per dedup key. True when written now.
    ``also`` adds writes that must happen exactly when the item is written (a counter)."""
    item_id = item_id_of(request.dedup_key)
    for _ in range(MAX_ATTEMPTS):
        row = _all_row(request.user_id)
        created = clock.isoformat(clock.parse(request.occurred_at)) if request.occurred_at else clock.now_iso()
        sort_at = f"{created}#{item_id}"
        if row.watermark is not None and sort_at <= row.watermark:  # a clock behind the last mark-all
            created = row.watermark.split("#", 1)[0]
            sort_at = f"{created}#{item_id}"
            if sort_at <= row.watermark:
                sort_at = f"{created}#~{item_id}"
        item = InboxItem(request.user_id, item_id, sort_at=sort_at, kind_at=f"{request.kind}#{sort_at}",
                         kind=request.kind, title=request.title, body=request.body, link=request.link,
                         created_at=created, read=False, meta=dict(request.meta),
                         pushed="no" if request.push else "none")
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(item, condition=InboxItem.item_id.does_not_exist())
                tx.update(InboxCounter(request.user_id, request.kind), actions=[InboxCounter.unread.add(1)])
                _bump_all(tx, row)
                if also is not None:
                    also(tx)
            return True
        except TransactWriteError as exc:
            reasons = _cancelled_by(exc)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False  # delivered before: the same dedup key names the same item
            if not any(r in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons):
                raise
    raise RuntimeError("inbox delivery kept colliding; the message will be redelivered")


TX_PEOPLE = 25  # people per transaction in deliver_many: 3 items each + one row per counter shard <= 100


def deliver_many(requests: list[NoticeRequest], *,
                 counters: Callable[[TransactWrite, dict[str, int]], None] | None = None,
                 people_per_tx: int = TX_PEOPLE) -> list[str]:
    """Deliver one notice to each of many people (distinct users), in transactions of
    ``people_per_tx`` people: one BatchGet first drops those who hold the item already (a
    redelivered batch costs reads only); ``counters`` gets the users written in a transaction
    and adds its counter updates to it, so counts move exactly with the items. A transaction
    cancelled by a concurrent write falls back to one ``deliver`` per person. Returns the users
    written now."""
    if not requests:
        return []
    by_user = {r.user_id: r for r in requests}
    keys = [(r.user_id, item_id_of(r.dedup_key)) for r in by_user.values()]
    held = {i.user_id for i in InboxItem.batch_get(keys, attributes_to_get=["user_id", "item_id"])}
    fresh = [r for r in by_user.values() if r.user_id not in held]
    rows = {row.user_id: row for row in InboxCounter.batch_get([(r.user_id, ALL) for r in fresh])} if fresh else {}
    written: list[str] = []
    for start in range(0, len(fresh), people_per_tx):
        chunk = fresh[start:start + people_per_tx]
        now = clock.now_iso()
        try:
            with TransactWrite(connection=_connection()) as tx:
                for request in chunk:
                    row = rows.get(request.user_id) or InboxCounter(request.user_id, ALL, version=0)
                    item_id = item_id_of(request.dedup_key)
                    created = clock.isoformat(clock.parse(request.occurred_at)) if request.occurred_at else now
                    sort_at = f"{created}#{item_id}"
                    if row.watermark is not None and sort_at <= row.watermark:
                        raise _Fallback
                    tx.save(InboxItem(request.user_id, item_id, sort_at=sort_at, kind_at=f"{request.kind}#{sort_at}",
                                      kind=request.kind, title=request.title, body=request.body, link=request.link,
                                      created_at=created, read=False, meta=dict(request.meta),
                                      pushed="no" if request.push else "none"),
                            condition=InboxItem.item_id.does_not_exist())
                    tx.update(InboxCounter(request.user_id, request.kind), actions=[InboxCounter.unread.add(1)])
                    _bump_all(tx, row)
                if counters is not None:
                    counters(tx, {r.user_id: 1 for r in chunk})
            written.extend(r.user_id for r in chunk)
        except (TransactWriteError, _Fallback):
            for request in chunk:
                if deliver(request, also=_one_counted(counters, request.user_id)):
                    written.append(request.user_id)
    return written


def _one_counted(counters: Callable[[TransactWrite, dict[str, int]], None] | None,
                 user_id: str) -> Callable[[TransactWrite], None] | None:
    if counters is None:
        return None
    return lambda tx: counters(tx, {user_id: 1})


class _Fallback(Exception):
    """A person of the chunk needs the one-by-one path (read watermark ahead of the time)."""


def deliver_and_push(request: NoticeRequest) -> str:
    """The notice queue's work for one message: deliver, then push once if asked."""
    from chalicelib.accounts.logic import notify_person

    deliver(request)
    if request.push is None:
        return "none"
    item = InboxItem.get(request.user_id, item_id_of(request.dedup_key), consistent_read=True)
    if item.pushed != "no":
        return str(item.pushed)  # a redelivery after the push: never push twice
    outcome = notify_person(request.user_id, request.push.template, dict(request.push.data), request.push.page)
    item.update(actions=[InboxItem.pushed.set(outcome)], condition=InboxItem.pushed == "no")
    return outcome


def _view(item: InboxItem, watermark: str | None) -> InboxItemView:
    read = bool(item.read) or (watermark is not None and item.sort_at <= watermark)
    meta = item.meta.as_dict() if hasattr(item.meta, "as_dict") else dict(item.meta or {})
    return InboxItemView(item_id=item.item_id, kind=item.kind, kind_name=KINDS.get(item.kind, item.kind),
                         title=item.title, body=item.body, link=item.link, created_at=item.created_at, read=read,
                         meta={str(k): str(v) for k, v in meta.items()})


def page(user_id: str, *, kind: str | None = None, limit: int, cursor: str | None) -> InboxItemPage:
    """One page of the inbox, newest first: one Query of ``limit`` items, no Scan."""
    bound = f"inbox:{user_id}:{kind or '*'}"
    start = decode_cursor(cursor, bound_to=bound)
    if kind:
        results = InboxItem.by_kind.query(user_id, InboxItem.kind_at.startswith(f"{kind}#"), scan_index_forward=False,
                                          limit=limit, last_evaluated_key=start)
    else:
        results = InboxItem.by_time.query(user_id, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = list(results)
    watermark = _all_row(user_id).watermark if items else None
    return InboxItemPage(items=[_view(i, watermark) for i in items],
                     next_cursor=encode_cursor(results.last_evaluated_key, bound_to=bound))


def unread(user_id: str) -> InboxUnreadView:
    by_kind = {row.kind: int(row.unread or 0) for row in InboxCounter.query(user_id)
               if row.kind != ALL and int(row.unread or 0) > 0}
    return InboxUnreadView(total=sum(by_kind.values()), by_kind=by_kind)


def mark_read(user_id: str, item_id: str) -> InboxItemView:
    """Mark one item read (already read: nothing changes, same answer)."""
    for _ in range(MAX_ATTEMPTS):
        try:
            item = InboxItem.get(user_id, item_id, consistent_read=True)
        except DoesNotExist:
            raise NotFound("找不到该消息", code="INBOX_ITEM_NOT_FOUND") from None
        row = _all_row(user_id)
        if item.read or (row.watermark is not None and item.sort_at <= row.watermark):
            return _view(item, row.watermark)
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.update(item, actions=[InboxItem.read.set(True)], condition=InboxItem.read == False)  # noqa: E712
                tx.update(InboxCounter(user_id, item.kind), actions=[InboxCounter.unread.add(-1)])
                _bump_all(tx, row)
                ann_id = (item.meta.as_dict() if hasattr(item.meta, "as_dict") else dict(item.meta or {})).get("ann_id")
                if item.kind == "announcement" and ann_id:
                    tx.update(InboxAnnouncementShard(str(ann_id), announcement_shard(user_id)),
                              actions=[InboxAnnouncementShard.read.add(1)])
            item.read = True
            return _view(item, row.watermark)
        except TransactWriteError as exc:
            if not any(r in ("ConditionalCheckFailed", "TransactionConflict") for r in _cancelled_by(exc)):
                raise
    raise RuntimeError("mark-read kept colliding")


def mark_all_read(user_id: str) -> InboxUnreadView:
    """Everything delivered so far becomes read: one watermark, every kind's count to zero."""
    for _ in range(MAX_ATTEMPTS):
        row = _all_row(user_id)
        rows = [r for r in InboxCounter.query(user_id, consistent_read=True) if r.kind != ALL and int(r.unread or 0)]
        watermark = f"{clock.now_iso()}#~"
        if row.watermark is not None and watermark < row.watermark:
            watermark = row.watermark
        try:
            with TransactWrite(connection=_connection()) as tx:
                _bump_all(tx, row, watermark=watermark)
                for counter in rows[:90]:
                    tx.update(counter, actions=[InboxCounter.unread.set(0)],
                              condition=InboxCounter.unread == int(counter.unread))
            return unread(user_id)
        except TransactWriteError as exc:
            if not any(r in ("ConditionalCheckFailed", "TransactionConflict") for r in _cancelled_by(exc)):
                raise
    raise RuntimeError("mark-all-read kept colliding")
