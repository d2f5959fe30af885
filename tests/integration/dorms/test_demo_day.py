"""The local stack's demo, as a new user would walk it: the seeded 工匠之家 (121 rooms, about 60
occupied) and 三行职工食堂; the demo worker finds a room by roommate fit, applies, is approved
automatically as a new hire, checks in, and sees tomorrow's menu appear at 17:00."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib.platform import clock
from tests.conftest import body


def test_the_demo_worker_moves_in_and_sees_tomorrows_menu_appear_at_five(aws, login, pump):
    from local.demo import accounts, canteen, dorms

    accounts.seed()
    dorms.seed()
    canteen.seed()
    dorms.seed()  # a second run changes nothing
    canteen.seed()

    union = login("union_admin", user_id="demo-nanxun-admin")
    stats = body(union.get("/dorms/occupancy?org=zj/huz/nanxun/e-sanxing"))
    assert stats["rooms"] == 121 and stats["rooms_occupied"] == 60

    worker = login("worker", user_id="demo-worker")
    building = body(worker.get("/dorms/buildings"))["items"][0]
    assert building["name"] == "工匠之家"
    best = body(worker.get(f"/dorms/buildings/{building['building_id']}/recommendations"))["items"][0]
    assert best["score"] > 0 and "同乡（重庆）" in best["reason"]
    applied = worker.post("/dorms/applications", {"building_id": building["building_id"], "room_no": best["room_no"],
                                                  "bed_no": best["bed_no"]})
    assert applied.status_code == 201
    pump.drain()
    assert body(worker.get("/dorms/me"))["application"]["status"] == "approved"
    assert worker.post("/dorms/me/check-in", {}).status_code == 200
    assert body(worker.get("/dorms/me"))["room"]["room_no"] == best["room_no"]

    canteen_id = body(worker.get("/canteens"))["items"][0]["canteen_id"]
    assert len(body(worker.get(f"/canteens/{canteen_id}/menus/today"))["items"]) == 4
    day_after = clock.today_shanghai() + timedelta(days=2)
    week = f"/canteens/{canteen_id}/menus/week?start={day_after}"
    assert [m for m in body(worker.get(week))["items"] if m["day"] == day_after.isoformat()] == []
    five = datetime.combine(day_after - timedelta(days=1), time(17, 1), tzinfo=clock.SHANGHAI)
    clock.travel(five - clock.now())
    try:
        pump.run_schedule("canteen_events_canteen_menu_publish_tomorrow")  # its 17:00 tick
        pump.drain()
    finally:
        clock.reset()
    shown = [m for m in body(worker.get(week))["items"] if m["day"] == day_after.isoformat()]
    assert [m["meal"] for m in shown] == ["breakfast", "lunch", "dinner", "night_shift"]
    assert day_after.isoformat() in {n["day"] for n in body(worker.get("/canteens/me/notices"))["items"]}
