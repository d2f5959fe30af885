"""Listing free beds is one Query page: no Scan, items read bounded by the page size, whatever
the filters; 工匠之家's 121 rooms with about 60 occupied, as the seed article says."""
from __future__ import annotations

from typing import Any

from chalicelib.dorms import logic
from chalicelib.dorms.schemas import NewBuilding, RoomImport
from chalicelib.platform.auth import Principal, Role
from tests.conftest import body
from tests.integration.dorms.conftest import SANXING, worker_with_profile

ADMIN = Principal(user_id="sanxing-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)


def _residents_in(n: int) -> int:
    return 0 if n >= 60 else (2 if n % 3 else 1)


def _gongjiang(nanxun: Any) -> str:
    """121 double rooms over floors 1–6; 60 of them occupied (one or two residents)."""
    building = logic.create_building(ADMIN, NewBuilding(org_path=SANXING, name="工匠之家"))
    rooms = []
    for n in range(121):
        floor, no = n // 21 + 1, f"{n // 21 + 1}{n % 21 + 1:02d}"
        residents = [{"bed_no": b, "resident_ref": f"sx-{n:03d}-{b}", "hometown": "四川"}
                     for b in range(1, _residents_in(n) + 1)]
        rooms.append({"room_no": no, "room_type": "double", "gender": "male" if n % 4 else "female", "floor": floor,
                      "facilities": ["air_conditioning", "wifi"] + (["balcony"] if n % 2 else []),
                      "residents": residents})
    for start in range(0, 121, 100):
        logic.import_rooms(ADMIN, building.building_id, RoomImport.model_validate({"rooms": rooms[start:start + 100]}))
    return building.building_id


def test_free_beds_pages_read_no_more_items_than_the_page_size_and_the_union_sees_60_of_121_rooms(nanxun, login, aws_calls):
    building_id = _gongjiang(nanxun)
    worker = worker_with_profile(login, "chen-hongxin")
    seen, cursor, pages = [], None, 0
    while True:
        aws_calls.clear()
        url = f"/dorms/buildings/{building_id}/free-beds?limit=10&facilities=balcony"
        page = body(worker.get(url + (f"&cursor={cursor}" if cursor else "")))
        calls = aws_calls.for_work("http:GET /dorms/buildings/{building_id}/free-beds")
        bed_reads = sum(c.items_read for c in calls if c.operation == "Query")
        room_reads = sum(c.items_read for c in calls if c.operation == "BatchGetItem")
        assert bed_reads <= 10 and room_reads <= 10, (bed_reads, room_reads)
        assert not [c for c in calls if c.operation == "Scan"]
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert all("balcony" in b["facilities"] and b["gender"] == "male" for b in seen)
    assert len({(b["room_no"], b["bed_no"]) for b in seen}) == len(seen)
    assert len(seen) == sum(2 - _residents_in(n) for n in range(121) if n % 4 and n % 2)

    # and the union sees the seed article's occupancy: 60 of 121 rooms
    stats = body(nanxun.get(f"/dorms/occupancy?org={SANXING}"))
    assert stats["rooms"] == 121 and stats["rooms_occupied"] == 60
    assert stats["buildings"][0]["name"] == "工匠之家"
    assert stats["beds"] == 242 and stats["beds_occupied"] == 40 * 2 + 20
