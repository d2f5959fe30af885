"""Canteen fixtures: 三行电气's canteen with a few dishes, and a clock pinned for the story."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from chalicelib.platform import clock
from tests.conftest import body

SANXING = "zj/huz/nanxun/e-sanxing"


@dataclass
class CanteenSetup:
    canteen_id: str
    admin: Any
    dishes: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def today() -> date:
    return clock.today_shanghai()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the event handlers as if it were ``moment`` (tokens are not issued meanwhile)."""
    clock.travel(moment - clock.now())
    try:
        yield
    finally:
        clock.reset()


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.SHANGHAI)


@pytest.fixture
def canteen(aws: Any, login: Any) -> CanteenSetup:
    union = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    assert union.post("/orgs", {"parent_path": "zj/huz/nanxun", "slug": "e-sanxing",
                                "name": "浙江三行电气科技有限公司工会"}).status_code == 201
    admin = login("enterprise_admin", user_id="sanxing-admin", org_path=SANXING)
    created = admin.post("/canteens", {"org_path": SANXING, "name": "三行职工食堂", "publish_hour": 17})
    assert created.status_code == 201, created.body
    setup = CanteenSetup(canteen_id=body(created)["canteen_id"], admin=admin)
    for name, price, tags, allergens in [
        ("辣子鸡", 1200, ["spicy", "signature"], []), ("麻婆豆腐", 600, ["spicy"], ["soy"]),
        ("清炒时蔬", 400, ["vegetarian", "light"], []), ("花生拌菠菜", 300, ["vegetarian"], ["peanut"]),
        ("豆浆油条", 350, ["vegetarian"], ["soy", "wheat"]), ("牛肉拉面", 1500, ["halal"], ["wheat"]),
    ]:
        made = admin.post(f"/canteens/{setup.canteen_id}/dishes",
                          {"name": name, "price_fen": price, "tags": tags, "allergens": allergens})
        assert made.status_code == 201, made.body
        setup.dishes[name] = body(made)["dish_id"]
    return setup


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def plan(setup: CanteenSetup, days: list[date]) -> dict[str, Any]:
    d = setup.dishes
    return {"days": [{"day": day.isoformat(), "meals": [
        {"meal": "breakfast", "dish_ids": [d["豆浆油条"]]},
        {"meal": "lunch", "dish_ids": [d["辣子鸡"], d["麻婆豆腐"], d["清炒时蔬"], d["花生拌菠菜"]]},
        {"meal": "dinner", "dish_ids": [d["牛肉拉面"], d["清炒时蔬"]]},
        {"meal": "night_shift", "dish_ids": [d["牛肉拉面"]]},
    ]} for day in days]}


def put_days(setup: CanteenSetup, days: list[date]) -> list[Any]:
    """Plan the given days, one PUT per week they fall in."""
    weeks: dict[date, list[date]] = {}
    for day in days:
        weeks.setdefault(week_of(day), []).append(day)
    return [setup.admin.put(f"/canteens/{setup.canteen_id}/weeks/{monday}", plan(setup, group))
            for monday, group in weeks.items()]
