"""Demo bookings: the 2026 holiday calendar, a badminton court at 南浔职工之家, the 光年间
恋爱体验馆, a 职工书屋 reading event, a party-building day at 三行电气, 暑期托班, 免费体检,
TCM wellness and calligraphy classes at the 缙云 centre, the union's chartered bus home for the
Spring Festival, and a full 光年间 联谊 the demo worker (陈宏鑫, ``demo-worker``) can join the
waitlist of — ``demo-zhang`` giving up his seat passes it to him.

The demo members are brought over as verified 光年间 1.0 members (identity's own migration
function), so the members-only rules apply to them as to anyone."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.bookings import logic
from chalicelib.bookings.models import BookingActivity
from chalicelib.bookings.schemas import BookingActivityIn, BookingCalendarLoad, BookingSignUp, BookingVenueIn
from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role

NANXUN, XIHU, JINYUN = "zj/huz/nanxun", "zj/hz/xihu", "zj/ls/jinyun"
SANXING = f"{NANXUN}/e-sanxing"
PLATFORM = Principal("demo-platform-admin", Role.PLATFORM_ADMIN, "zj", "省总工会平台管理员")
NANXUN_ADMIN = Principal("demo-nanxun-admin", Role.UNION_ADMIN, NANXUN, "南浔区总工会 杨老师")
XIHU_ADMIN = Principal("demo-xihu-admin", Role.UNION_ADMIN, XIHU, "西湖区总工会 工会干事")
JINYUN_ADMIN = Principal("demo-jinyun-admin", Role.UNION_ADMIN, JINYUN, "缙云县总工会 高老师")
SANXING_ADMIN = Principal("demo-enterprise-admin", Role.ENTERPRISE_ADMIN, SANXING, "三行工会主席 沈嘉俊")
ALL_DAY = {str(d): {"open": "06:00", "close": "22:00"} for d in range(1, 8)}

# 国务院办公厅关于2026年部分节假日安排的通知 (as staff would load it each year).
HOLIDAYS_2026: list[tuple[str, str, str]] = [
    *[(f"2026-01-0{d}", "holiday", "元旦") for d in (1, 2, 3)], ("2026-01-04", "workday", "元旦调休上班"),
    ("2026-02-14", "workday", "春节调休上班"), *[(f"2026-02-{d}", "holiday", "春节") for d in range(15, 24)],
    ("2026-02-28", "workday", "春节调休上班"),
    *[(f"2026-04-0{d}", "holiday", "清明节") for d in (4, 5, 6)],
    *[(f"2026-05-0{d}", "holiday", "劳动节") for d in range(1, 6)], ("2026-05-09", "workday", "劳动节调休上班"),
    *[(f"2026-06-{d}", "holiday", "端午节") for d in (19, 20, 21)],
    ("2026-09-20", "workday", "国庆节调休上班"), *[(f"2026-09-{d}", "holiday", "中秋节") for d in (25, 26, 27)],
    *[(f"2026-10-0{d}", "holiday", "国庆节") for d in range(1, 8)], ("2026-10-10", "workday", "国庆节调休上班"),
]
GLNJ_MEMBERS = [("demo-worker", SANXING, "陈宏鑫"), ("demo-zhang", f"{XIHU}/e-guangnian", "张工"),
                ("demo-he", f"{XIHU}/e-guangnian", "何老师"), ("demo-sun", SANXING, "孙会计")]


def _at(day: date, hhmm: str) -> str:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.SHANGHAI).isoformat()


def _session(day: date, start: str, end: str) -> dict[str, str]:
    return {"starts_at": _at(day, start), "ends_at": _at(day, end)}


def _members() -> None:
    from chalicelib.identity import logic as identity

    records = []
    for n, (user_id, org, name) in enumerate(GLNJ_MEMBERS):
        first17 = f"3305031992030{n + 1}{700 + n:03d}"
        records.append({"user_id": user_id, "id_number": first17 + pii.id_check_digit(first17), "real_name": name,
                        "org_path": org, "enterprise": org.rsplit("/", 1)[-1], "pledged": True})
    identity.load_verified_members(records, source="光年间1.0（演示）", roster_scope="zj")


def _ensure_orgs() -> None:
    from local.demo.dorms import ensure_sanxing

    ensure_sanxing()


def activities(today: date) -> list[tuple[Principal, dict[str, Any]]]:
    soon = today + timedelta(days=3)
    summer = date(today.year + 1, 7, 5) if today.month > 6 else date(today.year, 7, 6)
    spring = date(today.year + 1, 2, 1) if today.month > 1 else date(today.year, 2, 1)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return [
        (NANXUN_ADMIN, {"org_path": NANXUN, "title": "职工书屋 · 《平凡的世界》共读会", "kind": "reading",
                        "capacity": 30, "location": "南浔区职工书屋（南浔职工之家二楼）",
                        "sessions": [_session(soon, "19:00", "21:00")],
                        "questions": [{"key": "book", "label": "最近在读的书", "required": False}]}),
        (SANXING_ADMIN, {"org_path": SANXING, "title": "三行电气党支部 · 主题党日：走进南浔红色教育基地",
                         "kind": "party", "capacity": 40, "location": "南浔区红色教育基地",
                         "sessions": [_session(soon + timedelta(days=2), "09:00", "11:30")]}),
        (NANXUN_ADMIN, {"org_path": NANXUN, "title": "暑期托班（职工子女）", "kind": "childcare", "capacity": 30,
                        "location": "南浔职工之家",
                        "recurrence": {"weekdays": [1, 2, 3, 4, 5], "first_day": summer.isoformat(),
                                       "last_day": (summer + timedelta(days=25)).isoformat(),
                                       "start": "08:00", "end": "17:00"},
                        "questions": [{"key": "child_age", "label": "孩子年龄", "required": True,
                                       "choices": ["6", "7", "8", "9", "10", "11", "12"]}]}),
        (NANXUN_ADMIN, {"org_path": NANXUN, "title": "职工免费体检", "kind": "health", "capacity": 50,
                        "location": "南浔区人民医院体检中心",
                        "sessions": [_session(today + timedelta(days=5), "07:30", "11:00"),
                                     _session(today + timedelta(days=6), "07:30", "11:00")]}),
        (JINYUN_ADMIN, {"org_path": JINYUN, "title": "缙云职工服务中心 · 中医养生课", "kind": "class", "capacity": 20,
                        "location": "缙云县职工服务中心", "audience": {"members_only": False},
                        "recurrence": {"weekdays": [6], "first_day": saturday.isoformat(),
                                       "last_day": (saturday + timedelta(days=49)).isoformat(),
                                       "start": "09:00", "end": "10:30"}}),
        (JINYUN_ADMIN, {"org_path": JINYUN, "title": "缙云职工服务中心 · 书法课", "kind": "class", "capacity": 20,
                        "location": "缙云县职工服务中心", "audience": {"members_only": False},
                        "recurrence": {"weekdays": [6], "first_day": saturday.isoformat(),
                                       "last_day": (saturday + timedelta(days=49)).isoformat(),
                                       "start": "14:00", "end": "15:30"}}),
        (NANXUN_ADMIN, {"org_path": NANXUN, "title": "过年包车返乡 · 南浔—重庆万州", "kind": "bus", "capacity": 45,
                        "seat_numbers": True, "location": "南浔经济开发区 三行电气门口上车",
                        "signup_closes_at": _at(spring - timedelta(days=3), "20:00"),
                        "sessions": [_session(spring, "06:00", "23:00")]}),
        (XIHU_ADMIN, {"org_path": XIHU, "title": "光年间 · 西湖边的夏日联谊", "kind": "glnj", "capacity": 2,
                      "group_by": "gender", "quotas": {"male": 1, "female": 1}, "audience": {"org": "zj"},
                      "location": "西湖区 光年间线下活动空间", "offer_minutes": 60,
                      "sessions": [_session(today + timedelta(days=4), "14:00", "17:00")]}),
    ]


def seed() -> None:
    _ensure_orgs()
    if any(True for _ in BookingActivity.by_owner.query(NANXUN, limit=1)):
        return
    _members()
    logic.load_calendar(PLATFORM, "2026", BookingCalendarLoad.model_validate(
        {"days": [{"day": d, "kind": k, "name": n} for d, k, n in HOLIDAYS_2026]}))
    logic.create_venue(NANXUN_ADMIN, BookingVenueIn.model_validate({
        "org_path": NANXUN, "name": "南浔职工之家 羽毛球场 1 号", "kind": "court", "capacity": 4,
        "location": "南浔区人瑞路 88 号 南浔职工之家", "facilities": ["更衣室", "淋浴", "球拍租借"],
        "hours": ALL_DAY, "rules": {"slot_minutes": 60, "horizon_days": 7, "opens_at": "08:00", "quota_per_day": 1,
                                    "quota_per_week": 3, "cancel_cutoff_minutes": 120}}))
    logic.create_venue(XIHU_ADMIN, BookingVenueIn.model_validate({
        "org_path": XIHU, "name": "光年间 恋爱体验馆", "kind": "love_hall", "capacity": 2, "glnj_only": True,
        "location": "西湖区 光年间线下活动空间", "facilities": ["手作工坊", "咖啡", "桌游"],
        "hours": {str(d): {"open": "10:00", "close": "21:00"} for d in (5, 6, 7)},
        "holiday_hours": {"open": "10:00", "close": "21:00"},
        "rules": {"audience_org": "zj", "slot_minutes": 120, "quota_per_week": 1, "cancel_cutoff_minutes": 240}}))
    created = {}
    for admin, data in activities(clock.today_shanghai()):
        view = logic.create_activity(admin, BookingActivityIn.model_validate(data))
        created[data["kind"]] = view
    # The 联谊 is full: 张工 and 何老师 took its two seats.
    session_id = created["glnj"].sessions[0].session_id
    for user_id, org, name, group in (("demo-zhang", f"{XIHU}/e-guangnian", "张工", "male"),
                                      ("demo-he", f"{XIHU}/e-guangnian", "何老师", "female")):
        logic.sign_up(Principal(user_id, Role.WORKER, org, name), session_id,
                      BookingSignUp(group=group, remind=False))  # type: ignore[arg-type]
