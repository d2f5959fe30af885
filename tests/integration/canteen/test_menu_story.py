"""The 三行 canteen plans ahead; each day's menu appears to workers at 17:00 the day before,
subscribers are told, and workers filter, rate and keep favourites."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.canteen import logic
from chalicelib.canteen.schemas import WeekPlan
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from tests.conftest import body
from tests.integration.canteen.conftest import SANXING, at, plan, put_days, shanghai, week_of

PUBLISH = "canteen_events_canteen_menu_publish_tomorrow"


def test_given_planned_days_when_the_canteens_hour_comes_then_the_next_days_menu_appears_and_subscribers_are_told(
        canteen, login, pump, today):
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    assert worker.put(f"/canteens/{canteen.canteen_id}/subscription").status_code == 200
    day1, day2 = today + timedelta(days=1), today + timedelta(days=2)
    assert [r.status_code for r in put_days(canteen, [day1, day2])] in ([200], [200, 200])

    week = f"/canteens/{canteen.canteen_id}/menus/week?start={day2}"
    assert body(worker.get(week))["items"] == []  # drafts are invisible to workers
    assert {m["status"] for m in body(canteen.admin.get(week))["items"]} == {"draft"}

    with at(shanghai(day1, 16, 59)):  # the minute before the canteen's hour, the day before
        pump.run_schedule(PUBLISH)
        pump.drain()
    assert [m for m in body(worker.get(week))["items"] if m["day"] == day2.isoformat()] == []

    with at(shanghai(day1, 17, 1)):
        pump.run_schedule(PUBLISH)
        pump.drain()
    shown = [m for m in body(worker.get(week))["items"] if m["day"] == day2.isoformat()]
    assert [m["meal_cn"] for m in shown] == ["早餐", "午餐", "晚餐", "夜宵（夜班）"]
    assert shown[1]["dishes"][0]["name"] == "辣子鸡" and shown[1]["dishes"][0]["price_text"] == "12.00元"
    notices = body(worker.get("/canteens/me/notices"))["items"]
    assert [n["day"] for n in notices] == [day2.isoformat(), day1.isoformat()]
    assert all("明日菜单已发布" in n["title"] for n in notices)
    # ``at`` is when the notice was sent, a UTC timestamp like every other notice's (17:01 Shanghai)
    assert notices[0]["at"].startswith(f"{day1.isoformat()}T09:01") and notices[0]["at"].endswith("Z")

    with at(shanghai(day1, 17, 6)):  # the next run finds nothing new: no second notice
        assert pump.run_schedule(PUBLISH) == {"published": 0, "announced": 0}
        pump.drain()
    assert len(body(worker.get("/canteens/me/notices"))["items"]) == 2


def test_a_worker_filters_today_by_tag_and_allergen(canteen, login, pump, today):
    put_days(canteen, [today])
    pump.run_schedule(PUBLISH)  # today's menu was due yesterday at 17:00
    worker = login("worker", user_id="li-wei", org_path=SANXING)
    menus = body(worker.get(f"/canteens/{canteen.canteen_id}/menus/today?tag=vegetarian&without_allergen=peanut"))
    lunch = next(m for m in menus["items"] if m["meal"] == "lunch")
    assert [d["name"] for d in lunch["dishes"]] == ["清炒时蔬"]
    spicy = body(worker.get(f"/canteens/{canteen.canteen_id}/menus/today?tag=spicy"))["items"]
    assert [d["name"] for m in spicy for d in m["dishes"]] == ["辣子鸡", "麻婆豆腐"]


def test_rating_once_per_meal_is_editable_and_moves_the_average(canteen, login, pump, today):
    put_days(canteen, [today])
    pump.run_schedule(PUBLISH)
    chicken = canteen.dishes["辣子鸡"]
    url = f"/canteens/{canteen.canteen_id}/menus/{today}/lunch/dishes/{chicken}/rating"
    chen, li = login("worker", user_id="chen-hongxin", org_path=SANXING), login("worker", user_id="li-wei", org_path=SANXING)

    assert body(chen.put(url, {"stars": 5}))["rating_average"] == 5.0
    assert body(li.put(url, {"stars": 2}))["rating_average"] == 3.5
    edited = body(chen.put(url, {"stars": 4}))  # he changes his mind: still one rating of his
    assert edited["rating_average"] == 3.0 and edited["rating_count"] == 2
    menus = body(li.get(f"/canteens/{canteen.canteen_id}/menus/today"))["items"]
    lunch = next(m for m in menus if m["meal"] == "lunch")
    assert lunch["dishes"][0]["rating_average"] == 3.0 and lunch["dishes"][0]["rating_count"] == 2


def test_favourites_are_kept_per_worker(canteen, login):
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    noodles = canteen.dishes["牛肉拉面"]
    assert worker.put(f"/canteens/{canteen.canteen_id}/favourites/{noodles}").status_code == 200
    assert [f["dish_name"] for f in body(worker.get("/canteens/me/favourites"))["items"]] == ["牛肉拉面"]
    assert body(login("worker", user_id="li-wei", org_path=SANXING).get("/canteens/me/favourites"))["items"] == []
    assert body(worker.delete(f"/canteens/{canteen.canteen_id}/favourites/{noodles}"))["items"] == []


def test_copying_last_week_fills_this_week_from_today_on(canteen, today):
    this_monday = week_of(today)
    last_monday = this_monday - timedelta(days=7)
    admin = Principal(user_id="sanxing-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)
    with at(shanghai(last_monday, 8)):  # last week's plan, written back then
        logic.plan_week(admin, canteen.canteen_id, last_monday.isoformat(),
                        WeekPlan.model_validate(plan(canteen, [last_monday + timedelta(days=i) for i in range(7)])))
    copied = canteen.admin.post(f"/canteens/{canteen.canteen_id}/weeks/{this_monday}/copy-previous")
    assert copied.status_code == 200, copied.body
    remaining = (this_monday + timedelta(days=6) - today).days + 1
    assert body(copied)["written"] == 4 * remaining
    assert body(copied)["skipped_past_days"] == [str(this_monday + timedelta(days=i)) for i in range(7 - remaining)]
    week = body(canteen.admin.get(f"/canteens/{canteen.canteen_id}/menus/week?start={this_monday}"))["items"]
    assert {m["day"] for m in week} == {str(today + timedelta(days=i)) for i in range(remaining)}
    assert clock.today_shanghai() == today


def test_a_new_publishing_hour_applies_to_the_drafts_already_planned(canteen, login, pump, today):
    day2 = today + timedelta(days=2)
    put_days(canteen, [day2])
    moved = canteen.admin.patch(f"/canteens/{canteen.canteen_id}", {"publish_hour": 20})
    assert moved.status_code == 200 and body(moved)["publish_hour"] == 20
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    week = f"/canteens/{canteen.canteen_id}/menus/week?start={day2}"
    with at(shanghai(day2 - timedelta(days=1), 17, 1)):  # the old hour: nothing yet
        pump.run_schedule(PUBLISH)
    assert body(worker.get(week))["items"] == []
    with at(shanghai(day2 - timedelta(days=1), 20, 1)):
        pump.run_schedule(PUBLISH)
    assert len(body(worker.get(week))["items"]) == 4


def test_dish_photos_are_uploaded_with_a_signed_form_and_kept_as_keys(canteen):
    form = canteen.admin.post(f"/canteens/{canteen.canteen_id}/photos", {"content_type": "image/png"})
    assert form.status_code == 201
    key = body(form)["key"]
    assert key.startswith(f"canteen/{canteen.canteen_id}/") and body(form)["url"]
    chicken = canteen.dishes["辣子鸡"]
    updated = canteen.admin.patch(f"/canteens/{canteen.canteen_id}/dishes/{chicken}", {"photos": [key],
                                                                                       "price_fen": 1300})
    assert updated.status_code == 200 and body(updated)["photos"] == [key] and body(updated)["price_text"] == "13.00元"
    forged = canteen.admin.patch(f"/canteens/{canteen.canteen_id}/dishes/{chicken}",
                                 {"photos": ["dorms/b-x/1.jpg"]})
    assert forged.status_code == 422 and body(forged)["code"] == "CANTEEN_PHOTO_INVALID"
