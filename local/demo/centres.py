"""Demo: 缙云县社区工会服务中心 with its eight rooms (among them 职工书屋, 调解室 and a
户外劳动者服务站点) and two more outdoor-worker stations in the county. GCJ-02 coordinates."""
from __future__ import annotations

from chalicelib.centres import logic
from chalicelib.centres.models import CentreNearby
from chalicelib.centres.schemas import CentreBody, CentreRoomBody
from chalicelib.platform.auth import Principal, Role

CENTRE_ORG = "zj/ls/jinyun/c-wuyun"
ADMIN = Principal(user_id="demo-jinyun-admin", role=Role.UNION_ADMIN, org_path="zj/ls/jinyun",
                  name="缙云县总工会 高老师")
CENTRE = (28.6595, 120.0915)
ROOMS = [
    ("reading_room", "职工书屋", None), ("mediation_room", "劳动争议调解室", None),
    ("outdoor_station", "五云户外劳动者服务站点", None), ("activity_room", "多功能活动室", None),
    ("consultation_room", "心理咨询室", None), ("mother_room", "爱心妈咪小屋", None), ("gym", "职工健身房", None),
    ("other", "法律援助工作站", None),
    ("outdoor_station", "新建镇户外劳动者服务站点", (28.6100, 120.0500)),
    ("outdoor_station", "壶镇户外劳动者服务站点", (28.7600, 120.2300)),
]


def seed() -> None:
    from chalicelib.centres import geo

    if any(True for _ in CentreNearby.query(geo.cell_of(*CENTRE), limit=1)):
        return  # seeded before
    centre = logic.create_centre(ADMIN, CentreBody(org_path=CENTRE_ORG, name="缙云县社区工会服务中心",
                                                   address="缙云县五云街道", lat=CENTRE[0], lng=CENTRE[1],
                                                   hours="周一至周六 8:30-20:30"))
    for kind, name, where in ROOMS:
        lat, lng = where if where else (None, None)
        logic.add_room(ADMIN, centre.centre_id, CentreRoomBody(
            kind=kind, name=name, lat=lat, lng=lng, hours="全天" if kind == "outdoor_station" else "8:30-20:30",
            amenities=["drinking_water", "microwave", "charging", "toilet", "rest_seats", "first_aid"]
            if kind == "outdoor_station" else []))
