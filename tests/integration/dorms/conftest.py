"""Dormitory fixtures: 三行电气's enterprise node, its admin, the union admin, and 工匠之家."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import body

SANXING = "zj/huz/nanxun/e-sanxing"
NEIGHBOUR = "zj/huz/nanxun/e-hengtong"


def rooms_sheet(start: int, count: int, *, room_type: str = "double", gender: str = "male", floor: int = 3,
                facilities: tuple[str, ...] = ("air_conditioning", "wifi", "desk"), rent_fen: int = 0,
                residents: dict[int, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    residents = residents or {}
    return {"rooms": [{"room_no": str(n), "room_type": room_type, "gender": gender, "floor": floor,
                       "facilities": list(facilities), "rent_fen": rent_fen, "residents": residents.get(n, [])}
                      for n in range(start, start + count)]}


@dataclass
class Dorm:
    building_id: str
    admin: Any
    union: Any


@pytest.fixture
def nanxun(aws: Any, login: Any) -> Any:
    """南浔区总工会's admin registers 三行电气 and a neighbour enterprise."""
    union = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun", name="南浔区总工会 杨老师")
    for slug, name in (("e-sanxing", "浙江三行电气科技有限公司工会"), ("e-hengtong", "南浔恒通机械有限公司工会")):
        assert union.post("/orgs", {"parent_path": "zj/huz/nanxun", "slug": slug, "name": name}).status_code == 201
    return union


@pytest.fixture
def dorm(nanxun: Any, login: Any) -> Dorm:
    """工匠之家 with three double rooms (301, 302, 303) for men and one quad (401) for women."""
    admin = login("enterprise_admin", user_id="sanxing-admin", org_path=SANXING, name="三行工会 沈嘉俊")
    created = admin.post("/dorms/buildings", {"org_path": SANXING, "name": "工匠之家", "address": "南浔经济开发区"})
    assert created.status_code == 201, created.body
    building_id = body(created)["building_id"]
    sheet = rooms_sheet(301, 3, residents={301: [{"bed_no": 1, "resident_ref": "sx-0001", "hometown": "重庆",
                                                  "workshop": "包漆车间", "shift": "白班"}]})
    sheet["rooms"] += rooms_sheet(401, 1, room_type="quad", gender="female", floor=4,
                                  facilities=("air_conditioning", "own_bathroom", "wifi"))["rooms"]
    imported = admin.post(f"/dorms/buildings/{building_id}/rooms/import", sheet)
    assert imported.status_code == 200, imported.body
    return Dorm(building_id=building_id, admin=admin, union=nanxun)


def worker_with_profile(login: Any, user_id: str, *, gender: str = "male", hometown: str | None = "重庆",
                        workshop: str | None = "包漆车间", shift: str | None = "白班", entry_date: str | None = None,
                        share: bool = True, org_path: str = SANXING) -> Any:
    worker = login("worker", user_id=user_id, org_path=org_path)
    profile = {"gender": gender, "hometown": hometown, "workshop": workshop, "shift": shift,
               "share_hometown": share, "share_workshop": share, "share_shift": share}
    if entry_date:
        profile["entry_date"] = entry_date
    saved = worker.put("/dorms/profile", profile)
    assert saved.status_code == 200, saved.body
    return worker
