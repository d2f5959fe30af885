"""Activities and their sessions: publishing, sign-up with per-group quotas and numbered
seats, the waitlist with timed offers (as pretix does), cancelling.

A session's seats: ``taken`` counts confirmed and offered seats, ``held[group]`` the same per
group, ``waiting[group]`` the people in line. A direct sign-up takes a seat only while
nobody of its group is waiting, so the line is never jumped; a freed seat goes back with
``attention`` set, and ``advance`` offers it to the head of that group's line in one
transaction (the seat and the offer move together, so no seat is held by two).
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import get_in_scope, get_or_404
from chalicelib.platform.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .common import (
    ACTIVITY_ID,
    FEATURE,
    SESSION_ID,
    Viewer,
    at_local,
    entry_id_for,
    entry_view,
    local_day,
    local_minute,
    new_id,
    run_transaction,
    walk_ancestors,
    within,
)
from .models import BookingActivity, BookingEntry, BookingSeat, BookingSession, transaction
from .schemas import (
    KIND_CN,
    BookingActivityIn,
    BookingActivityPage,
    BookingActivityView,
    BookingAudience,
    BookingEntryView,
    BookingQuestion,
    BookingSessionView,
    BookingSignUp,
)

ALL = "all"
MAX_ADVANCE = 50
NO_SHOW_RULE = (3, 30, 14)  # activities: 3 no-shows in 30 days → no sign-ups for 14 days


def _activity_not_found() -> NotFound:
    return NotFound("找不到该活动", code="BOOKING_ACTIVITY_NOT_FOUND")


def _session_not_found() -> NotFound:
    return NotFound("找不到该场次", code="BOOKING_SESSION_NOT_FOUND")


def as_map(value: Any) -> dict[str, Any]:
    result: dict[str, Any] = value.as_dict() if hasattr(value, "as_dict") else dict(value or {})
    return result


def _audience(activity: BookingActivity) -> BookingAudience:
    return BookingAudience.model_validate(as_map(activity.audience))


def _session_view(s: BookingSession) -> BookingSessionView:
    return BookingSessionView(
        session_id=s.session_id, activity_id=s.activity_id, starts_at=s.starts_at, ends_at=s.ends_at,
        capacity=int(s.capacity), taken=int(s.taken), held={k: int(v) for k, v in as_map(s.held).items() if k != ALL},
        waiting=sum(int(v) for v in as_map(s.waiting).values()), status=s.status,
        signups=int(s.signups) if s.signups is not None else None,
        attended=int(s.attended) if s.attended is not None else None,
        no_shows=int(s.no_shows) if s.no_shows is not None else None)


def _view(a: BookingActivity, sessions: list[BookingSession] | None = None) -> BookingActivityView:
    return BookingActivityView(
        activity_id=a.activity_id, org_path=a.org_path, title=a.title, kind=a.kind, kind_cn=KIND_CN.get(a.kind, a.kind),
        description=a.description, location=a.location, audience=_audience(a),
        questions=[BookingQuestion.model_validate(as_map(q)) for q in a.questions or []], group_by=a.group_by,
        quotas={k: int(v) for k, v in as_map(a.quotas).items()}, fee_fen=int(a.fee_fen), seat_numbers=a.seat_numbers,
        signup_opens_at=a.signup_opens_at, signup_closes_at=a.signup_closes_at, offer_minutes=int(a.offer_minutes),
        waitlist=a.waitlist, host=a.host,
        early_access_tier=int(a.early_access_tier) if a.early_access_tier is not None else None,
        early_access_opens_at=a.early_access_opens_at,
        sessions=[_session_view(s) for s in sessions or []])


# --- publishing ----------------------------------------------------------------------------------

def _session_times(data: BookingActivityIn) -> list[tuple[datetime, datetime]]:
    if data.sessions:
        times = [(clock.parse(s.starts_at), clock.parse(s.ends_at)) for s in data.sessions]
    else:
        rec = data.recurrence
        assert rec is not None
        times = []
        day = rec.first_day
        while day <= rec.last_day:
            if day.isoweekday() in rec.weekdays:
                times.append((at_local(day, rec.start), at_local(day, rec.end)))
            day += timedelta(days=1)
        if not times:
            raise ValidationFailed("重复规则没有产生任何场次", code="BOOKING_NO_SESSIONS")
        if len(times) > 60:
            raise ValidationFailed("一个活动最多 60 场", code="BOOKING_TOO_MANY_SESSIONS")
    if any(start <= clock.now() for start, _ in times):
        raise ValidationFailed("场次开始时间不能早于现在", code="BOOKING_SESSION_IN_PAST")
    return sorted(times)


def create_activity(principal: Principal, data: BookingActivityIn) -> BookingActivityView:
    from chalicelib.orgs import logic as orgs

    if not principal.covers(data.org_path) or not orgs.exists(data.org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    audience = data.audience.model_copy(update={"glnj_only": data.audience.glnj_only or data.kind == "glnj"})
    if data.kind == "party":  # party-building: the members of the org that runs it
        audience = audience.model_copy(update={"org": data.org_path, "members_only": True})
    if not (within(audience.org or data.org_path, data.org_path) or within(data.org_path, audience.org or "")):
        raise ValidationFailed("面向的组织应为主办组织的上级或下级", code="BOOKING_AUDIENCE_INVALID")
    if data.host:
        from chalicelib.centres import logic as centres  # the room or reading room must exist, near the organiser

        host_org = centres.host_org(data.host)
        if host_org is None:
            raise ValidationFailed("找不到该举办场所（服务中心的房间或职工书屋）", code="BOOKING_HOST_INVALID",
                                   details=[{"host": data.host}])
        if not (within(data.org_path, host_org) or within(host_org, data.org_path)):
            raise ValidationFailed("举办场所应属于主办组织的上级或下级", code="BOOKING_HOST_INVALID")
    times = _session_times(data)
    now = clock.now_iso()
    activity_id = new_id("a")
    groups = dict(data.quotas) if data.group_by else {ALL: data.capacity}
    sessions = [BookingSession(new_id("s"), activity_id=activity_id, org_path=data.org_path, title=data.title,
                               kind=data.kind, starts_at=clock.isoformat(start), ends_at=clock.isoformat(end),
                               capacity=data.capacity, taken=0, held=dict.fromkeys(groups, 0),
                               waiting=dict.fromkeys(groups, 0), wait_seq=0, status="open", close_day=local_day(end),
                               checked_in=0, host=data.host)
                for start, end in times]
    opens_at = clock.isoformat(clock.parse(data.signup_opens_at)) if data.signup_opens_at else now
    early = clock.isoformat(clock.parse(opens_at) - timedelta(hours=data.early_access_hours)) \
        if data.early_access_tier is not None else None
    activity = BookingActivity(
        activity_id, org_path=data.org_path, audience_org=audience.org or data.org_path,
        owner_key=f"{max(s.ends_at for s in sessions)}#{activity_id}", title=data.title,
        kind=data.kind, description=data.description, location=data.location, audience=audience.model_dump(),
        questions=[q.model_dump() for q in data.questions], group_by=data.group_by, quotas=dict(data.quotas),
        fee_fen=data.fee_fen, seat_numbers=data.seat_numbers,
        signup_opens_at=opens_at,
        signup_closes_at=clock.isoformat(clock.parse(data.signup_closes_at)) if data.signup_closes_at else None,
        offer_minutes=data.offer_minutes, waitlist=data.waitlist, host=data.host, sessions=len(sessions),
        created_at=now, early_access_tier=data.early_access_tier, early_access_opens_at=early)
    with BookingSession.batch_write() as batch:
        for s in sessions:
            batch.save(s)
    # The sessions (up to 60) are written first; the activity that makes them reachable and its
    # event commit together.
    with transaction() as tx:
        tx.save(activity, condition=BookingActivity.activity_id.does_not_exist())
        publish(FEATURE, "BookingActivityPublished", org=data.org_path, actor=actor_of(principal), tx=tx,
                data={"activity_id": activity_id, "title": data.title, "kind": data.kind, "sessions": len(sessions)})
    return _view(activity, sessions[:20])


def _activity(activity_id: str) -> BookingActivity:
    return get_or_404(BookingActivity, activity_id, not_found=_activity_not_found(), id_pattern=ACTIVITY_ID)


def _sees(viewer: Viewer, activity: BookingActivity) -> bool:
    audience = _audience(activity)
    return viewer.sees(owner=activity.org_path, audience_org=audience.org, members_only=audience.members_only,
                       glnj_only=audience.glnj_only)


def _visible_activity(principal: Principal, activity_id: str, viewer: Viewer) -> BookingActivity:
    activity = _activity(activity_id)
    if not _sees(viewer, activity):
        raise _activity_not_found()
    return activity


def get_activity(principal: Principal, activity_id: str) -> BookingActivityView:
    viewer = Viewer(principal)
    activity = _visible_activity(principal, activity_id, viewer)
    since = clock.isoformat(clock.now() - timedelta(days=1))
    sessions = list(BookingSession.by_activity.query(activity_id, BookingSession.starts_at >= since, limit=20))
    return _view(activity, sessions)


def list_activities(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> BookingActivityPage:
    """Workers: activities run by their node and its ancestors that they may see (光年间 ones
    only for active 光年间 members; members-only ones for verified members). Staff: an org
    node in their scope."""
    viewer = Viewer(principal)

    def query(node: str, n: int, last: dict[str, Any] | None) -> Any:
        return BookingActivity.by_owner.query(node, limit=n, last_evaluated_key=last)

    def for_audience(node: str, n: int, last: dict[str, Any] | None) -> Any:  # not yet over, soonest over first
        return BookingActivity.by_audience.query(node, BookingActivity.owner_key >= clock.now_iso(), limit=n,
                                                 last_evaluated_key=last)

    if viewer.staff or org:
        node = org or principal.org_path
        if viewer.staff and not principal.covers(node):
            raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
        bound = f"booking-activities:{node}"
        results = query(node, limit, decode_cursor(cursor, bound_to=bound))
        found = list(results)
        next_cursor = encode_cursor(results.last_evaluated_key, bound_to=bound)
    else:
        found, next_cursor = walk_ancestors(for_audience, principal.org_path, limit=limit, cursor=cursor,
                                            bound=f"booking-activities-for:{principal.org_path}")
    return BookingActivityPage(items=[_view(a) for a in found if _sees(viewer, a)], next_cursor=next_cursor)


def session_for_staff(principal: Principal, session_id: str) -> BookingSession:
    return get_in_scope(BookingSession, session_id, principal, not_found=_session_not_found(), id_pattern=SESSION_ID)


def _session(session_id: str) -> BookingSession:
    return get_or_404(BookingSession, session_id, not_found=_session_not_found(), id_pattern=SESSION_ID)


# --- sign-up -------------------------------------------------------------------------------------

def _check_answers(activity: BookingActivity, answers: dict[str, str]) -> dict[str, str]:
    questions = [BookingQuestion.model_validate(as_map(q)) for q in activity.questions or []]
    known = {q.key: q for q in questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise ValidationFailed("回答了不存在的问题", code="BOOKING_ANSWER_UNKNOWN", details=[{"keys": unknown}])
    for q in questions:
        value = (answers.get(q.key) or "").strip()
        if q.required and not value:
            raise ValidationFailed(f"请回答：{q.label}", code="BOOKING_ANSWER_MISSING", details=[{"key": q.key}])
        if value and q.choices and value not in q.choices:
            raise ValidationFailed(f"“{q.label}”请从选项中选择", code="BOOKING_ANSWER_CHOICE", details=[{"key": q.key}])
    return {k: v.strip() for k, v in answers.items() if v.strip()}


def _early(activity: BookingActivity, principal: Principal, now: datetime) -> bool:
    """A popular activity's early-access window: members whose 光年间 tier reaches its level."""
    if activity.early_access_tier is None or not activity.early_access_opens_at:
        return False
    if now < clock.parse(activity.early_access_opens_at) or principal.role is not Role.WORKER:
        return False
    from chalicelib.tiers import logic as tiers

    return tiers.level_of(principal.user_id, principal.org_path) >= int(activity.early_access_tier)


def _window(activity: BookingActivity, session: BookingSession, principal: Principal) -> None:
    now = clock.now()
    if session.status != "open":
        raise Conflict("该场次已结束或已取消，不能报名", code="BOOKING_SIGNUP_CLOSED")
    if now < clock.parse(activity.signup_opens_at) and not _early(activity, principal, now):
        opens = clock.to_shanghai(clock.parse(activity.signup_opens_at)).strftime("%m月%d日 %H:%M")
        raise Conflict(f"报名将于 {opens} 开始", code="BOOKING_SIGNUP_NOT_OPEN")
    closes = clock.parse(activity.signup_closes_at) if activity.signup_closes_at else clock.parse(session.starts_at)
    if now >= min(closes, clock.parse(session.starts_at)):
        raise Conflict("报名已截止", code="BOOKING_SIGNUP_CLOSED")


def _free_seats(session_id: str, capacity: int) -> list[int]:
    taken = {int(s.seat_no) for s in BookingSeat.query(session_id, limit=capacity)}
    return [n for n in range(1, capacity + 1) if n not in taken]


def _seat_condition(session: BookingSession, group: str, quota: int | None) -> Any:
    cond = (BookingSession.status == "open") & (BookingSession.taken < int(session.capacity))
    if quota is not None:
        cond = cond & (BookingSession.held[group] < quota)  # type: ignore[index]
    return cond


def _seat_actions(group: str, delta: int) -> list[Any]:
    return [BookingSession.taken.add(delta), BookingSession.held[group].add(delta)]  # type: ignore[index]


def sign_up(principal: Principal, session_id: str, request: BookingSignUp) -> BookingEntryView:
    viewer = Viewer(principal)
    session = _session(session_id)
    activity = _activity(session.activity_id)
    audience = _audience(activity)
    viewer.may_book(owner=activity.org_path, audience_org=audience.org, members_only=audience.members_only,
                    glnj_only=audience.glnj_only, what="活动")
    _window(activity, session, principal)
    quotas = {k: int(v) for k, v in as_map(activity.quotas).items()}
    if activity.group_by:
        if request.group is None:
            raise ValidationFailed("该活动按性别分配名额，请填写 group（male 或 female）",
                                   code="BOOKING_GROUP_REQUIRED")
        group: str = request.group
        quota: int | None = quotas.get(group, 0)
    else:
        group, quota = ALL, None
    answers = _check_answers(activity, request.answers)
    if request.seat_no is not None and (not activity.seat_numbers or request.seat_no > int(session.capacity)):
        raise ValidationFailed("该活动没有这个座位号", code="BOOKING_SEAT_INVALID")
    from chalicelib.bookings.venues import banned_until

    if banned_until(principal.user_id, *NO_SHOW_RULE) is not None:
        raise Forbidden("{1} 天内爽约 {0} 次，{2} 天内不能报名活动".format(*NO_SHOW_RULE),
                        code="BOOKING_NO_SHOW_BANNED")

    now = clock.now_iso()
    entry = BookingEntry(
        entry_id_for("session", session_id, principal.user_id), kind="session", resource_id=session_id,
        resource_key="", parent_id=activity.activity_id, org_path=activity.org_path, category=activity.kind,
        title=activity.title, user_id=principal.user_id, user_org=principal.org_path, starts_at=session.starts_at,
        ends_at=session.ends_at, status="confirmed", places=1, group=group, answers=answers,
        fee_fen=int(activity.fee_fen), remind=request.remind, created_at=now, updated_at=now)
    entry.resource_key = f"{local_minute(clock.parse(session.starts_at))}#{entry.entry_id}"
    fresh = BookingEntry.entry_id.does_not_exist() | BookingEntry.status.is_in("cancelled", "expired", "rejected")
    nobody_waiting = BookingSession.waiting[group] == 0  # type: ignore[index]
    event_id = uuid.uuid4().hex  # one event id across retries and seats: only one of them commits

    def confirmed(seat: int | None) -> None:
        _confirm_fields(entry)
        entry.seat_no = seat
        with transaction() as tx:
            tx.update(session, actions=_seat_actions(group, 1),
                      condition=_seat_condition(session, group, quota) & nobody_waiting)
            tx.save(entry, condition=fresh)
            if seat is not None:
                tx.save(BookingSeat(session_id, seat, entry_id=entry.entry_id),
                        condition=BookingSeat.seat_no.does_not_exist())
            publish(FEATURE, "BookingSignedUp", org=activity.org_path, actor=actor_of(principal), tx=tx,
                    event_id=event_id, data={"entry_id": entry.entry_id, "session_id": session_id,
                                             "activity_id": activity.activity_id, "status": "confirmed",
                                             "group": group})

    def refused(codes: list[str]) -> DomainError:
        # PynamoDB sends puts before updates: entry, (seat), the outbox event, session.
        if codes[0] == "ConditionalCheckFailed":
            return Conflict("你已经报名了这一场", code="BOOKING_ALREADY_SIGNED_UP")
        if entry.seat_no is not None and codes[1] == "ConditionalCheckFailed":
            return Conflict(f"{entry.seat_no} 号座位已被选走，请换一个座位", code="BOOKING_SEAT_TAKEN")
        return Conflict("该场次已满", code="BOOKING_SESSION_FULL")

    seats: list[int | None] = [None]
    if activity.seat_numbers:
        free = _free_seats(session_id, int(session.capacity))
        seats = [request.seat_no] if request.seat_no is not None else list(random.sample(free, min(5, len(free))))
    for seat in seats:
        try:
            run_transaction(lambda seat=seat: confirmed(seat), on_condition=refused)  # type: ignore[misc]
            break
        except Conflict as exc:
            if exc.code == "BOOKING_SEAT_TAKEN" and request.seat_no is None:
                continue  # auto-assigned seat went to someone else a moment ago: try the next free one
            if exc.code != "BOOKING_SESSION_FULL":
                raise
            fresh_session = _session(session_id)
            if fresh_session.status != "open":
                raise Conflict("该场次已结束或已取消，不能报名", code="BOOKING_SIGNUP_CLOSED") from exc
            if not activity.waitlist:
                raise Conflict("该场次名额已满（不设候补）", code="BOOKING_SESSION_FULL") from exc
            return _join_waitlist(principal, fresh_session, activity, entry, group)
    else:
        if not activity.waitlist:
            raise Conflict("该场次名额已满（不设候补）", code="BOOKING_SESSION_FULL")
        return _join_waitlist(principal, _session(session_id), activity, entry, group)
    return entry_view(entry, with_code=True)


def _confirm_fields(entry: BookingEntry) -> None:
    entry.status = "confirmed"
    entry.due_day = local_day(clock.parse(entry.ends_at))
    if entry.remind:
        entry.remind_day = (clock.to_shanghai(clock.parse(entry.starts_at)).date() - timedelta(days=1)).isoformat()


def _join_waitlist(principal: Principal, session: BookingSession, activity: BookingActivity, entry: BookingEntry,
                   group: str) -> BookingEntryView:
    """Full: join the group's line. The sequence number is the sign-up order."""
    session.update(actions=[BookingSession.wait_seq.add(1)])
    seq = int(session.wait_seq)
    entry.status, entry.seat_no, entry.due_day, entry.remind_day = "waiting", None, None, None
    entry.wait_key, entry.wait_seq = f"{session.session_id}#{group}", seq
    event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

    def write() -> None:
        with transaction() as tx:
            tx.update(session, actions=[BookingSession.waiting[group].add(1)],  # type: ignore[index]
                      condition=BookingSession.status == "open")
            tx.save(entry, condition=BookingEntry.entry_id.does_not_exist()
                    | BookingEntry.status.is_in("cancelled", "expired", "rejected"))
            publish(FEATURE, "BookingWaitlisted", org=activity.org_path, actor=actor_of(principal), tx=tx,
                    event_id=event_id, data={"entry_id": entry.entry_id, "session_id": session.session_id,
                                             "group": group, "position": seq})

    def refused(codes: list[str]) -> DomainError:
        if codes[0] == "ConditionalCheckFailed":  # the entry (puts go before updates)
            return Conflict("你已经报名了这一场", code="BOOKING_ALREADY_SIGNED_UP")
        return Conflict("该场次已结束或已取消，不能报名", code="BOOKING_SIGNUP_CLOSED")

    run_transaction(write, on_condition=refused)
    advance(session.session_id)  # a seat freed between "full" and joining goes to the line, in order
    return entry_view(_reload(entry.entry_id), with_code=True)


def _reload(entry_id: str) -> BookingEntry:
    return BookingEntry.get(entry_id, consistent_read=True)


# --- the waitlist --------------------------------------------------------------------------------

def advance(session_id: str) -> int:
    """Offer free seats to the heads of the lines, one transaction per offer. Returns offers made."""
    offers = 0
    for _ in range(MAX_ADVANCE):
        session = BookingSession.get(session_id, consistent_read=True)
        activity = _activity(session.activity_id)
        quotas = {k: int(v) for k, v in as_map(activity.quotas).items()}
        held, waiting = as_map(session.held), as_map(session.waiting)
        closes = clock.parse(activity.signup_closes_at) if activity.signup_closes_at else clock.parse(session.starts_at)
        open_ = session.status == "open" and clock.now() < min(closes, clock.parse(session.starts_at))
        candidates = [g for g, n in waiting.items() if int(n) > 0 and int(session.taken) < int(session.capacity)
                      and (g not in quotas or int(held.get(g, 0)) < quotas[g])] if open_ else []
        if not candidates:
            break
        group = candidates[0]
        head = next(iter(BookingEntry.waitlist.query(f"{session_id}#{group}", limit=1)), None)
        if head is None:  # counter ahead of the index (eventual consistency): try again next run
            return offers
        entry = _reload(head.entry_id)
        if entry.status != "waiting":
            continue
        expires = min(clock.now() + timedelta(minutes=int(activity.offer_minutes)), clock.parse(session.starts_at))
        quota = quotas.get(group)
        event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

        def write(entry: BookingEntry = entry, group: str = group, quota: int | None = quota,
                  expires: datetime = expires, session: BookingSession = session, *,
                  event_id: str = event_id) -> None:
            with transaction() as tx:
                tx.update(session, actions=[*_seat_actions(group, 1),
                                            BookingSession.waiting[group].add(-1)],  # type: ignore[index]
                          condition=_seat_condition(session, group, quota)
                          & (BookingSession.waiting[group] > 0))  # type: ignore[index]
                tx.update(entry, actions=[BookingEntry.status.set("offered"), BookingEntry.wait_key.remove(),
                                          BookingEntry.offer_bucket.set("offer"),
                                          BookingEntry.offer_expires.set(clock.isoformat(expires)),
                                          BookingEntry.updated_at.set(clock.now_iso())],
                          condition=BookingEntry.status == "waiting")
                publish(FEATURE, "BookingOfferMade", org=entry.org_path, tx=tx, event_id=event_id, data={
                    "entry_id": entry.entry_id, "user_id": entry.user_id, "session_id": entry.resource_id,
                    "offer_expires": clock.isoformat(expires)})

        try:
            run_transaction(write, on_condition=lambda codes: Conflict(code="BOOKING_STATE_CHANGED"))
        except Conflict:
            continue  # someone else moved first: look again
        offers += 1
        _notify_offer(entry, activity, expires)
    else:
        return offers
    BookingSession(session_id).update(actions=[BookingSession.attention.remove()])
    return offers


def _notify_offer(entry: BookingEntry, activity: BookingActivity, expires: datetime) -> None:
    from chalicelib.platform.notices import NoticePush, request_notice

    # BookingOfferMade was staged in the offer's own transaction (advance); this only tells the person.
    until = clock.to_shanghai(expires).strftime("%Y-%m-%d %H:%M")
    page = f"pages/bookings/entry?id={entry.entry_id}"
    try:  # the one inbox: an item (once per offer) and a push the inbox sends once
        request_notice(entry.user_id, kind="bookings", title=f"候补到位：{activity.title}"[:100],
                       body=f"请在 {until} 前确认", link=page,
                       dedup_key=f"booking-offer:{entry.entry_id}:{clock.isoformat(expires)}",
                       occurred_at=clock.now_iso(), meta={"entry_id": entry.entry_id, "template": "booking_offer"},
                       push=NoticePush(template="booking_offer", page=page, data={
                           "thing1": activity.title[:20], "time2": until, "thing3": "候补到位，请在截止前确认"}))
    except DomainError:
        pass  # the offer stands without the notice; the person sees it in 我的预约


def accept_offer(principal: Principal, entry: BookingEntry) -> BookingEntryView:
    if entry.status != "offered":
        raise Conflict("没有待确认的候补名额", code="BOOKING_NO_OFFER")
    if clock.parse(entry.offer_expires or entry.starts_at) <= clock.now():
        raise Conflict("候补名额的确认时间已过", code="BOOKING_OFFER_EXPIRED")
    activity = _activity(entry.parent_id or "")
    session = _session(entry.resource_id)
    seats = _free_seats(session.session_id, int(session.capacity))[:5] if activity.seat_numbers else [None]
    remind_day = (clock.to_shanghai(clock.parse(entry.starts_at)).date() - timedelta(days=1)).isoformat()
    event_id = uuid.uuid4().hex  # one event id across retries and seats: only one of them commits
    for seat in seats or [None]:
        def write(seat: int | None = seat) -> None:
            actions: list[Any] = [BookingEntry.status.set("confirmed"), BookingEntry.offer_bucket.remove(),
                       BookingEntry.offer_expires.remove(), BookingEntry.updated_at.set(clock.now_iso()),
                       BookingEntry.due_day.set(local_day(clock.parse(entry.ends_at)))]
            if entry.remind:
                actions.append(BookingEntry.remind_day.set(remind_day))
            if seat is not None:
                actions.append(BookingEntry.seat_no.set(seat))
            with transaction() as tx:
                tx.update(entry, actions=actions, condition=(BookingEntry.status == "offered")
                          & (BookingEntry.offer_expires > clock.now_iso()))
                if seat is not None:
                    tx.save(BookingSeat(session.session_id, seat, entry_id=entry.entry_id),
                            condition=BookingSeat.seat_no.does_not_exist())
                publish(FEATURE, "BookingOfferAccepted", org=entry.org_path, actor=actor_of(principal), tx=tx,
                        event_id=event_id, data={"entry_id": entry.entry_id, "session_id": entry.resource_id})

        def refused(codes: list[str]) -> DomainError:
            if codes[-1] == "ConditionalCheckFailed":  # the entry (the puts, seat and event, go first)
                return Conflict("候补名额的确认时间已过", code="BOOKING_OFFER_EXPIRED")
            return Conflict("座位刚被选走", code="BOOKING_SEAT_TAKEN")

        try:
            run_transaction(write, on_condition=refused)
            break
        except Conflict as exc:
            if exc.code != "BOOKING_SEAT_TAKEN":
                raise
    else:
        raise Conflict("座位刚被选走，请重试", code="BOOKING_SEAT_TAKEN")
    return entry_view(_reload(entry.entry_id), with_code=True)


def release_session_entry(entry: BookingEntry, *, status: str, actor: Actor = SYSTEM,
                          expired_before: str | None = None) -> None:
    """Give up a place: a confirmed or offered seat goes back (and to the line); a waiting
    person leaves the line. ``expired_before`` makes it the offer-expiry step."""
    group = entry.group or ALL
    was = entry.status
    event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

    def write() -> None:
        entry_actions: list[Any] = [BookingEntry.status.set(status), BookingEntry.updated_at.set(clock.now_iso()),
                         BookingEntry.due_day.remove(), BookingEntry.remind_day.remove(),
                         BookingEntry.wait_key.remove(), BookingEntry.offer_bucket.remove()]
        with transaction() as tx:
            condition = BookingEntry.status == was
            if expired_before:
                condition = condition & (BookingEntry.offer_expires <= expired_before)
            tx.update(entry, actions=entry_actions, condition=condition)
            session = BookingSession(entry.resource_id)
            if was == "waiting":
                tx.update(session, actions=[BookingSession.waiting[group].add(-1)],  # type: ignore[index]
                          condition=BookingSession.waiting[group] > 0)  # type: ignore[index]
            else:
                tx.update(session, actions=[*_seat_actions(group, -1), BookingSession.attention.set("advance")],
                          condition=BookingSession.held[group] > 0)  # type: ignore[index]
                if entry.seat_no is not None:
                    tx.delete(BookingSeat(entry.resource_id, int(entry.seat_no)))
            publish(FEATURE, "BookingCancelled" if status == "cancelled" else "BookingOfferExpired",
                    org=entry.org_path, actor=actor, tx=tx, event_id=event_id,
                    data={"entry_id": entry.entry_id, "kind": "session", "resource_id": entry.resource_id,
                          "was": was})

    run_transaction(write, on_condition=lambda codes: Conflict("预约状态已变化，请刷新后重试",
                                                                code="BOOKING_STATE_CHANGED"))
    if was != "waiting":
        advance(entry.resource_id)


def cancel_session_entry(principal: Principal, entry: BookingEntry) -> None:
    if entry.status not in ("confirmed", "offered", "waiting"):
        raise Conflict("该报名已不能取消", code="BOOKING_NOT_CANCELLABLE")
    if entry.status == "confirmed" and clock.parse(entry.starts_at) <= clock.now():
        raise Conflict("活动已开始，不能取消", code="BOOKING_CANCEL_TOO_LATE")
    release_session_entry(entry, status="cancelled", actor=actor_of(principal))


def expire_offers(limit: int = 100) -> int:
    """The scheduled step: offers past their deadline expire and pass to the next in line."""
    now = clock.now_iso()
    expired = 0
    for key in BookingEntry.offers.query("offer", BookingEntry.offer_expires <= now, limit=limit):
        entry = _reload(key.entry_id)
        if entry.status != "offered":
            continue
        try:
            release_session_entry(entry, status="expired", expired_before=now)
            expired += 1
        except Conflict:
            continue  # accepted a moment ago
    for waiting in BookingSession.to_advance.query("advance", limit=limit):
        advance(waiting.session_id)
    return expired
