"""Booking fixtures: 南浔's union and 三行电气, verified union members, a badminton court that
opens all day in 30-minute slots, and helpers for the next slot and soon-starting sessions."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.platform import clock, pii
from tests.conftest import body

NANXUN = "zj/huz/nanxun"
SANXING = "zj/huz/nanxun/e-sanxing"
XIHU = "zj/hz/xihu"
_NUMBERS = itertools.count()
ALL_DAY = {str(d): {"open": "00:00", "close": "24:00"} for d in range(1, 8)}


def verify_members(*user_ids: str, org: str = SANXING, glnj: bool = False) -> None:
    """Members already verified (face + roster) as identity records them; ``glnj`` also
    pledged single, i.e. active in 光年间."""
    from chalicelib.identity import logic as identity

    records = []
    for user_id in user_ids:
        n = next(_NUMBERS)  # a distinct, valid ID number per member
        first17 = f"3305031990{n // 28000 % 12 + 1:02d}{n // 1000 % 28 + 1:02d}{n % 1000:03d}"
        records.append({"user_id": user_id, "id_number": first17 + pii.id_check_digit(first17),
                        "real_name": "测试会员", "org_path": org, "enterprise": org.rsplit("/", 1)[-1],
                        "pledged": glnj})
    identity.load_verified_members(records, source="测试", roster_scope=org)


def next_slot(minutes: int = 30) -> tuple[str, str]:
    """The next slot start strictly after now (Asia/Shanghai), as (date, HH:MM)."""
    now = clock.to_shanghai(clock.now())
    base = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % minutes)
    start = base + timedelta(minutes=minutes)
    return start.date().isoformat(), start.strftime("%H:%M")


def shanghai(moment: datetime) -> str:
    return clock.to_shanghai(moment).isoformat(timespec="seconds")


@dataclass
class Court:
    venue_id: str
    union: Any


@pytest.fixture
def nanxun(aws: Any, login: Callable[..., Any]) -> Any:
    union = login("union_admin", user_id="nanxun-admin", org_path=NANXUN, name="南浔区总工会 杨老师")
    created = union.post("/orgs", {"parent_path": NANXUN, "slug": "e-sanxing", "name": "浙江三行电气科技有限公司工会"})
    assert created.status_code == 201, created.body
    return union


def court_body(**rules: Any) -> dict[str, Any]:
    return {"org_path": NANXUN, "name": "南浔职工之家 羽毛球场 1 号", "kind": "court", "capacity": 4,
            "location": "南浔区人瑞路 88 号", "facilities": ["更衣室", "淋浴"], "hours": ALL_DAY,
            "rules": {"slot_minutes": 30, "horizon_days": 7, "opens_at": "00:00", "quota_per_day": 2,
                      "quota_per_week": 3, "cancel_cutoff_minutes": 60, **rules}}


@pytest.fixture
def court(nanxun: Any) -> Court:
    created = nanxun.post("/bookings/venues", court_body())
    assert created.status_code == 201, created.body
    return Court(venue_id=body(created)["venue_id"], union=nanxun)


def worker(login: Callable[..., Any], user_id: str, *, org: str = SANXING, verified: bool = True,
           glnj: bool = False) -> Any:
    if verified:
        verify_members(user_id, org=org, glnj=glnj)
    return login("worker", user_id=user_id, org_path=org, name=user_id)
