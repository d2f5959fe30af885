"""Nothing lost between a booking and its event: a sign-up and a venue booking stage their
events in the same DynamoDB transaction as the seat or slot they take (the outbox).

The story: 陈红霞 signs up for the last place of a reading club and books the union hall (one
party per slot); each time the API Lambda dies the instant the transaction commits. Her place
and her booking exist, and the audit trail (which also feeds notices, figures and tiers'
points) shows each, once. 李伟, refused (the club is full, the hall is taken), leaves no trace
on the trail.
"""
from __future__ import annotations

from typing import Any

from chalicelib.bookings.models import BookingEntry, BookingSession
from tests.conftest import body
from tests.integration.bookings.conftest import NANXUN, court_body, next_slot, worker
from tests.integration.bookings.test_activity_signup import activity_body, publish_activity
from tests.integration.platform.test_outbox import crash_after_commit, deliveries  # noqa: F401  (fixtures)


def _trail(platform: Any, detail_type: str) -> list[dict[str, Any]]:
    items = body(platform.get(f"/audit/events?org={NANXUN}&limit=100"))["items"]
    return [e for e in items if e["detail_type"] == detail_type and e["org"] == NANXUN]


def test_killed_right_after_the_commit_the_booking_events_still_arrive_once_and_refusals_publish_none(
        nanxun, login, pump, deliveries, crash_after_commit):  # noqa: F811  (the fixtures imported above)
    platform = login("platform_admin", user_id="root", org_path="zj")
    _, session_id = publish_activity(nanxun, activity_body(NANXUN, kind="reading", capacity=1, waitlist=False,
                                                           title="南浔职工读书会"))
    room = nanxun.post("/bookings/venues", {**court_body(), "name": "南浔职工之家 多功能厅", "kind": "hall",
                                            "exclusive": True})
    assert room.status_code == 201, room.body
    venue_id = body(room)["venue_id"]
    day, start = next_slot()
    chen, li = worker(login, "chen-hx"), worker(login, "li-wei")

    crash_after_commit["armed"] = True
    signed = chen.post(f"/bookings/sessions/{session_id}/signups", {})
    booked = chen.post(f"/bookings/venues/{venue_id}/bookings", {"date": day, "start": start})
    crash_after_commit["armed"] = False

    assert signed.status_code == 500 and booked.status_code == 500  # she saw the function die, twice
    mine = {e.kind: e for e in BookingEntry.by_user.query("chen-hx")}
    assert mine["session"].status == "confirmed" and mine["venue"].status == "confirmed"  # both committed
    assert int(BookingSession.get(session_id, consistent_read=True).taken) == 1

    full = li.post(f"/bookings/sessions/{session_id}/signups", {})
    taken = li.post(f"/bookings/venues/{venue_id}/bookings", {"date": day, "start": start})
    assert full.status_code == 409 and body(full)["code"] == "BOOKING_SESSION_FULL"
    assert taken.status_code == 409 and body(taken)["code"] == "BOOKING_SLOT_FULL"
    assert list(BookingEntry.by_user.query("li-wei")) == []

    pump.drain()

    signed_up, venue_booked = _trail(platform, "BookingSignedUp"), _trail(platform, "BookingVenueBooked")
    assert [e["actor_id"] for e in signed_up] == ["chen-hx"]
    assert [e["actor_id"] for e in venue_booked] == ["chen-hx"]
    assert deliveries[signed_up[0]["event_id"]] == 1 and deliveries[venue_booked[0]["event_id"]] == 1
    trail = body(platform.get(f"/audit/events?org={NANXUN}&limit=100"))["items"]
    assert [e for e in trail if e["actor_id"] == "li-wei"] == []  # the refusals published nothing
