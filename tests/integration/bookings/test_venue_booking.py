"""A worker books a court slot, shows a signed check-in code, staff scan it once; the slot
count, quotas and the no-show rule hold, and every refusal is a clear 4xx with nothing changed."""
from __future__ import annotations

from datetime import date, timedelta

import jwt

from chalicelib.bookings.models import BookingEntry, BookingSlot, BookingStrike
from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.bookings.conftest import SANXING, XIHU, court_body, next_slot, worker


def _entries(user_id: str) -> list[BookingEntry]:
    return list(BookingEntry.by_user.query(user_id))


def _taken(venue_id: str, day: str, start: str) -> int:
    try:
        return int(BookingSlot.get(venue_id, f"{day}T{start}").taken)
    except BookingSlot.DoesNotExist:
        return 0


def test_a_worker_books_the_next_slot_and_staff_check_them_in_once(court, login):
    chen = worker(login, "chen-hongxin")
    day, start = next_slot()
    booked = chen.post(f"/bookings/venues/{court.venue_id}/bookings",
                       {"date": day, "start": start, "companions": ["李伟", "王芳"]})
    assert booked.status_code == 201, booked.body
    entry = body(booked)
    assert entry["status"] == "confirmed" and entry["companions"] == ["李伟", "王芳"] and entry["checkin_code"]

    slots = body(chen.get(f"/bookings/venues/{court.venue_id}/slots?date={day}"))["days"][0]["slots"]
    mine = next(s for s in slots if s["start"] == start)
    assert mine["taken"] == 1 and mine["free"] == 0 and mine["bookable"] is False

    scanned = court.union.post("/bookings/check-in", {"code": entry["checkin_code"]})
    assert scanned.status_code == 200, scanned.body
    assert body(scanned)["status"] == "checked_in" and body(scanned)["checked_in_at"]

    again = court.union.post("/bookings/check-in", {"code": entry["checkin_code"]})
    assert again.status_code == 409 and body(again)["code"] == "BOOKING_CODE_USED" and "已使用" in body(again)["message"]
    assert BookingEntry.get(entry["entry_id"]).checked_in_by == "nanxun-admin"
    day_sheet = body(court.union.get(f"/bookings/venues/{court.venue_id}/bookings?date={day}"))
    assert (day_sheet["signups"], day_sheet["checked_in"]) == (1, 1)
    assert [(e["user_id"], e["status"]) for e in day_sheet["items"]] == [("chen-hongxin", "checked_in")]
    outsider = chen.get(f"/bookings/venues/{court.venue_id}/bookings?date={day}")
    assert outsider.status_code == 403 and body(outsider)["code"] == "ROLE_FORBIDDEN"


def test_a_forged_code_and_a_code_scanned_by_staff_of_another_district_are_refused(court, login):
    chen = worker(login, "chen-hongxin")
    day, start = next_slot()
    entry = body(chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": start}))
    claims = jwt.decode(entry["checkin_code"], options={"verify_signature": False})
    forged = jwt.encode(claims, "a-key-we-never-issued-with-32-bytes!", algorithm="HS256")
    refused = court.union.post("/bookings/check-in", {"code": forged})
    assert refused.status_code == 422 and body(refused)["code"] == "BOOKING_CODE_INVALID"
    xihu = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    elsewhere = xihu.post("/bookings/check-in", {"code": entry["checkin_code"]})
    assert elsewhere.status_code == 404 and body(elsewhere)["code"] == "BOOKING_ENTRY_NOT_FOUND"
    assert BookingEntry.get(entry["entry_id"]).status == "confirmed"


def test_a_taken_slot_quotas_and_a_cancelled_slot_coming_back(court, login):
    chen, li = worker(login, "chen-hongxin"), worker(login, "li-wei")
    day = (clock.today_shanghai() + timedelta(days=1)).isoformat()
    assert chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "09:00"}).status_code == 201
    full = li.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "09:00"})
    assert full.status_code == 409 and body(full)["code"] == "BOOKING_SLOT_FULL"
    assert _entries("li-wei") == [] and _taken(court.venue_id, day, "09:00") == 1

    second = chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "10:00"})
    assert second.status_code == 201
    third = chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "11:00"})
    assert third.status_code == 409 and body(third)["code"] == "BOOKING_QUOTA_DAY" and "每天" in body(third)["message"]
    assert _taken(court.venue_id, day, "11:00") == 0 and len(_entries("chen-hongxin")) == 2

    cancelled = chen.delete(f"/bookings/me/{body(second)['entry_id']}")
    assert cancelled.status_code == 200 and body(cancelled)["status"] == "cancelled"
    assert _taken(court.venue_id, day, "10:00") == 0
    assert chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "11:00"}).status_code == 201


def test_refusals_by_the_rules_change_nothing(court, login):
    chen = worker(login, "chen-hongxin")
    today = clock.today_shanghai()
    cases = [
        ({"date": (today + timedelta(days=8)).isoformat(), "start": "09:00"}, 409, "BOOKING_BEYOND_HORIZON"),
        ({"date": (today + timedelta(days=1)).isoformat(), "start": "09:15"}, 422, "BOOKING_OUTSIDE_HOURS"),
        ({"date": (today - timedelta(days=1)).isoformat(), "start": "09:00"}, 409, "BOOKING_SLOT_PAST"),
        ({"date": (today + timedelta(days=1)).isoformat(), "start": "09:00",
          "companions": ["甲", "乙", "丙", "丁"]}, 422, "BOOKING_PARTY_TOO_LARGE"),
    ]
    for request, status, code in cases:
        refused = chen.post(f"/bookings/venues/{court.venue_id}/bookings", request)
        assert (refused.status_code, body(refused)["code"]) == (status, code), request
        assert body(refused)["message"]
    assert _entries("chen-hongxin") == []


def test_holidays_and_make_up_days_come_from_the_calendar_staff_load(court, login):
    platform = login("platform_admin", user_id="platform-admin", org_path="zj")
    tomorrow = clock.today_shanghai() + timedelta(days=1)
    loaded = platform.put(f"/bookings/calendar/{tomorrow.year}",
                          {"days": [{"day": tomorrow.isoformat(), "kind": "holiday", "name": "测试假日"}]})
    assert loaded.status_code == 200, loaded.body
    chen = worker(login, "chen-hongxin")
    day = body(chen.get(f"/bookings/venues/{court.venue_id}/slots?date={tomorrow.isoformat()}"))["days"][0]
    assert day["open"] is False and "测试假日" in day["note"] and day["slots"] == []
    refused = chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": tomorrow.isoformat(), "start": "09:00"})
    assert refused.status_code == 409 and body(refused)["code"] == "BOOKING_HOLIDAY"
    assert _entries("chen-hongxin") == []
    wrong_year = platform.put(f"/bookings/calendar/{tomorrow.year + 1}",
                              {"days": [{"day": tomorrow.isoformat(), "kind": "holiday", "name": "错年"}]})
    assert wrong_year.status_code == 422 and body(wrong_year)["code"] == "BOOKING_CALENDAR_YEAR"


def test_bookings_open_at_the_set_hour_for_the_farthest_day(nanxun, login):
    now = clock.to_shanghai(clock.now())
    opens = (now + timedelta(minutes=30)).strftime("%H:%M")
    if opens < now.strftime("%H:%M"):  # 23:30 or later: the opening would fall on the next day
        opens = "23:59"
    venue = body(nanxun.post("/bookings/venues", court_body(opens_at=opens, horizon_days=3)))["venue_id"]
    chen = worker(login, "chen-hongxin")
    farthest = (clock.today_shanghai() + timedelta(days=3)).isoformat()
    early = chen.post(f"/bookings/venues/{venue}/bookings", {"date": farthest, "start": "09:00"})
    assert early.status_code == 409 and body(early)["code"] == "BOOKING_NOT_OPEN_YET"
    assert opens in body(early)["message"] and _entries("chen-hongxin") == []
    nearer = (clock.today_shanghai() + timedelta(days=2)).isoformat()
    assert chen.post(f"/bookings/venues/{venue}/bookings", {"date": nearer, "start": "09:00"}).status_code == 201


def test_who_may_book_outside_the_org_unverified_and_cancelling_too_late(court, login):
    outsider = worker(login, "xihu-worker", org=XIHU)
    day = (clock.today_shanghai() + timedelta(days=1)).isoformat()
    refused = outsider.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "09:00"})
    assert refused.status_code == 403 and body(refused)["code"] == "BOOKING_OUTSIDE_ORG"
    assert body(outsider.get("/bookings/venues"))["items"] == []
    unverified = worker(login, "new-hire", verified=False)
    refused = unverified.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": "09:00"})
    assert refused.status_code == 403 and body(refused)["code"] == "BOOKING_MEMBERS_ONLY"
    assert _entries("xihu-worker") == [] and _entries("new-hire") == [] and _taken(court.venue_id, day, "09:00") == 0

    chen = worker(login, "chen-hongxin")
    assert [v["venue_id"] for v in body(chen.get("/bookings/venues"))["items"]] == [court.venue_id]
    soon_day, soon = next_slot()
    entry = body(chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": soon_day, "start": soon}))
    late = chen.delete(f"/bookings/me/{entry['entry_id']}")
    assert late.status_code == 409 and body(late)["code"] == "BOOKING_CANCEL_TOO_LATE"
    assert BookingEntry.get(entry["entry_id"]).status == "confirmed" and _taken(court.venue_id, soon_day, soon) == 1


def test_an_absent_booker_becomes_a_no_show_and_three_in_30_days_bar_them(court, login, pump):
    chen = worker(login, "chen-hongxin")
    day, start = next_slot()
    entry = body(chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": day, "start": start}))
    try:
        clock.travel(timedelta(hours=2))
        pump.run_schedule("bookings_events_bookings_after_sessions")
        pump.run_schedule("bookings_events_bookings_after_sessions")  # a second run changes nothing
    finally:
        clock.reset()
    assert BookingEntry.get(entry["entry_id"]).status == "no_show"
    assert [s.entry_id for s in BookingStrike.query("chen-hongxin", BookingStrike.item_key.startswith("s#"))] == [entry["entry_id"]]

    for n in (1, 2):  # two more no-shows this month
        at = clock.isoformat(clock.now() - timedelta(days=n))
        BookingStrike("chen-hongxin", f"s#{at}#e-{n:020d}", entry_id=f"e-{n:020d}").save()
    tomorrow = (clock.today_shanghai() + timedelta(days=1)).isoformat()
    banned = chen.post(f"/bookings/venues/{court.venue_id}/bookings", {"date": tomorrow, "start": "09:00"})
    assert banned.status_code == 403 and body(banned)["code"] == "BOOKING_NO_SHOW_BANNED"
    assert "爽约" in body(banned)["message"] and _taken(court.venue_id, tomorrow, "09:00") == 0


def test_a_venue_needing_approval_holds_the_slot_until_staff_decide(nanxun, login):
    venue = body(nanxun.post("/bookings/venues", court_body(approval_required=True)))["venue_id"]
    chen = worker(login, "chen-hongxin")
    day = (clock.today_shanghai() + timedelta(days=1)).isoformat()
    entry = body(chen.post(f"/bookings/venues/{venue}/bookings", {"date": day, "start": "09:00"}))
    assert entry["status"] == "pending" and entry["checkin_code"] is None
    no_reason = nanxun.post(f"/bookings/entries/{entry['entry_id']}/decision", {"approve": False})
    assert no_reason.status_code == 422 and BookingEntry.get(entry["entry_id"]).status == "pending"
    rejected = nanxun.post(f"/bookings/entries/{entry['entry_id']}/decision", {"approve": False, "reason": "场地检修"})
    assert body(rejected)["status"] == "rejected" and _taken(venue, day, "09:00") == 0
    again = nanxun.post(f"/bookings/entries/{entry['entry_id']}/decision", {"approve": True})
    assert again.status_code == 409 and body(again)["code"] == "BOOKING_ALREADY_DECIDED"
    assert date.fromisoformat(day) and SANXING
