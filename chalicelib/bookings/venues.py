"""Venues: resources booked by time slot, their rules, the holiday calendar, free slots,
booking (with quotas and the no-show rule), cancelling and approval."""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import get_in_scope, get_or_404
from chalicelib.platform.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish

from .common import (
    FEATURE,
    VENUE_ID,
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
from .models import (
    BookingCalendarDay,
    BookingCounter,
    BookingEntry,
    BookingSlot,
    BookingStrike,
    BookingVenue,
    transaction,
)
from .schemas import (
    KIND_CN,
    BookingCalendarEntry,
    BookingCalendarLoad,
    BookingCalendarView,
    BookingClosure,
    BookingDayView,
    BookingEntryView,
    BookingHours,
    BookingSlotsView,
    BookingSlotView,
    BookingVenueBook,
    BookingVenueChange,
    BookingVenueIn,
    BookingVenuePage,
    BookingVenueRules,
    BookingVenueView,
)

MAKEUP_WEEKDAY = "1"   # a 调休 working day opens with Monday's hours


def _not_found() -> NotFound:
    return NotFound("找不到该场馆", code="BOOKING_VENUE_NOT_FOUND")


# --- calendar ------------------------------------------------------------------------------------

def load_calendar(principal: Principal, year: str, data: BookingCalendarLoad) -> BookingCalendarView:
    """Replace a year's holidays and make-up working days (国务院办公厅's yearly notice)."""
    if not year.isdigit() or not 2020 <= int(year) <= 2100:
        raise ValidationFailed("年份应为 2020 到 2100 之间的四位数字", code="BOOKING_CALENDAR_YEAR")
    wrong = [d.day.isoformat() for d in data.days if str(d.day.year) != year]
    if wrong:
        raise ValidationFailed(f"日期不属于 {year} 年", code="BOOKING_CALENDAR_YEAR", details=[{"days": wrong}])
    if len({d.day for d in data.days}) != len(data.days):
        raise ValidationFailed("同一天出现了两次", code="BOOKING_CALENDAR_DUPLICATE")
    old = list(BookingCalendarDay.query(year, limit=100))
    keep = {d.day.isoformat() for d in data.days}
    with BookingCalendarDay.batch_write() as batch:
        for item in old:
            if item.day not in keep:
                batch.delete(item)
        for d in data.days:
            batch.save(BookingCalendarDay(year, d.day.isoformat(), kind=d.kind, name=d.name))
    # The days are many items (a batch, not one transaction), so the event is staged in the
    # outbox right after them. Replacing a year's days is idempotent: if the Lambda dies between
    # the batch and this commit, the admin's retry rewrites the same days and stages the event
    # under the same id (a digest of the year's days), so it is announced once, never lost
    # silently and never twice.
    digest = hashlib.sha256("|".join(sorted(f"{d.day.isoformat()}:{d.kind}:{d.name}" for d in data.days))
                            .encode()).hexdigest()[:16]
    with transaction() as tx:
        publish(FEATURE, "BookingCalendarLoaded", actor=actor_of(principal), tx=tx,
                event_id=f"calendar-{year}-{digest}", data={"year": year, "days": len(data.days)})
    return calendar(year)


def calendar(year: str) -> BookingCalendarView:
    if not year.isdigit() or len(year) != 4:
        raise ValidationFailed("年份应为四位数字", code="BOOKING_CALENDAR_YEAR")
    return BookingCalendarView(year=year, days=[
        BookingCalendarEntry(day=date.fromisoformat(d.day), kind=d.kind, name=d.name)  # type: ignore[arg-type]
        for d in BookingCalendarDay.query(year, limit=100)])


def _calendar_days(first: date, last: date) -> dict[str, BookingCalendarDay]:
    found: dict[str, BookingCalendarDay] = {}
    for year in sorted({first.year, last.year}):
        lo, hi = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        for item in BookingCalendarDay.query(str(year), BookingCalendarDay.day.between(lo.isoformat(), hi.isoformat()),
                                             limit=(hi - lo).days + 1):
            found[item.day] = item
    return found


# --- venues --------------------------------------------------------------------------------------

def _rules(venue: BookingVenue) -> BookingVenueRules:
    raw = venue.rules.as_dict() if hasattr(venue.rules, "as_dict") else dict(venue.rules or {})
    return BookingVenueRules.model_validate(raw)


def _hours(venue: BookingVenue) -> dict[str, BookingHours]:
    raw = venue.hours.as_dict() if hasattr(venue.hours, "as_dict") else dict(venue.hours or {})
    return {k: BookingHours(open=v[0], close=v[1]) for k, v in raw.items()}


def _closures(venue: BookingVenue) -> list[BookingClosure]:
    return [BookingClosure.model_validate(c.as_dict() if hasattr(c, "as_dict") else c) for c in venue.closures or []]


def _view(venue: BookingVenue) -> BookingVenueView:
    holiday = venue.holiday_hours
    return BookingVenueView(
        venue_id=venue.venue_id, org_path=venue.org_path, name=venue.name, kind=venue.kind,
        kind_cn=KIND_CN.get(venue.kind, venue.kind), capacity=int(venue.capacity), exclusive=venue.exclusive,
        location=venue.location, photos=list(venue.photos or []), facilities=list(venue.facilities or []),
        hours=_hours(venue), holiday_hours=BookingHours(open=holiday[0], close=holiday[1]) if holiday else None,
        closures=_closures(venue), rules=_rules(venue), glnj_only=venue.glnj_only)


def _check_org(principal: Principal, org_path: str) -> None:
    from chalicelib.orgs import logic as orgs

    if not principal.covers(org_path) or not orgs.exists(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")


def create_venue(principal: Principal, data: BookingVenueIn) -> BookingVenueView:
    _check_org(principal, data.org_path)
    audience = data.rules.audience_org or data.org_path
    if not (within(audience, data.org_path) or within(data.org_path, audience)):
        raise ValidationFailed("可预约人员的组织应为场馆所属组织的上级或下级", code="BOOKING_AUDIENCE_INVALID")
    now = clock.now_iso()
    venue = BookingVenue(
        new_id("v"), org_path=data.org_path, audience_org=audience, name=data.name, kind=data.kind,
        capacity=data.capacity,
        exclusive=data.exclusive, location=data.location, photos=data.photos, facilities=data.facilities,
        hours={k: [h.open, h.close] for k, h in data.hours.items()},
        holiday_hours=[data.holiday_hours.open, data.holiday_hours.close] if data.holiday_hours else None,
        closures=[c.model_dump(mode="json") for c in data.closures],  # type: ignore[misc]
        rules=data.rules.model_dump(),
        glnj_only=data.glnj_only, created_at=now, updated_at=now)
    with transaction() as tx:
        tx.save(venue, condition=BookingVenue.venue_id.does_not_exist())
        publish(FEATURE, "BookingVenueCreated", org=data.org_path, actor=actor_of(principal), tx=tx,
                data={"venue_id": venue.venue_id, "name": data.name, "kind": data.kind})
    return _view(venue)


def _venue_for_staff(principal: Principal, venue_id: str) -> BookingVenue:
    return get_in_scope(BookingVenue, venue_id, principal, not_found=_not_found(), id_pattern=VENUE_ID)


def _venue(venue_id: str) -> BookingVenue:
    return get_or_404(BookingVenue, venue_id, not_found=_not_found(), id_pattern=VENUE_ID)


def _visible(viewer: Viewer, venue: BookingVenue) -> bool:
    rules = _rules(venue)
    return viewer.sees(owner=venue.org_path, audience_org=rules.audience_org, members_only=rules.members_only,
                       glnj_only=venue.glnj_only)


def _venue_for(principal: Principal, venue_id: str, viewer: Viewer | None = None) -> BookingVenue:
    venue = _venue(venue_id)
    viewer = viewer or Viewer(principal)
    if viewer.staff:
        if not principal.covers(venue.org_path):
            raise _not_found()
    elif venue.glnj_only and not viewer.glnj_member:
        raise _not_found()
    return venue


def update_venue(principal: Principal, venue_id: str, change: BookingVenueChange) -> BookingVenueView:
    venue = _venue_for_staff(principal, venue_id)
    values: dict[str, Any] = {"updated_at": clock.now_iso()}
    if change.hours is not None:
        values["hours"] = {k: [h.open, h.close] for k, h in change.hours.items()}
    if change.holiday_hours is not None:
        values["holiday_hours"] = [change.holiday_hours.open, change.holiday_hours.close]
    if change.closures is not None:
        values["closures"] = [c.model_dump(mode="json") for c in change.closures]
    if change.rules is not None:
        audience = change.rules.audience_org or venue.org_path
        if not (within(audience, venue.org_path) or within(venue.org_path, audience)):
            raise ValidationFailed("可预约人员的组织应为场馆所属组织的上级或下级", code="BOOKING_AUDIENCE_INVALID")
        values.update(rules=change.rules.model_dump(), audience_org=audience)
    if change.capacity is not None:
        values["capacity"] = change.capacity
    with transaction() as tx:
        tx.update(venue, actions=[getattr(BookingVenue, name).set(value) for name, value in values.items()])
        publish(FEATURE, "BookingVenueUpdated", org=venue.org_path, actor=actor_of(principal), tx=tx,
                data={"venue_id": venue_id, "changed": sorted(change.model_dump(exclude_none=True))})
    for name, value in values.items():  # the view shows what was written (a transaction returns no item)
        setattr(venue, name, value)
    return _view(venue)


def get_venue(principal: Principal, venue_id: str) -> BookingVenueView:
    viewer = Viewer(principal)
    venue = _venue_for(principal, venue_id, viewer)
    if not viewer.staff and not _visible(viewer, venue):
        raise _not_found()
    return _view(venue)


def list_venues(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> BookingVenuePage:
    """Workers: the venues of their node and every ancestor they may use, nearest first.
    Staff: the venues an org node in their scope owns."""
    viewer = Viewer(principal)

    def query(node: str, n: int, last: dict[str, Any] | None) -> Any:
        return BookingVenue.by_owner.query(node, limit=n, last_evaluated_key=last)

    def for_audience(node: str, n: int, last: dict[str, Any] | None) -> Any:
        return BookingVenue.by_audience.query(node, limit=n, last_evaluated_key=last)

    if viewer.staff or org:
        node = org or principal.org_path
        if viewer.staff and not principal.covers(node):
            raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
        from chalicelib.platform.pagination import decode_cursor, encode_cursor

        bound = f"booking-venues:{node}"
        results = query(node, limit, decode_cursor(cursor, bound_to=bound))
        venues = list(results)
        next_cursor = encode_cursor(results.last_evaluated_key, bound_to=bound)
    else:
        venues, next_cursor = walk_ancestors(for_audience, principal.org_path, limit=limit, cursor=cursor,
                                             bound=f"booking-venues-for:{principal.org_path}")
    return BookingVenuePage(items=[_view(v) for v in venues if _visible(viewer, v)], next_cursor=next_cursor)


# --- the day's opening and slots -----------------------------------------------------------------

def _day_hours(venue: BookingVenue, day: date,
               cal: dict[str, BookingCalendarDay]) -> tuple[tuple[str, str] | None, str]:
    """(open, close) on ``day`` or (None, why not)."""
    for closure in _closures(venue):
        if closure.start <= day <= closure.end:
            return None, closure.reason or "闭馆"
    special = cal.get(day.isoformat())
    hours = venue.hours.as_dict() if hasattr(venue.hours, "as_dict") else dict(venue.hours or {})
    if special is not None and special.kind == "holiday":
        if not venue.holiday_hours:
            return None, f"{special.name}（法定节假日闭馆）"
        return (venue.holiday_hours[0], venue.holiday_hours[1]), special.name
    weekday = MAKEUP_WEEKDAY if special is not None and special.kind == "workday" else str(day.isoweekday())
    span = hours.get(weekday) or (hours.get(str(day.isoweekday())) if weekday == MAKEUP_WEEKDAY else None)
    if not span:
        return None, "当天不开放"
    return (span[0], span[1]), special.name if special is not None else ""


def _starts(open_: str, close: str, minutes: int) -> list[str]:
    start = int(open_[:2]) * 60 + int(open_[3:])
    end = int(close[:2]) * 60 + int(close[3:])
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(start, end - minutes + 1, minutes)]


def _hhmm_plus(hhmm: str, minutes: int) -> str:
    total = int(hhmm[:2]) * 60 + int(hhmm[3:]) + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def _opens_for(day: date, rules: BookingVenueRules) -> datetime:
    """When bookings for ``day`` open: ``opens_at`` on the day ``horizon_days`` before it."""
    return at_local(day - timedelta(days=rules.horizon_days), rules.opens_at)


def slots(principal: Principal, venue_id: str, first: date, days: int) -> BookingSlotsView:
    viewer = Viewer(principal)
    venue = _venue_for(principal, venue_id, viewer)
    if not viewer.staff and not _visible(viewer, venue):
        raise _not_found()
    rules = _rules(venue)
    last = first + timedelta(days=days - 1)
    cal = _calendar_days(first, last)
    plan: list[tuple[date, tuple[str, str] | None, str, list[str]]] = []
    for n in range(days):
        day = first + timedelta(days=n)
        span, note = _day_hours(venue, day, cal)
        plan.append((day, span, note, _starts(span[0], span[1], rules.slot_minutes) if span else []))
    wanted = sum(len(p[3]) for p in plan)
    taken: dict[str, int] = {}
    if wanted:
        # One Query for the whole range; its Limit is the number of slots the hours allow.
        for item in BookingSlot.query(venue_id, BookingSlot.slot.between(f"{first.isoformat()}T00:00",
                                                                         f"{last.isoformat()}T24:00"), limit=wanted):
            taken[item.slot] = int(item.taken)
    now = clock.now()
    capacity = 1 if venue.exclusive else int(venue.capacity)
    out = []
    for day, span, note, starts in plan:
        views = []
        opened = now >= _opens_for(day, rules)
        for start in starts:
            used = taken.get(f"{day.isoformat()}T{start}", 0)
            views.append(BookingSlotView(date=day, start=start, end=_hhmm_plus(start, rules.slot_minutes),
                                         capacity=capacity, taken=used, free=max(capacity - used, 0),
                                         bookable=opened and used < capacity and at_local(day, start) > now))
        out.append(BookingDayView(date=day, open=span is not None, note=note, slots=views))
    return BookingSlotsView(venue_id=venue_id, days=out)


# --- booking -------------------------------------------------------------------------------------

def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def banned_until(user_id: str, limit: int, window_days: int, ban_days: int) -> datetime | None:
    """The no-show rule: ``limit`` no-shows within ``window_days`` → refused for ``ban_days``
    after the last of them. Reads the newest ``limit`` strikes only."""
    strikes = list(BookingStrike.query(user_id, BookingStrike.item_key.startswith("s#"), scan_index_forward=False,
                                       limit=limit))
    if len(strikes) < limit:
        return None
    newest = clock.parse(strikes[0].item_key.split("#")[1])
    oldest = clock.parse(strikes[-1].item_key.split("#")[1])
    if newest - oldest > timedelta(days=window_days):
        return None
    until = newest + timedelta(days=ban_days)
    return until if until > clock.now() else None


def book(principal: Principal, venue_id: str, request: BookingVenueBook) -> BookingEntryView:
    viewer = Viewer(principal)
    venue = _venue_for(principal, venue_id, viewer)
    rules = _rules(venue)
    viewer.may_book(owner=venue.org_path, audience_org=rules.audience_org, members_only=rules.members_only,
                    glnj_only=venue.glnj_only, what="场馆")
    day, start = request.date, request.start
    span, note = _day_hours(venue, day, _calendar_days(day, day))
    if span is None:
        code = "BOOKING_HOLIDAY" if "节假日" in note else "BOOKING_VENUE_CLOSED"
        raise Conflict(f"{day.isoformat()} 不开放：{note}", code=code)
    if start not in _starts(span[0], span[1], rules.slot_minutes):
        raise ValidationFailed(f"{start} 不是开放时段（{span[0]}–{span[1]}，每 {rules.slot_minutes} 分钟一个时段）",
                               code="BOOKING_OUTSIDE_HOURS")
    starts_at = at_local(day, start)
    now = clock.now()
    if starts_at <= now:
        raise Conflict("该时段已经开始或已过去", code="BOOKING_SLOT_PAST")
    if day > clock.today_shanghai() + timedelta(days=rules.horizon_days):
        raise Conflict(f"最多只能预约 {rules.horizon_days} 天内的时段", code="BOOKING_BEYOND_HORIZON")
    opens = _opens_for(day, rules)
    if now < opens:
        raise Conflict(f"该日预约将于 {clock.to_shanghai(opens).strftime('%m月%d日 %H:%M')} 开放",
                       code="BOOKING_NOT_OPEN_YET")
    party = 1 + len(request.companions)
    if party > min(rules.max_party, int(venue.capacity)):
        raise ValidationFailed(f"一次预约最多 {min(rules.max_party, int(venue.capacity))} 人（含本人）",
                               code="BOOKING_PARTY_TOO_LARGE")
    until = banned_until(principal.user_id, rules.no_show_limit, rules.no_show_window_days, rules.no_show_ban_days)
    if until is not None:
        raise Forbidden(f"{rules.no_show_window_days} 天内爽约 {rules.no_show_limit} 次，"
                        f"{clock.to_shanghai(until).strftime('%m月%d日')} 前不能预约", code="BOOKING_NO_SHOW_BANNED")
    places = 1 if venue.exclusive else party
    capacity = 1 if venue.exclusive else int(venue.capacity)
    slot_key = f"{day.isoformat()}T{start}"
    ends_at = starts_at + timedelta(minutes=rules.slot_minutes)
    expires = at_local(day + timedelta(days=15), "00:00")
    day_key, week_key = f"c#{venue_id}#d#{day.isoformat()}", f"c#{venue_id}#w#{_iso_week(day)}"
    status = "pending" if rules.approval_required else "confirmed"
    entry = BookingEntry(
        entry_id_for("venue", venue_id, slot_key, principal.user_id), kind="venue", resource_id=venue_id,
        resource_key="", org_path=venue.org_path, category=venue.kind, title=venue.name, user_id=principal.user_id,
        user_org=principal.org_path, starts_at=clock.isoformat(starts_at), ends_at=clock.isoformat(ends_at),
        status=status, places=places, companions=request.companions, counters=[day_key, week_key],
        remind=request.remind, created_at=clock.now_iso(), updated_at=clock.now_iso())
    entry.resource_key = f"{local_minute(starts_at)}#{entry.entry_id}"
    entry.due_day = local_day(ends_at)
    if request.remind:
        entry.remind_day = (day - timedelta(days=1)).isoformat()

    event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

    def write() -> None:
        with transaction() as tx:
            tx.update(BookingSlot(venue_id, slot_key), actions=[BookingSlot.taken.add(places)],
                      condition=BookingSlot.taken.does_not_exist() | (BookingSlot.taken <= capacity - places))
            tx.save(entry, condition=BookingEntry.entry_id.does_not_exist()
                    | BookingEntry.status.is_in("cancelled", "rejected"))
            tx.update(BookingCounter(principal.user_id, day_key),
                      actions=[BookingCounter.used.add(1), BookingCounter.expires.set(expires)],
                      condition=BookingCounter.used.does_not_exist() | (BookingCounter.used < rules.quota_per_day))
            tx.update(BookingCounter(principal.user_id, week_key),
                      actions=[BookingCounter.used.add(1), BookingCounter.expires.set(expires)],
                      condition=BookingCounter.used.does_not_exist() | (BookingCounter.used < rules.quota_per_week))
            publish(FEATURE, "BookingVenueBooked", org=venue.org_path, actor=actor_of(principal), tx=tx,
                    event_id=event_id, data={"entry_id": entry.entry_id, "venue_id": venue_id, "slot": slot_key,
                                             "status": status, "party": party})

    def refused(codes: list[str]) -> DomainError:
        # PynamoDB sends puts before updates: entry, the outbox event (no condition), slot,
        # day counter, week counter.
        failed = [i for i, c in enumerate(codes) if c == "ConditionalCheckFailed"]
        if 0 in failed:
            return Conflict("你已经预约了这个时段", code="BOOKING_ALREADY_BOOKED")
        if 2 in failed:
            return Conflict("该时段已被约满，请选择其他时段", code="BOOKING_SLOT_FULL")
        if 3 in failed:
            return Conflict(f"每人每天最多预约 {rules.quota_per_day} 次", code="BOOKING_QUOTA_DAY")
        return Conflict(f"每人每周最多预约 {rules.quota_per_week} 次", code="BOOKING_QUOTA_WEEK")

    run_transaction(write, on_condition=refused)
    return entry_view(entry, with_code=True)


def hold_slot(principal: Principal, venue_id: str, day: date, start: str, *, held_for: str,
              title: str | None = None) -> BookingEntryView:
    """Staff hold one slot of a venue in their scope for another feature's work (a mediation
    session in the mediation room: ``held_for`` = ``mediation:<case id>``). The whole venue is
    held (every place of the slot), within its opening hours, holidays and closures; the slot's
    places move in the same conditional transaction as the entry, so two holds of one slot, or
    a hold and a worker's booking, never both succeed. Quotas and the booking horizon are the
    public's rules and do not apply."""
    venue = _venue_for_staff(principal, venue_id)
    rules = _rules(venue)
    span, note = _day_hours(venue, day, _calendar_days(day, day))
    if span is None:
        raise Conflict(f"{day.isoformat()} 不开放：{note}", code="BOOKING_VENUE_CLOSED")
    if start not in _starts(span[0], span[1], rules.slot_minutes):
        raise ValidationFailed(f"{start} 不是开放时段（{span[0]}–{span[1]}，每 {rules.slot_minutes} 分钟一个时段）",
                               code="BOOKING_OUTSIDE_HOURS")
    starts_at = at_local(day, start)
    if starts_at <= clock.now():
        raise Conflict("该时段已经开始或已过去", code="BOOKING_SLOT_PAST")
    capacity = int(venue.capacity)
    slot_key = f"{day.isoformat()}T{start}"
    ends_at = starts_at + timedelta(minutes=rules.slot_minutes)
    now = clock.now_iso()
    entry = BookingEntry(
        entry_id_for("venue", venue_id, slot_key, held_for), kind="venue", resource_id=venue_id, resource_key="",
        org_path=venue.org_path, category=venue.kind, title=title or venue.name, user_id=principal.user_id,
        user_org=principal.org_path, starts_at=clock.isoformat(starts_at), ends_at=clock.isoformat(ends_at),
        status="confirmed", places=capacity, held_for=held_for, created_at=now, updated_at=now)
    entry.resource_key = f"{local_minute(starts_at)}#{entry.entry_id}"

    event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

    def write() -> None:
        with transaction() as tx:
            tx.update(BookingSlot(venue_id, slot_key), actions=[BookingSlot.taken.add(capacity)],
                      condition=BookingSlot.taken.does_not_exist() | (BookingSlot.taken == 0))
            tx.save(entry, condition=BookingEntry.entry_id.does_not_exist()
                    | BookingEntry.status.is_in("cancelled", "rejected"))
            publish(FEATURE, "BookingVenueBooked", org=venue.org_path, actor=actor_of(principal), tx=tx,
                    event_id=event_id, data={"entry_id": entry.entry_id, "venue_id": venue_id, "slot": slot_key,
                                             "status": "confirmed", "party": capacity, "held_for": held_for})

    def refused(codes: list[str]) -> DomainError:  # puts before updates: entry, the outbox event, slot
        if codes and codes[0] == "ConditionalCheckFailed":
            return Conflict("该时段已为此事项预约", code="BOOKING_ALREADY_BOOKED")
        return Conflict("该时段已被占用，请选择其他时段", code="BOOKING_SLOT_FULL")

    run_transaction(write, on_condition=refused)
    return entry_view(entry)


def release_hold(entry_id: str) -> None:
    """Give a held slot back (the work it was held for could not take it)."""
    entry = BookingEntry.get(entry_id, consistent_read=True)
    if entry.held_for and entry.status == "confirmed":
        release_venue_entry(entry, status="cancelled")


def release_venue_entry(entry: BookingEntry, *, status: str, reason: str | None = None,
                        expect: tuple[str, ...] = ("pending", "confirmed"),
                        announce: Callable[[Any, str], object] | None = None) -> None:
    """Cancel / reject a venue entry: the slot's places and the person's quota come back.
    ``announce(tx, event_id)`` publishes the event in the same transaction (the caller names
    it literally, so the API documentation reads it from the code)."""
    slot_key = clock.to_shanghai(clock.parse(entry.starts_at)).strftime("%Y-%m-%dT%H:%M")
    event_id = uuid.uuid4().hex  # one event id across the retries of a contended transaction

    def write() -> None:
        with transaction() as tx:
            actions: list[Any] = [BookingEntry.status.set(status), BookingEntry.updated_at.set(clock.now_iso()),
                       BookingEntry.due_day.remove(), BookingEntry.remind_day.remove()]
            if reason:
                actions.append(BookingEntry.reason.set(reason))
            tx.update(entry, actions=actions, condition=BookingEntry.status.is_in(*expect))
            tx.update(BookingSlot(entry.resource_id, slot_key), actions=[BookingSlot.taken.add(-int(entry.places))],
                      condition=BookingSlot.taken >= int(entry.places))
            for key in entry.counters or []:
                tx.update(BookingCounter(entry.user_id, key), actions=[BookingCounter.used.add(-1)],
                          condition=BookingCounter.used > 0)
            if announce is not None:
                announce(tx, event_id)

    run_transaction(write, on_condition=lambda codes: Conflict("预约状态已变化，请刷新后重试",
                                                                code="BOOKING_STATE_CHANGED"))


def cancel_venue_entry(principal: Principal, entry: BookingEntry) -> None:
    venue = _venue(entry.resource_id)
    rules = _rules(venue)
    cutoff = clock.parse(entry.starts_at) - timedelta(minutes=rules.cancel_cutoff_minutes)
    if clock.now() >= cutoff:
        raise Conflict(f"开始前 {rules.cancel_cutoff_minutes} 分钟内不能取消", code="BOOKING_CANCEL_TOO_LATE")
    release_venue_entry(entry, status="cancelled", announce=lambda tx, event_id: publish(
        FEATURE, "BookingCancelled", org=entry.org_path, actor=actor_of(principal), event_id=event_id, tx=tx,
        data={"entry_id": entry.entry_id, "kind": "venue", "resource_id": entry.resource_id}))


def venue_day(principal: Principal, venue_id: str, day: date, *, limit: int, cursor: str | None) -> tuple[
        BookingVenue, list[BookingEntry], str | None]:
    from chalicelib.platform.pagination import decode_cursor, encode_cursor

    venue = _venue_for_staff(principal, venue_id)
    bound = f"booking-venue-day:{venue_id}:{day.isoformat()}"
    results = BookingEntry.by_resource.query(venue_id, BookingEntry.resource_key.startswith(day.isoformat()),
                                             limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = list(results)
    return venue, items, encode_cursor(results.last_evaluated_key, bound_to=bound)
