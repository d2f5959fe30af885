"""Today's menu is one Query of at most four items (one per meal), plus one BatchGet of the
dishes served for their ratings; no Scan. A week is one Query of at most 28 items."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import body
from tests.integration.canteen.conftest import SANXING, put_days


def test_todays_menu_reads_at_most_four_menus_and_the_dishes_served(canteen, login, pump, today, aws_calls):
    put_days(canteen, [today + timedelta(days=i) for i in range(7)])
    pump.run_schedule("canteen_events_canteen_menu_publish_tomorrow")
    worker = login("worker", user_id="chen-hongxin", org_path=SANXING)
    aws_calls.clear()
    menus = body(worker.get(f"/canteens/{canteen.canteen_id}/menus/today"))["items"]
    calls = aws_calls.for_work("http:GET /canteens/{canteen_id}/menus/today")
    assert len(menus) == 4
    assert [c.items_read for c in calls if c.operation == "Query"] == [4]
    served = {d["dish_id"] for m in menus for d in m["dishes"]}
    assert sum(c.items_read for c in calls if c.operation == "BatchGetItem") == len(served) == 6
    assert not [c for c in calls if c.operation == "Scan"]

    aws_calls.clear()
    week = body(worker.get(f"/canteens/{canteen.canteen_id}/menus/week?start={today}"))["items"]
    calls = aws_calls.for_work("http:GET /canteens/{canteen_id}/menus/week")
    assert [c.items_read for c in calls if c.operation == "Query"] == [28]
    assert len(week) <= 28
