"""Demo: 缙云县社区工会服务中心 with its eight rooms (among them 职工书屋, 调解室 and a
户外劳动者服务站点) and two more outdoor-worker stations in the county (GCJ-02 coordinates);
the centre's month of work, done through the features themselves — activities of the booking
engine held in its rooms, visits scanned with the rooms' codes, labour disputes mediated to an
agreement or a referral — so the union's figures are what the demo did; and 职工书屋 reading
rooms of Hangzhou (national, provincial, municipal, enterprise) and 缙云, with reading events
held through the booking engine.

The history happens on one day of the past (``history_day``): the clock travels there, the
work is done, the clock comes back. The figures arrive through the event pump (the local stack
runs it; tests drain it)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.centres import logic
from chalicelib.centres.models import CentreNearby
from chalicelib.centres.schemas import CentreBody, CentreReadingRoomBody, CentreRoomBody
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role

CENTRE_ORG = "zj/ls/jinyun/c-wuyun"
JINYUN = "zj/ls/jinyun"
ADMIN = Principal(user_id="demo-jinyun-admin", role=Role.UNION_ADMIN, org_path=JINYUN,
                  name="缙云县总工会 高老师")
HZ_ADMIN = Principal(user_id="demo-hz-admin", role=Role.UNION_ADMIN, org_path="zj/hz", name="杭州市总工会 宣教部")
MEDIATOR = Principal(user_id="demo-jinyun-mediator", role=Role.UNION_ADMIN, org_path=CENTRE_ORG,
                     name="缙云县社区工会服务中心 调解员 周老师")
CENTRE = (28.6595, 120.0915)
ROOMS = [
    ("reading_room", "职工书屋", None), ("mediation_room", "劳动争议调解室", None),
    ("outdoor_station", "五云户外劳动者服务站点", None), ("activity_room", "多功能活动室", None),
    ("consultation_room", "心理咨询室", None), ("mother_room", "爱心妈咪小屋", None), ("gym", "职工健身房", None),
    ("other", "法律援助工作站", None),
    ("outdoor_station", "新建镇户外劳动者服务站点", (28.6100, 120.0500)),
    ("outdoor_station", "壶镇户外劳动者服务站点", (28.7600, 120.2300)),
]

# The centre's demo month. Activities: (room, title, sessions that day, attendees per session).
ACTIVITIES = [("多功能活动室", "职工健康讲座", 3, 4), ("职工书屋", "职工书屋 · 共读《平凡的世界》", 2, 3),
              ("心理咨询室", "职工心理减压沙龙", 2, 2)]
SIGNED_UP_EXTRA = 1                      # one more person signs up for each session and does not come
VISITS = {"五云户外劳动者服务站点": 12, "职工书屋": 8, "职工健身房": 6}   # distinct people scanning, per room
MEDIATIONS = [("wage_arrears", "settled"), ("social_insurance", "settled"), ("overtime", "failed")]
DEMO_ENTERPRISE = "zj/ls/jinyun/e-huayuan"

# 职工书屋 of Hangzhou and 缙云: (org, name, level, host organisation, books, (lat, lng) GCJ-02)
READING_ROOMS = [
    ("zj/hz/xihu", "西湖区职工书屋（文三街道）", "national", "西湖区文化馆", 26000, (30.2805, 120.1390)),
    ("zj/hz/xihu", "西湖区总工会职工书屋", "provincial", "西湖区总工会", 12000, (30.2590, 120.1300)),
    ("zj/hz/xihu/e-guangnian", "光年科技职工书屋", "enterprise", "杭州光年科技有限公司", 3000, (30.2790, 120.1210)),
    ("zj/hz", "杭州市职工书屋（工人文化宫）", "municipal", "杭州工人文化宫", 40000, (30.2741, 120.1551)),
    (JINYUN, "缙云县职工书屋", "provincial", "缙云县社区工会服务中心", 8000, (28.6595, 120.0915)),
]
READING_EVENTS = [("西湖区职工书屋（文三街道）", 2, 5), ("杭州市职工书屋（工人文化宫）", 1, 6),
                  ("缙云县职工书屋", 1, 3)]


def history_day(today: date | None = None) -> date:
    """A day of the past inside one month: the 10th of this month once it is two days gone,
    else the 10th of last month."""
    today = today or clock.today_shanghai()
    if today.day > 12:
        return today.replace(day=10)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=10)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    clock.reset()
    clock.travel(moment - clock.now())
    try:
        yield
    finally:
        clock.reset()


def _shanghai(day: date, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.SHANGHAI)


def hold_sessions(organiser: Principal, org_path: str, host: str, *, title: str, kind: str, day: date, sessions: int,
                  attendees: int, people_prefix: str, people_org: str, no_shows: int = 0) -> list[str]:
    """Run an activity of the booking engine hosted by ``host`` on ``day`` (in the past): its
    sessions, the people who sign up, check in (``attendees``) or not (``no_shows``), and the
    closing of the sessions that publishes BookingAttendanceClosed. Returns the session ids."""
    from chalicelib.bookings import logic as bookings
    from chalicelib.bookings.schemas import BookingActivityIn, BookingSignUp

    starts = [_shanghai(day, f"{9 + 2 * i:02d}:00") for i in range(sessions)]
    with at(_shanghai(day - timedelta(days=2), "09:00")):
        activity = bookings.create_activity(organiser, BookingActivityIn.model_validate({
            "org_path": org_path, "title": title, "kind": kind, "capacity": attendees + no_shows + 5, "host": host,
            "audience": {"members_only": False},
            "sessions": [{"starts_at": s.isoformat(), "ends_at": (s + timedelta(hours=1)).isoformat()}
                         for s in starts]}))
        codes: dict[str, list[str]] = {}
        for session in activity.sessions:
            for n in range(attendees + no_shows):
                person = Principal(user_id=f"{people_prefix}-{n:02d}", role=Role.WORKER, org_path=people_org,
                                   name=f"职工{n:02d}")
                entry = bookings.sign_up(person, session.session_id, BookingSignUp(remind=False))
                if n < attendees and entry.checkin_code:
                    codes.setdefault(session.session_id, []).append(entry.checkin_code)
    for session in activity.sessions:
        with at(clock.parse(session.starts_at) - timedelta(minutes=5)):
            for code in codes.get(session.session_id, []):
                bookings.check_in(organiser, code)
    with at(clock.parse(activity.sessions[-1].ends_at) + timedelta(hours=2)):
        bookings.close_sessions()
    return [s.session_id for s in activity.sessions]


def _seed_centre() -> dict[str, str]:
    centre = logic.create_centre(ADMIN, CentreBody(org_path=CENTRE_ORG, name="缙云县社区工会服务中心",
                                                   address="缙云县五云街道", lat=CENTRE[0], lng=CENTRE[1],
                                                   hours="周一至周六 8:30-20:30"))
    rooms = {}
    for kind, name, where in ROOMS:
        lat, lng = where if where else (None, None)
        room = logic.add_room(ADMIN, centre.centre_id, CentreRoomBody(
            kind=kind, name=name, lat=lat, lng=lng, hours="全天" if kind == "outdoor_station" else "8:30-20:30",
            amenities=["drinking_water", "microwave", "charging", "toilet", "rest_seats", "first_aid"]
            if kind == "outdoor_station" else []))
        rooms[name] = f"{centre.centre_id}/{room.room_id}"
    return rooms


def _seed_month(rooms: dict[str, str], day: date) -> None:
    from chalicelib.mediation import logic as mediation
    from chalicelib.mediation.schemas import (
        MediationAgreementBody,
        MediationDecisionBody,
        MediationFailureBody,
        MediationFileBody,
    )

    for i, (room, title, sessions, attendees) in enumerate(ACTIVITIES):
        hold_sessions(ADMIN, JINYUN, rooms[room], title=title, kind="union", day=day, sessions=sessions,
                      attendees=attendees, people_prefix=f"demo-jy-a{i}", people_org=DEMO_ENTERPRISE,
                      no_shows=SIGNED_UP_EXTRA)
    for room, people in VISITS.items():
        centre_id, room_id = rooms[room].split("/")
        code = logic.room_code(ADMIN, centre_id, room_id).code
        with at(_shanghai(day, "12:00")):
            for n in range(people):
                visitor = Principal(user_id=f"demo-jy-v{n:02d}", role=Role.WORKER, org_path=DEMO_ENTERPRISE)
                logic.record_visit(visitor, code)
                logic.record_visit(visitor, code)   # a second scan the same day counts nothing
    employer = Principal(user_id="demo-huayuan-hr", role=Role.ENTERPRISE_ADMIN, org_path=DEMO_ENTERPRISE,
                         name="缙云华源机械 人事")
    district = Principal(user_id="demo-jinyun-admin", role=Role.UNION_ADMIN, org_path=JINYUN, name="高老师")
    for n, (category, outcome) in enumerate(MEDIATIONS):
        worker = Principal(user_id=f"demo-jy-m{n}", role=Role.WORKER, org_path=DEMO_ENTERPRISE, name=f"职工{n}")
        with at(_shanghai(day - timedelta(days=5), "10:00")):
            case = mediation.file_case(worker, MediationFileBody.model_validate({
                "category": category, "respondent_kind": "enterprise", "respondent_org": DEMO_ENTERPRISE,
                "respondent_name": "缙云华源机械有限公司", "claim": "请求依法支付相应款项并补缴相关费用。"}))
            mediation.decide(district, case.case_id, MediationDecisionBody(action="accept"))
            mediation.assign_mediator(district, case.case_id, MEDIATOR.user_id)
        with at(_shanghai(day, "15:00")):
            if outcome == "settled":
                mediation.propose_agreement(MEDIATOR, case.case_id, MediationAgreementBody(
                    text="被申请人于协议签订后十日内一次性支付相应款项。"))
                mediation.confirm_agreement(worker, case.case_id)
                mediation.confirm_agreement(employer, case.case_id)
            else:
                mediation.record_failure(MEDIATOR, case.case_id, MediationFailureBody(
                    reason="双方分歧较大", arbitration_referral="缙云县劳动人事争议仲裁委员会"))


def _seed_reading(day: date) -> None:
    by_name = {}
    for org, name, level, host, books, (lat, lng) in READING_ROOMS:
        _ensure_org(org, f"{host}工会")
        admin = ADMIN if org.startswith(JINYUN) else HZ_ADMIN
        by_name[name] = (org, admin, logic.register_reading_room(admin, CentreReadingRoomBody(
            org_path=org, name=name, level=level, host_org_name=host, book_count=books,  # type: ignore[arg-type]
            hours="周二至周日 9:00-20:30", lat=lat, lng=lng)).rr_id)
    for i, (name, sessions, attendees) in enumerate(READING_EVENTS):
        org, admin, rr_id = by_name[name]
        hold_sessions(admin, org, rr_id, title=f"{name} · 读书分享会", kind="reading", day=day, sessions=sessions,
                      attendees=attendees, people_prefix=f"demo-rd{i}", people_org=org)


def _ensure_org(path: str, name: str) -> None:
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform.errors import Conflict

    if orgs.exists(path):
        return
    parent, slug = path.rsplit("/", 1)
    try:
        orgs.create_node(Principal(user_id="demo-platform-admin", role=Role.PLATFORM_ADMIN, org_path="zj"),
                         NewOrg(parent_path=parent, slug=slug, name=name))
    except Conflict:
        pass


def seed() -> dict[str, Any]:
    from chalicelib.centres import geo

    if any(True for _ in CentreNearby.query(geo.index_cells(*CENTRE)[0], limit=1)):
        return {}  # seeded before
    _ensure_org(CENTRE_ORG, "缙云县社区工会服务中心")
    _ensure_org(DEMO_ENTERPRISE, "缙云华源机械有限公司工会")
    rooms = _seed_centre()
    day = history_day()
    _seed_month(rooms, day)
    _seed_reading(day)
    return {"day": day.isoformat(), "rooms": rooms}
