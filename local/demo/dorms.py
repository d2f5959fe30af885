"""Demo dormitories: 三行电气's 工匠之家 in 南浔 — 121 rooms, about 60 occupied, as the seed
article tells it — with the roommates' shared hometowns, workshops and shifts, the rule that
new hires within 7 days are approved automatically, and a demo worker (陈宏鑫 from 重庆, 包漆车间,
joined today) ready to find a room by roommate fit and apply."""
from __future__ import annotations

from chalicelib.dorms import logic
from chalicelib.dorms.models import BuildingAccess
from chalicelib.dorms.schemas import DormProfileIn, NewBuilding, RoomImport, RulesIn
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Conflict

SANXING = "zj/huz/nanxun/e-sanxing"
ADMIN = Principal(user_id="demo-enterprise-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING,
                  name="三行工会主席 沈嘉俊")
WORKER = Principal(user_id="demo-worker", role=Role.WORKER, org_path=SANXING, name="陈宏鑫")
HOMETOWNS = ["重庆", "四川", "安徽", "河南", "贵州", "湖州", "江西", "云南"]
WORKSHOPS = ["包漆车间", "绕线车间", "装配车间", "检测车间", "仓储物流"]
SHIFTS = ["白班", "夜班", "两班倒"]
FACILITIES = ["air_conditioning", "wifi", "desk", "water_heater"]


def ensure_sanxing() -> None:
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg

    if not orgs.exists(SANXING):
        platform = Principal(user_id="demo-platform-admin", role=Role.PLATFORM_ADMIN, org_path="zj")
        try:
            orgs.create_node(platform, NewOrg(parent_path="zj/huz/nanxun", slug="e-sanxing",
                                              name="浙江三行电气科技有限公司工会", region_code=None))
        except Conflict:  # another seed created it a moment ago
            pass


def gongjiang_rooms() -> list[dict[str, object]]:
    """121 rooms on floors 1–6: doubles, some quads and singles; floor 6 is for women.
    Rooms 0–59 have residents (60 occupied), the rest are empty."""
    rooms: list[dict[str, object]] = []
    for n in range(121):
        floor = n // 21 + 1
        room_no = f"{floor}{n % 21 + 1:02d}"
        room_type = "quad" if n % 10 == 9 else ("single" if n % 15 == 7 else "double")
        capacity = {"single": 1, "double": 2, "quad": 4}[room_type]
        facilities = FACILITIES + (["own_bathroom"] if n % 3 == 0 else []) + (["balcony"] if n % 2 else [])
        living = 0 if n >= 60 else (1 if n % 2 else capacity - (n % 3 == 0))
        residents = [{"bed_no": b, "resident_ref": f"sx-{n:03d}{b}", "hometown": HOMETOWNS[(n + b) % 8],
                      "workshop": WORKSHOPS[(n * 3 + b) % 5], "shift": SHIFTS[(n + 2 * b) % 3]}
                     for b in range(1, max(1, living) + 1)] if living else []
        rooms.append({"room_no": room_no, "room_type": room_type, "gender": "female" if floor == 6 else "male",
                      "floor": floor, "facilities": facilities, "rent_fen": 0, "residents": residents})
    return rooms


def seed() -> None:
    ensure_sanxing()
    if any(a.building_name == "工匠之家" for a in BuildingAccess.query(SANXING)):
        return
    building = logic.create_building(ADMIN, NewBuilding(org_path=SANXING, name="工匠之家",
                                                        address="湖州市南浔区南浔经济开发区"))
    rooms = gongjiang_rooms()
    for start in range(0, len(rooms), 100):
        logic.import_rooms(ADMIN, building.building_id, RoomImport.model_validate({"rooms": rooms[start:start + 100]}))
    logic.set_rules(ADMIN, SANXING, RulesIn(auto_approve_new_hire_days=7, hold_hours=24, checkin_hours=72))
    logic.save_profile(WORKER, DormProfileIn(gender="male", hometown="重庆", workshop="包漆车间", shift="白班",
                                             entry_date=clock.today_shanghai(), share_hometown=True,
                                             share_workshop=True, share_shift=True))
