"""Activities: a 光年间 联谊 with seats per gender fills, later sign-ups wait in order, a freed
seat is offered to exactly the next person of that group for a limited time, an expired offer
passes on, and the seat is never held by two. Party-building activities are for the members
of the org that runs them; the Spring Festival bus gives one numbered seat per worker."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.bookings.models import BookingEntry, BookingSeat, BookingSession
from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.bookings.conftest import NANXUN, SANXING, XIHU, shanghai, worker


def activity_body(org: str, *, kind: str = "glnj", capacity: int = 2, quotas: dict[str, int] | None = None,
                  starts_in: timedelta = timedelta(days=2), **extra: Any) -> dict[str, Any]:
    start = clock.now() + starts_in
    data: dict[str, Any] = {
        "org_path": org, "title": "光年间 · 西湖边的夏日联谊", "kind": kind, "capacity": capacity,
        "location": "西湖区文三路 1 号 职工之家",
        "sessions": [{"starts_at": shanghai(start), "ends_at": shanghai(start + timedelta(hours=3))}],
        "offer_minutes": 30, **extra}
    if quotas:
        data.update(group_by="gender", quotas=quotas)
    return data


def publish_activity(staff: Any, data: dict[str, Any]) -> tuple[str, str]:
    created = staff.post("/bookings/activities", data)
    assert created.status_code == 201, created.body
    return body(created)["activity_id"], body(created)["sessions"][0]["session_id"]


def _session(session_id: str) -> BookingSession:
    return BookingSession.get(session_id, consistent_read=True)


def test_a_full_glnj_event_waitlists_in_order_and_a_cancelled_seat_goes_to_the_next_woman(login, aws):
    xihu = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    activity_id, session_id = publish_activity(xihu, activity_body(XIHU, capacity=2, quotas={"male": 1, "female": 1}))
    wang, zhao, li, liu = (worker(login, u, org=XIHU, glnj=True) for u in ("wang-li", "zhao-min", "li-jing", "liu-yang"))
    plain = worker(login, "not-pledged", org=XIHU)
    assert plain.get(f"/bookings/activities/{activity_id}").status_code == 404
    assert body(plain.get("/bookings/activities"))["items"] == []
    hidden = plain.post(f"/bookings/sessions/{session_id}/signups", {"group": "female"})
    assert hidden.status_code == 404 and _session(session_id).taken == 0
    assert [a["activity_id"] for a in body(wang.get("/bookings/activities"))["items"]] == [activity_id]

    first = body(wang.post(f"/bookings/sessions/{session_id}/signups", {"group": "female"}))
    assert first["status"] == "confirmed" and first["checkin_code"]
    zhao_wait = body(zhao.post(f"/bookings/sessions/{session_id}/signups", {"group": "female"}))
    li_wait = body(li.post(f"/bookings/sessions/{session_id}/signups", {"group": "female"}))
    assert (zhao_wait["status"], li_wait["status"]) == ("waiting", "waiting")
    assert zhao_wait["waitlist_no"] < li_wait["waitlist_no"] and zhao_wait["checkin_code"] is None
    man = body(liu.post(f"/bookings/sessions/{session_id}/signups", {"group": "male"}))
    assert man["status"] == "confirmed"  # the men's seat was free: the women's line does not hold it up
    again = wang.post(f"/bookings/sessions/{session_id}/signups", {"group": "female"})
    assert again.status_code == 409 and body(again)["code"] == "BOOKING_ALREADY_SIGNED_UP"

    assert wang.delete(f"/bookings/me/{first['entry_id']}").status_code == 200
    offered = body(zhao.get(f"/bookings/me/{zhao_wait['entry_id']}"))
    assert offered["status"] == "offered" and offered["offer_expires"]
    assert body(li.get(f"/bookings/me/{li_wait['entry_id']}"))["status"] == "waiting"
    held = _session(session_id)
    assert int(held.taken) == 2 and held.held.as_dict() == {"male": 1, "female": 1}

    accepted = zhao.post(f"/bookings/me/{zhao_wait['entry_id']}/accept")
    assert accepted.status_code == 200 and body(accepted)["status"] == "confirmed" and body(accepted)["checkin_code"]
    assert zhao.post(f"/bookings/me/{zhao_wait['entry_id']}/accept").status_code == 409


def test_an_offer_not_taken_in_time_expires_and_passes_to_the_next_in_line(login, aws, pump):
    xihu = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    _, session_id = publish_activity(xihu, activity_body(XIHU, kind="union", capacity=1))
    a, b, c = (worker(login, u, org=XIHU) for u in ("first", "second", "third"))
    seat = body(a.post(f"/bookings/sessions/{session_id}/signups", {}))
    second = body(b.post(f"/bookings/sessions/{session_id}/signups", {}))
    third = body(c.post(f"/bookings/sessions/{session_id}/signups", {}))
    a.delete(f"/bookings/me/{seat['entry_id']}")
    assert BookingEntry.get(second["entry_id"]).status == "offered"
    pump.run_schedule("bookings_events_bookings_offers")  # not yet due: nothing moves
    assert BookingEntry.get(second["entry_id"]).status == "offered"
    try:
        clock.travel(timedelta(minutes=31))
        pump.run_schedule("bookings_events_bookings_offers")
        pump.run_schedule("bookings_events_bookings_offers")
    finally:
        clock.reset()
    assert BookingEntry.get(second["entry_id"]).status == "expired"
    assert BookingEntry.get(third["entry_id"]).status == "offered"
    late = b.post(f"/bookings/me/{second['entry_id']}/accept")
    assert late.status_code == 409 and body(late)["code"] == "BOOKING_NO_OFFER"
    session = _session(session_id)
    assert int(session.taken) == 1 and session.waiting.as_dict() == {"all": 0}


def test_sign_up_refusals_change_nothing(login, aws):
    xihu = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    later = clock.now() + timedelta(days=1)
    data = activity_body(XIHU, kind="reading", capacity=5, signup_opens_at=shanghai(later),
                         questions=[{"key": "book", "label": "想读的书", "required": True}])
    _, not_open = publish_activity(xihu, data)
    _, quota = publish_activity(xihu, activity_body(XIHU, capacity=2, quotas={"male": 1, "female": 1}))
    _, asks = publish_activity(xihu, activity_body(XIHU, kind="reading", capacity=5, questions=[
        {"key": "book", "label": "想读的书", "required": True, "choices": ["平凡的世界", "活着"]}]))
    _, closed = publish_activity(xihu, activity_body(XIHU, kind="reading", capacity=5,
                                                     signup_closes_at=shanghai(clock.now() - timedelta(minutes=1))))
    reader = worker(login, "reader", org=XIHU, glnj=True)
    cases = [
        (not_open, {"answers": {"book": "活着"}}, 409, "BOOKING_SIGNUP_NOT_OPEN"),
        (closed, {}, 409, "BOOKING_SIGNUP_CLOSED"),
        (quota, {}, 422, "BOOKING_GROUP_REQUIRED"),
        (asks, {}, 422, "BOOKING_ANSWER_MISSING"),
        (asks, {"answers": {"book": "三体"}}, 422, "BOOKING_ANSWER_CHOICE"),
        (asks, {"answers": {"book": "活着", "age": "30"}}, 422, "BOOKING_ANSWER_UNKNOWN"),
        ("s-000000000000", {}, 404, "BOOKING_SESSION_NOT_FOUND"),
    ]
    for session_id, request, status, code in cases:
        refused = reader.post(f"/bookings/sessions/{session_id}/signups", request)
        assert (refused.status_code, body(refused)["code"]) == (status, code), (request, refused.body)
        assert body(refused)["message"]
    assert list(BookingEntry.by_user.query("reader")) == []
    outsider = worker(login, "nanxun-worker", org=SANXING)
    refused = outsider.post(f"/bookings/sessions/{asks}/signups", {"answers": {"book": "活着"}})
    assert refused.status_code == 403 and body(refused)["code"] == "BOOKING_OUTSIDE_ORG"
    assert int(_session(asks).taken) == 0


def test_party_building_is_for_members_of_the_running_org(nanxun, login):
    sanxing = login("enterprise_admin", user_id="sanxing-admin", org_path=SANXING)
    activity_id, session_id = publish_activity(sanxing, activity_body(
        SANXING, kind="party", capacity=30, title="三行电气党支部 · 主题党日", audience={"org": NANXUN}))
    member = worker(login, "party-member", org=SANXING)
    assert body(member.get(f"/bookings/activities/{activity_id}"))["audience"]["org"] == SANXING
    assert body(member.post(f"/bookings/sessions/{session_id}/signups", {}))["status"] == "confirmed"
    not_member = worker(login, "new-hire", org=SANXING, verified=False)
    assert not_member.get(f"/bookings/activities/{activity_id}").status_code == 404
    refused = not_member.post(f"/bookings/sessions/{session_id}/signups", {})
    assert refused.status_code == 403 and body(refused)["code"] == "BOOKING_MEMBERS_ONLY"
    assert int(_session(session_id).taken) == 1


def test_the_spring_festival_bus_gives_one_numbered_seat_per_worker(nanxun, login):
    bus = activity_body(NANXUN, kind="bus", capacity=3, seat_numbers=True, title="过年包车返乡 · 南浔—重庆万州",
                        waitlist=False)
    _, session_id = publish_activity(nanxun, bus)
    chen, li, wu = (worker(login, u) for u in ("chen-hx", "li-wei", "wu-fang"))
    chosen = body(chen.post(f"/bookings/sessions/{session_id}/signups", {"seat_no": 2}))
    assert chosen["status"] == "confirmed" and chosen["seat_no"] == 2
    taken = li.post(f"/bookings/sessions/{session_id}/signups", {"seat_no": 2})
    assert taken.status_code == 409 and body(taken)["code"] == "BOOKING_SEAT_TAKEN"
    assert list(BookingEntry.by_user.query("li-wei")) == []
    assigned = body(li.post(f"/bookings/sessions/{session_id}/signups", {}))
    assert assigned["seat_no"] in (1, 3)
    twice = chen.post(f"/bookings/sessions/{session_id}/signups", {"seat_no": 3})
    assert twice.status_code == 409 and body(twice)["code"] == "BOOKING_ALREADY_SIGNED_UP"
    no_such = wu.post(f"/bookings/sessions/{session_id}/signups", {"seat_no": 4})
    assert no_such.status_code == 422 and body(no_such)["code"] == "BOOKING_SEAT_INVALID"
    assert sorted(int(s.seat_no) for s in BookingSeat.query(session_id)) == sorted([2, assigned["seat_no"]])
    last = body(wu.post(f"/bookings/sessions/{session_id}/signups", {}))
    assert last["seat_no"] == ({1, 3} - {assigned["seat_no"]}).pop()
    zhou = worker(login, "zhou-qiang")
    full = zhou.post(f"/bookings/sessions/{session_id}/signups", {})
    assert full.status_code == 409 and body(full)["code"] == "BOOKING_SESSION_FULL" and "已满" in body(full)["message"]
    assert list(BookingEntry.by_user.query("zhou-qiang")) == [] and int(_session(session_id).taken) == 3


def test_an_activity_hosted_by_a_place_that_does_not_exist_is_refused_and_nothing_is_stored(nanxun):
    """The host of an activity (a centre's room or a 职工书屋) must exist: the figures of the place
    are counted from it."""
    from chalicelib.bookings.models import BookingActivity

    before = list(BookingActivity.by_owner.query("zj/huz/nanxun"))
    for host in ("rr-0123456789ab", "ct-0123456789ab/r-0123456789"):
        refused = nanxun.post("/bookings/activities", activity_body("zj/huz/nanxun", kind="reading", host=host))
        assert refused.status_code == 422 and body(refused)["code"] == "BOOKING_HOST_INVALID", refused.body
    forged = nanxun.post("/bookings/activities", activity_body("zj/huz/nanxun", kind="reading", host="rr-x"))
    assert forged.status_code == 422 and body(forged)["code"] == "VALIDATION_FAILED"
    assert list(BookingActivity.by_owner.query("zj/huz/nanxun")) == before == []
