"""Done when (issue 13), on the demo data: the demo worker books the court and checks in, signs
up for the full 光年间 联谊 and gets the seat when someone cancels, and the union sees the
attendance figures; the demo holds a 职工书屋 reading event and a party-building activity."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.bookings.conftest import next_slot


def _after(pump, moment) -> None:
    clock.travel(moment - clock.now())
    try:
        pump.run_schedule("bookings_events_bookings_after_sessions")
        pump.drain()
    finally:
        clock.reset()


def test_the_demo_worker_books_checks_in_gets_a_freed_glnj_seat_and_the_union_sees_the_figures(aws, login, pump):
    from local.demo import accounts, bookings

    accounts.seed()
    bookings.seed()
    bookings.seed()  # a second run changes nothing

    union = login("union_admin", user_id="demo-nanxun-admin")
    kinds = {a["kind"]: a for a in body(union.get("/bookings/activities?limit=50"))["items"]}
    assert {"reading", "childcare", "health", "bus"} <= set(kinds)
    assert "职工书屋" in kinds["reading"]["title"]
    sanxing = login("enterprise_admin", user_id="demo-enterprise-admin", org_path="zj/huz/nanxun/e-sanxing")
    assert [a["kind"] for a in body(sanxing.get("/bookings/activities"))["items"]] == ["party"]

    worker = login("worker", user_id="demo-worker")
    court = next(v for v in body(worker.get("/bookings/venues"))["items"] if v["kind"] == "court")
    day = clock.today_shanghai() + timedelta(days=1)
    slots = body(worker.get(f"/bookings/venues/{court['venue_id']}/slots?date={day}&days=7"))["days"]
    assert len(slots) == 7 and all(d["slots"] for d in slots if d["open"])
    day, start = next_slot(60)
    if start < "06:00" or start > "21:00":  # the court is closed now: book tomorrow evening, check in then
        day, start = (clock.today_shanghai() + timedelta(days=1)).isoformat(), "19:00"
    booked = worker.post(f"/bookings/venues/{court['venue_id']}/bookings", {"date": day, "start": start})
    assert booked.status_code == 201, booked.body
    entry = body(booked)
    starts = clock.parse(entry["starts_at"])
    if starts - clock.now() > timedelta(minutes=30):
        clock.travel(starts - timedelta(minutes=10) - clock.now())
    try:
        from chalicelib.bookings import logic
        from chalicelib.platform.auth import Principal, Role

        staff = Principal("demo-nanxun-admin", Role.UNION_ADMIN, "zj/huz/nanxun")
        assert logic.check_in(staff, entry["checkin_code"]).status == "checked_in"  # the scanner's call
    finally:
        clock.reset()

    glnj = next(a for a in body(worker.get("/bookings/activities?limit=50"))["items"] if a["kind"] == "glnj")
    session = body(worker.get(f"/bookings/activities/{glnj['activity_id']}"))["sessions"][0]
    assert session["taken"] == session["capacity"] == 2
    waiting = body(worker.post(f"/bookings/sessions/{session['session_id']}/signups", {"group": "male"}))
    assert waiting["status"] == "waiting" and waiting["waitlist_no"] == 1
    zhang = login("worker", user_id="demo-zhang", org_path="zj/hz/xihu/e-guangnian")
    his = next(e for e in body(zhang.get("/bookings/me"))["items"] if e["resource_id"] == session["session_id"])
    assert zhang.delete(f"/bookings/me/{his['entry_id']}").status_code == 200
    assert body(worker.get(f"/bookings/me/{waiting['entry_id']}"))["status"] == "offered"
    seat = body(worker.post(f"/bookings/me/{waiting['entry_id']}/accept"))
    assert seat["status"] == "confirmed" and seat["checkin_code"]

    _after(pump, starts + timedelta(hours=2))
    _after(pump, clock.parse(session["ends_at"]) + timedelta(hours=1))
    xihu = login("union_admin", user_id="demo-xihu-admin")
    closed = body(xihu.get(f"/bookings/sessions/{session['session_id']}/attendance"))
    assert (closed["signups"], closed["checked_in"], closed["no_shows"]) == (2, 0, 2)
    year = str(clock.parse(session["ends_at"]).astimezone(clock.SHANGHAI).year)
    rows = {r["category"]: r for r in body(union.get(f"/bookings/figures?period={starts.year}"))["rows"]}
    assert rows["court"]["attended"] == 1 and rows["court"]["signups"] == 1
    province = login("platform_admin", user_id="demo-platform-admin", org_path="zj")
    whole = {r["category"]: r for r in body(province.get(f"/bookings/figures?org=zj&period={year}"))["rows"]}
    assert whole["glnj"]["sessions"] == 1 and whole["glnj"]["signups"] == 2 and whole["glnj"]["no_shows"] == 2
