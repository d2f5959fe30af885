"""Bad input on the canteen: a clear 4xx with a code and a Chinese message, nothing changed."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import body
from tests.integration.canteen.conftest import SANXING, plan, put_days, week_of


def _menus(admin, canteen_id, start):
    return body(admin.get(f"/canteens/{canteen_id}/menus/week?start={start}"))["items"]


def test_a_menu_for_a_past_date_is_refused_and_nothing_is_written(canteen, today):
    yesterday = today - timedelta(days=1)
    monday = week_of(yesterday)
    refused = canteen.admin.put(f"/canteens/{canteen.canteen_id}/weeks/{monday}", plan(canteen, [yesterday]))
    assert refused.status_code == 422 and body(refused)["code"] == "CANTEEN_DATE_PAST"
    assert "过去" in body(refused)["message"]
    assert _menus(canteen.admin, canteen.canteen_id, monday) == []


def test_a_week_must_start_on_monday_and_hold_its_own_days(canteen, today):
    not_monday = week_of(today) + timedelta(days=1)
    bad_start = canteen.admin.put(f"/canteens/{canteen.canteen_id}/weeks/{not_monday}", plan(canteen, [today]))
    assert bad_start.status_code == 422 and body(bad_start)["code"] == "CANTEEN_WEEK_INVALID"
    outside = canteen.admin.put(f"/canteens/{canteen.canteen_id}/weeks/{week_of(today)}",
                                plan(canteen, [today + timedelta(days=7)]))
    assert outside.status_code == 422 and body(outside)["code"] == "CANTEEN_DATE_OUTSIDE_WEEK"


def test_ratings_out_of_range_or_for_meals_not_yet_served_are_refused(canteen, login, pump, today):
    put_days(canteen, [today, today + timedelta(days=1)])
    pump.run_schedule("canteen_events_canteen_menu_publish_tomorrow")
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    chicken = canteen.dishes["辣子鸡"]
    url = f"/canteens/{canteen.canteen_id}/menus/{today}/lunch/dishes/{chicken}/rating"
    for stars in (0, 6, "five", None):
        refused = worker.put(url, {"stars": stars})
        assert refused.status_code == 422, stars
    tomorrow = today + timedelta(days=1)
    early = worker.put(f"/canteens/{canteen.canteen_id}/menus/{tomorrow}/lunch/dishes/{chicken}/rating", {"stars": 5})
    assert early.status_code == 422 and body(early)["code"] == "CANTEEN_RATING_TOO_EARLY"
    noodles = worker.put(f"/canteens/{canteen.canteen_id}/menus/{today}/lunch/dishes/"
                         f"{canteen.dishes['牛肉拉面']}/rating", {"stars": 5})
    assert noodles.status_code == 404 and body(noodles)["code"] == "CANTEEN_DISH_NOT_SERVED"
    dishes = body(worker.get(f"/canteens/{canteen.canteen_id}/dishes"))["items"]
    assert all(d["rating_count"] == 0 for d in dishes)


def test_another_enterprises_worker_cannot_see_the_canteen(canteen, login):
    outsider = login("worker", user_id="hengtong-1", org_path="zj/huz/nanxun/e-hengtong")
    hidden = outsider.get(f"/canteens/{canteen.canteen_id}/menus/today")
    assert hidden.status_code == 404 and body(hidden)["code"] == "CANTEEN_NOT_FOUND"
    assert body(outsider.get("/canteens"))["items"] == []
    assert outsider.put(f"/canteens/{canteen.canteen_id}/subscription").status_code == 404


def test_a_worker_cannot_plan_menus(canteen, login, today):
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    refused = worker.put(f"/canteens/{canteen.canteen_id}/weeks/{week_of(today)}",
                         plan(canteen, [today]))
    assert refused.status_code == 403


def test_a_dish_price_must_be_a_whole_number_of_fen_within_reason(canteen):
    """``true`` is not 1 fen, ``"100"`` is not 100, and no canteen dish costs 一亿元."""
    dishes = f"/canteens/{canteen.canteen_id}/dishes"
    before = body(canteen.admin.get(dishes))["items"]
    some_dish = canteen.dishes["辣子鸡"]
    for price in (True, "100", 100.5, 10**10, 100_001, -1):
        made = canteen.admin.post(dishes, {"name": "天价菜", "price_fen": price, "tags": [], "allergens": []})
        assert made.status_code == 422 and body(made)["code"] == "VALIDATION_FAILED", (price, made.body)
        assert body(made)["details"][0]["field"] == "price_fen"
        changed = canteen.admin.patch(f"{dishes}/{some_dish}", {"price_fen": price})
        assert changed.status_code == 422 and body(changed)["code"] == "VALIDATION_FAILED", (price, changed.body)
    assert body(canteen.admin.get(dishes))["items"] == before
    assert canteen.admin.post(dishes, {"name": "小炒肉", "price_fen": 100_000}).status_code == 201
