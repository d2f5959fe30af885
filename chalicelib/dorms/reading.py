"""Dormitories, reading: a worker's dorm and applications, the admin's queue, occupancy and speed
figures, the dorm notices.
"""
from __future__ import annotations

import statistics

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import NotFound
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .applying import _application, _tenancy
from .common import _app_view, _room_view, _roommates, _within
from .housing import _room
from .models import (
    BuildingAccess,
    DormApplication,
    DormBed,
)
from .schemas import (
    ApplicationPage,
    ApplicationView,
    BuildingOccupancy,
    MyDorm,
    NoticePage,
    NoticeView,
    Occupancy,
    QueueQuery,
)

# --- reading applications -----------------------------------------------------------------------

def my_dorm(principal: Principal) -> MyDorm:
    tenancy = _tenancy(principal.user_id)
    if tenancy is None:
        return MyDorm()
    app = _application(tenancy.application_id)
    room = None
    if app.status == "checked_in":
        found = _room(app.building_id, app.room_no)
        room = _room_view(found)
        room.roommates = _roommates(found, except_bed=int(app.bed_no))  # the others in the room
    return MyDorm(application=_app_view(app), room=room)


def get_application(principal: Principal, application_id: str) -> ApplicationView:
    app = _application(application_id)
    if principal.role is Role.WORKER:
        if app.user_id != principal.user_id:
            raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND")
    elif not principal.covers(app.org_path):
        raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND")
    return _app_view(app)


def application_queue(principal: Principal, query: QueueQuery) -> ApplicationPage:
    scope = query.org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"dorm-queue:{scope}:{query.status}"
    page = DormApplication.by_status.query(query.status, DormApplication.scope_key.startswith(f"{scope}"),
                                           limit=query.limit,
                                           last_evaluated_key=decode_cursor(query.cursor, bound_to=bound))
    items = [_app_view(a) for a in page if principal.covers(a.org_path) and _within(a.org_path, scope)]
    return ApplicationPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- for the union: occupancy and speed ----------------------------------------------------------

MAX_BUILDINGS = 50
SPEED_SAMPLE = 200


def occupancy(principal: Principal, org: str | None) -> Occupancy:
    """Occupancy per building of an enterprise — or of the enterprises directly under a district
    union — (a Query of each building's beds), the pending queue, and the time from application
    to check-in over the latest check-ins."""
    scope = org or principal.org_path
    if not scope or not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    access = [a for a in BuildingAccess.query(scope, limit=MAX_BUILDINGS) if a.owner_path == scope]
    if not access:  # a district union: the buildings its enterprises run
        from chalicelib.orgs import logic as orgs

        for child in orgs.children(scope, limit=MAX_BUILDINGS, cursor=None).items:
            access += [a for a in BuildingAccess.query(child.path, limit=MAX_BUILDINGS) if a.owner_path == child.path]
            if len(access) >= MAX_BUILDINGS:
                break
    buildings = []
    for a in access:
        counts = {"free": 0, "held": 0, "occupied": 0}
        rooms: dict[str, int] = {}
        for bed in DormBed.query(a.building_id, attributes_to_get=["room_no", "status"]):
            counts[bed.status] = counts.get(bed.status, 0) + 1
            rooms[bed.room_no] = rooms.get(bed.room_no, 0) + (bed.status == "occupied")
        beds = sum(counts.values())
        buildings.append(BuildingOccupancy(
            building_id=a.building_id, name=a.building_name, org_path=a.owner_path, rooms=len(rooms),
            rooms_occupied=sum(1 for n in rooms.values() if n), beds=beds, beds_occupied=counts["occupied"],
            beds_held=counts["held"], beds_free=counts["free"],
            occupancy_rate=round(counts["occupied"] / beds, 3) if beds else 0.0))
    pending = DormApplication.by_status.count("pending", DormApplication.scope_key.startswith(scope))
    hours = []
    for app in DormApplication.by_status.query("checked_in", DormApplication.scope_key.startswith(scope),
                                               scan_index_forward=False, limit=SPEED_SAMPLE):
        if app.checked_in_at:
            delta = clock.parse(app.checked_in_at) - clock.parse(app.created_at)
            hours.append(delta.total_seconds() / 3600)
    return Occupancy(
        org_path=scope, buildings=buildings, rooms=sum(b.rooms for b in buildings),
        rooms_occupied=sum(b.rooms_occupied for b in buildings), beds=sum(b.beds for b in buildings),
        beds_occupied=sum(b.beds_occupied for b in buildings), beds_held=sum(b.beds_held for b in buildings),
        beds_free=sum(b.beds_free for b in buildings), pending=pending, checked_in_sampled=len(hours),
        median_hours_to_check_in=round(statistics.median(hours), 2) if hours else None,
        within_24h_rate=round(sum(1 for h in hours if h <= 24) / len(hours), 3) if hours else None)


# --- notices: the dorm view of the person's inbox ------------------------------------------------

def notices(principal: Principal, *, limit: int, cursor: str | None) -> NoticePage:
    """The caller's dorm notices: their inbox filtered to the dorms kind (one bounded Query)."""
    from chalicelib.inbox.logic import page as inbox_page

    found = inbox_page(principal.user_id, kind="dorms", limit=limit, cursor=cursor)
    items = [NoticeView(at=i.created_at, template=i.meta.get("template", ""), title=i.title, body=i.body,
                        application_id=i.meta.get("application_id")) for i in found.items]
    return NoticePage(items=items, next_cursor=found.next_cursor)
