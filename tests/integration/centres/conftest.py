"""A 缙云 service centre with its rooms and stations, made by the district admin."""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import body

CENTRE_ORG = "zj/ls/jinyun/c-wuyun"
ENTERPRISE = "zj/ls/jinyun/e-huayuan"
JINYUN = (28.6595, 120.0915)     # GCJ-02, 缙云县城


@pytest.fixture
def district(login: Any) -> Any:
    return login("union_admin", "ua-jinyun", "zj/ls/jinyun", "缙云县总工会 高老师")


@pytest.fixture
def centre(district: Any) -> dict[str, Any]:
    made = body(district.post("/centres", {"org_path": CENTRE_ORG, "name": "缙云县社区工会服务中心",
                                           "address": "缙云县五云街道", "lat": JINYUN[0], "lng": JINYUN[1],
                                           "hours": "周一至周六 8:30-20:30"}))
    rooms = {}
    for kind, name, where in [("reading_room", "职工书屋", None), ("mediation_room", "调解室", None),
                              ("outdoor_station", "五云户外劳动者服务站点", (28.6640, 120.0990)),
                              ("outdoor_station", "新建户外劳动者服务站点", (28.6100, 120.0500)),
                              ("outdoor_station", "壶镇户外劳动者服务站点", (28.7600, 120.2300))]:
        payload: dict[str, Any] = {"kind": kind, "name": name, "amenities": ["drinking_water", "charging"]}
        if where:
            payload |= {"lat": where[0], "lng": where[1]}
        response = district.post(f"/centres/{made['centre_id']}/rooms", payload)
        assert response.status_code == 201, response.body
        rooms[name] = body(response)
    return {**made, "rooms": rooms}
