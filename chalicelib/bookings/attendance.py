"""A person's entries, check-in by signed code, approval, and what happens after: no-shows
(feeding the no-show rule), closing sessions, the figures roll-up and reminders."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors, get_in_scope
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import activities, venues
from .common import CHECKIN_EARLY, ENTRY_ID, FEATURE, ancestors, entry_view, local_day, read_code
from .models import BookingEntry, BookingFigure, BookingSession, BookingStrike, transaction
from .schemas import (
    KIND_CN,
    BookingAttendanceView,
    BookingDecision,
    BookingEntryPage,
    BookingEntryView,
    BookingFigureRow,
    BookingFiguresView,
)

GRACE = timedelta(minutes=15)    # after the end, before an absent person counts as a no-show
STRIKE_DAYS = 400                # strikes are kept a little over a year (TTL)


def _entry_not_found() -> NotFound:
    return NotFound("找不到该预约", code="BOOKING_ENTRY_NOT_FOUND")


def own_entry(principal: Principal, entry_id: str) -> BookingEntry:
    if not ENTRY_ID.fullmatch(entry_id):
        raise _entry_not_found()
    try:
        entry = BookingEntry.get(entry_id, consistent_read=True)
    except BookingEntry.DoesNotExist as exc:
        raise _entry_not_found() from exc
    if entry.user_id != principal.user_id:
        raise _entry_not_found()
    return entry


def my_entries(principal: Principal, *, limit: int, cursor: str | None) -> BookingEntryPage:
    bound = f"booking-mine:{principal.user_id}"
    results = BookingEntry.by_user.query(principal.user_id, scan_index_forward=False, limit=limit,
                                         last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [entry_view(e, with_code=True) for e in results]
    return BookingEntryPage(items=items, next_cursor=encode_cursor(results.last_evaluated_key, bound_to=bound))


def my_entry(principal: Principal, entry_id: str) -> BookingEntryView:
    return entry_view(own_entry(principal, entry_id), with_code=True)


def cancel(principal: Principal, entry_id: str) -> BookingEntryView:
    entry = own_entry(principal, entry_id)
    if entry.kind == "venue":
        if entry.status not in ("pending", "confirmed"):
            raise Conflict("该预约已不能取消", code="BOOKING_NOT_CANCELLABLE")
        venues.cancel_venue_entry(principal, entry)
    else:
        activities.cancel_session_entry(principal, entry)
    return entry_view(BookingEntry.get(entry_id, consistent_read=True))


def accept(principal: Principal, entry_id: str) -> BookingEntryView:
    return activities.accept_offer(principal, own_entry(principal, entry_id))


def decide(principal: Principal, entry_id: str, decision: BookingDecision) -> BookingEntryView:
    """Staff approve or reject a pending venue booking (venues whose rules require approval)."""
    entry = get_in_scope(BookingEntry, entry_id, principal, not_found=_entry_not_found(), id_pattern=ENTRY_ID)
    if entry.status != "pending":
        raise Conflict("该预约不在待审核状态（可能已被其他工作人员处理）", code="BOOKING_ALREADY_DECIDED")
    data = {"entry_id": entry_id, "approve": decision.approve, "user_id": entry.user_id}
    decided = Conflict("该预约不在待审核状态（可能已被其他工作人员处理）", code="BOOKING_ALREADY_DECIDED")
    if decision.approve:
        with dynamo_errors(decided), transaction() as tx:
            tx.update(entry, condition=BookingEntry.status == "pending",
                      actions=[BookingEntry.status.set("confirmed"), BookingEntry.updated_at.set(clock.now_iso())])
            publish(FEATURE, "BookingDecided", org=entry.org_path, actor=actor_of(principal), data=data, tx=tx)
    else:
        try:
            venues.release_venue_entry(entry, status="rejected", reason=decision.reason, expect=("pending",),
                                       announce=lambda tx, event_id: publish(
                                           FEATURE, "BookingDecided", org=entry.org_path, actor=actor_of(principal),
                                           data=data, event_id=event_id, tx=tx))
        except Conflict as exc:
            raise decided from exc
    return entry_view(BookingEntry.get(entry_id, consistent_read=True))


# --- check-in ------------------------------------------------------------------------------------

def check_in(principal: Principal, code: str) -> BookingEntryView:
    """Staff scan a code: the signature is checked here (no other round trip), the entry must
    be in their scope, and a conditional write uses the code exactly once."""
    claims = read_code(code)
    try:
        entry = BookingEntry.get(claims["eid"], consistent_read=True)
    except BookingEntry.DoesNotExist as exc:
        raise _entry_not_found() from exc
    if entry.user_id != claims["sub"] or not principal.covers(entry.org_path):
        raise _entry_not_found()
    if entry.status == "checked_in":
        raise Conflict("该签到码已使用过", code="BOOKING_CODE_USED",
                       details=[{"checked_in_at": entry.checked_in_at}])
    if entry.status != "confirmed":
        raise Conflict("该预约当前不能签到（已取消、未审核或已过期）", code="BOOKING_NOT_CHECKABLE",
                       details=[{"status": entry.status}])
    if clock.now() < clock.parse(entry.starts_at) - CHECKIN_EARLY:
        raise Conflict("还没到签到时间（开始前 30 分钟起可签到）", code="BOOKING_CHECKIN_TOO_EARLY")
    now = clock.now_iso()
    try:
        with transaction() as tx:
            tx.update(entry, actions=[BookingEntry.status.set("checked_in"), BookingEntry.checked_in_at.set(now),
                                      BookingEntry.checked_in_by.set(principal.user_id),
                                      BookingEntry.remind_day.remove(), BookingEntry.updated_at.set(now)],
                      condition=BookingEntry.status == "confirmed")
            if entry.kind == "session":
                tx.update(BookingSession(entry.resource_id), actions=[BookingSession.checked_in.add(1)])
            publish(FEATURE, "BookingCheckedIn", org=entry.org_path, actor=actor_of(principal), tx=tx,
                    data={"entry_id": entry.entry_id, "kind": entry.kind, "resource_id": entry.resource_id,
                          "user_id": entry.user_id, "user_org": entry.user_org or ""})
    except TransactWriteError as exc:
        raise Conflict("该签到码已使用过", code="BOOKING_CODE_USED") from exc
    return entry_view(BookingEntry.get(entry.entry_id, consistent_read=True))


# --- attendance for staff ------------------------------------------------------------------------

def session_attendance(principal: Principal, session_id: str, *, limit: int,
                       cursor: str | None) -> BookingAttendanceView:
    session = activities.session_for_staff(principal, session_id)
    bound = f"booking-attendance:{session_id}"
    results = BookingEntry.by_resource.query(session_id, limit=limit,
                                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [entry_view(e) for e in results]
    waiting: int = sum(int(v) for v in activities.as_map(session.waiting).values())
    closed = session.signups is not None
    return BookingAttendanceView(
        resource_id=session_id, title=session.title, starts_at=session.starts_at,
        signups=int(session.signups) if closed else int(session.taken),
        checked_in=int(session.attended) if closed else int(session.checked_in or 0),
        no_shows=int(session.no_shows or 0), waiting=waiting, items=items,
        next_cursor=encode_cursor(results.last_evaluated_key, bound_to=bound))


def venue_attendance(principal: Principal, venue_id: str, day: Any, *, limit: int,
                     cursor: str | None) -> BookingAttendanceView:
    venue, entries, next_cursor = venues.venue_day(principal, venue_id, day, limit=limit, cursor=cursor)
    held = [e for e in entries if e.status in ("confirmed", "checked_in", "no_show")]
    return BookingAttendanceView(
        resource_id=venue_id, title=venue.name, starts_at=None, signups=len(held),
        checked_in=len([e for e in held if e.status == "checked_in"]),
        no_shows=len([e for e in held if e.status == "no_show"]),
        waiting=0, items=[entry_view(e) for e in entries], next_cursor=next_cursor)


# --- after the session ---------------------------------------------------------------------------

def _strike(entry: BookingEntry) -> BookingStrike:
    """One no-show, recorded once (the key is the entry), read by the no-show rule."""
    return BookingStrike(entry.user_id, f"s#{entry.ends_at}#{entry.entry_id}", entry_id=entry.entry_id,
                         title=entry.title, expires=clock.now() + timedelta(days=STRIKE_DAYS))


def _mark_no_show(entry: BookingEntry, event: dict[str, Any] | None = None) -> bool:
    """The no-show, its strike and (for a venue visit) the visit's ``event`` commit together."""
    try:
        with transaction() as tx:
            tx.update(entry, actions=[BookingEntry.status.set("no_show"), BookingEntry.due_day.remove(),
                                      BookingEntry.remind_day.remove(), BookingEntry.updated_at.set(clock.now_iso())],
                      condition=(BookingEntry.status == "confirmed") & BookingEntry.due_day.exists())
            tx.save(_strike(entry))
            if event is not None:
                _publish_visit(event, tx)
    except TransactWriteError:  # checked in or cancelled a moment ago: nothing to mark
        return False
    return True


def _publish_visit(data: dict[str, Any], tx: TransactWrite) -> None:
    publish(FEATURE, "BookingAttendanceClosed", org=data["org"], data=data, event_id=data["ref"].replace(":", "-"),
            tx=tx)


def _visit_event(entry: BookingEntry, attended: bool) -> dict[str, Any]:
    return {"ref": f"visit:{entry.entry_id}", "org": entry.org_path, "category": entry.category,
            "day": local_day(clock.parse(entry.starts_at)), "sessions": 0, "signups": 1,
            "attended": int(attended), "no_shows": int(not attended)}


def sweep_no_shows(limit: int = 100) -> int:
    """Entries whose end (plus grace) has passed: absent ones become no-shows; venue visits are
    counted for the figures. Session entries are counted when their session closes."""
    cutoff = clock.isoformat(clock.now() - GRACE)
    today = clock.today_shanghai()
    marked = 0
    for day in ((today - timedelta(days=1)).isoformat(), today.isoformat()):
        for key in BookingEntry.due.query(day, BookingEntry.ends_at <= cutoff, limit=limit):
            entry = BookingEntry.get(key.entry_id, consistent_read=True)
            if entry.status == "confirmed":
                if _mark_no_show(entry, _visit_event(entry, attended=False) if entry.kind == "venue" else None):
                    marked += 1
            elif entry.due_day:
                visit = entry.kind == "venue" and entry.status == "checked_in"
                try:
                    with transaction() as tx:
                        tx.update(entry, actions=[BookingEntry.due_day.remove()],
                                  condition=BookingEntry.due_day.exists())
                        if visit:
                            _publish_visit(_visit_event(entry, attended=True), tx)
                except TransactWriteError:  # another sweep got here first
                    continue
    return marked


def close_sessions(limit: int = 50) -> int:
    """Sessions that ended: absent people become no-shows, figures are written on the session
    and published once (a conditional update on ``close_day`` makes it happen once)."""
    cutoff = clock.isoformat(clock.now() - GRACE)
    today = clock.today_shanghai()
    closed = 0
    for day in ((today - timedelta(days=1)).isoformat(), today.isoformat()):
        for key in BookingSession.to_close.query(day, BookingSession.ends_at <= cutoff, limit=limit):
            if _close(key.session_id):
                closed += 1
    return closed


def _close(session_id: str) -> bool:
    session = BookingSession.get(session_id, consistent_read=True)
    if not session.close_day:
        return False
    signups = attended = no_shows = 0
    last: dict[str, Any] | None = None
    while True:  # every entry of this one session, a page at a time
        results = BookingEntry.by_resource.query(session_id, limit=100, last_evaluated_key=last)
        for entry in results:
            if entry.status == "confirmed" and _mark_no_show(entry):
                entry.status = "no_show"
            if entry.status == "checked_in":
                signups, attended = signups + 1, attended + 1
            elif entry.status == "no_show":
                signups, no_shows = signups + 1, no_shows + 1
        last = results.last_evaluated_key
        if not last:
            break
    data = {"ref": f"session:{session_id}", "org": session.org_path, "category": session.kind,
            "day": local_day(clock.parse(session.starts_at)), "sessions": 1, "signups": signups,
            "attended": attended, "no_shows": no_shows, "activity_id": session.activity_id}
    if session.host:
        data["host"] = session.host  # the centres feature counts it for the room's centre or reading room
    try:
        with transaction() as tx:
            tx.update(session, actions=[BookingSession.status.set("closed"), BookingSession.close_day.remove(),
                                        BookingSession.attention.remove(), BookingSession.signups.set(signups),
                                        BookingSession.attended.set(attended), BookingSession.no_shows.set(no_shows)],
                      condition=BookingSession.close_day.exists())
            publish(FEATURE, "BookingAttendanceClosed", org=session.org_path, data=data,
                    event_id=f"closed-{session_id}", tx=tx)
    except TransactWriteError:  # closed by a concurrent run
        return False
    return True


# --- figures -------------------------------------------------------------------------------------

def roll_up(data: dict[str, Any]) -> bool:
    """Add one closed session (or venue visit) to its org node and every ancestor, for its month
    and year, in its category and in ``all``. The ``#applied`` marker is written in the same
    transaction, so a redelivered event adds nothing. Returns False for a repeat."""
    day = str(data["day"])
    actions: list[Any] = [BookingFigure.sessions.add(int(data["sessions"])),
                          BookingFigure.signups.add(int(data["signups"])),
                          BookingFigure.attended.add(int(data["attended"])),
                          BookingFigure.no_shows.add(int(data["no_shows"]))]
    try:
        with transaction() as tx:
            tx.save(BookingFigure("#applied", str(data["ref"])), condition=BookingFigure.org_path.does_not_exist())
            for node in ancestors(str(data["org"])):
                for period in (day[:7], day[:4]):
                    for category in dict.fromkeys((str(data["category"]), "all")):
                        tx.update(BookingFigure(node, f"{period}#{category}"), actions=actions)
    except TransactWriteError as exc:
        if (exc.cancellation_reasons or [None])[0] is not None and \
                exc.cancellation_reasons[0].code == "ConditionalCheckFailed":  # type: ignore[index, union-attr]
            return False
        raise
    return True


def figures(principal: Principal, org: str | None, period: str) -> BookingFiguresView:
    node = org or principal.org_path
    if not principal.covers(node):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    rows = [BookingFigureRow(category=f.figure_key.split("#", 1)[1],
                             category_cn="合计" if f.figure_key.endswith("#all") else
                             KIND_CN.get(f.figure_key.split("#", 1)[1], f.figure_key.split("#", 1)[1]),
                             sessions=int(f.sessions), signups=int(f.signups), attended=int(f.attended),
                             no_shows=int(f.no_shows))
            for f in BookingFigure.query(node, BookingFigure.figure_key.startswith(f"{period}#"), limit=50)]
    return BookingFiguresView(org_path=node, period=period, rows=rows)


# --- reminders -----------------------------------------------------------------------------------

def send_reminders(limit: int = 200) -> dict[str, int]:
    """Tomorrow's entries of people who asked for a reminder: one notice each through the one
    inbox (an inbox item, and a subscribe message the inbox pushes once, within the person's
    allowance). The notice's dedup key is the entry and the reminder is then claimed by a
    conditional update, so a re-run never tells anyone twice."""
    from chalicelib.platform.notices import NoticePush, request_notice

    today = clock.today_shanghai().isoformat()
    outcome = {"queued": 0}
    for key in BookingEntry.to_remind.query(today, limit=limit):
        entry = BookingEntry.get(key.entry_id)
        if entry.status != "confirmed" or not entry.remind_day:
            continue
        start = clock.to_shanghai(clock.parse(entry.starts_at)).strftime("%Y-%m-%d %H:%M")
        page = f"pages/bookings/entry?id={entry.entry_id}"
        # queued before the claim: a crash between the two re-runs into the same dedup key
        request_notice(entry.user_id, kind="bookings", title=f"明天的预约：{entry.title}"[:100],
                       body=f"{start} 开始，请凭签到码入场", link=page, dedup_key=f"booking-reminder:{entry.entry_id}",
                       occurred_at=clock.now_iso(), meta={"entry_id": entry.entry_id, "template": "booking_reminder"},
                       push=NoticePush(template="booking_reminder", page=page, data={
                           "thing1": entry.title[:20], "time2": start, "thing3": "明天见，请凭签到码入场"}))
        try:
            entry.update(actions=[BookingEntry.remind_day.remove()],
                         condition=BookingEntry.remind_day.exists() & (BookingEntry.status == "confirmed"))
        except UpdateError:  # cancelled meanwhile, or claimed by another run (the dedup key holds)
            continue
        outcome["queued"] += 1
    return outcome
