"""职工书屋 reading rooms: the registry (level, host organisation, hours, book count, GCJ-02
location) and the union's figures of reading events and participants per room, org node and
year. Reading events are activities of the booking engine hosted by a room (``host`` =
``rr-…``); when a session closes, bookings publishes ``BookingAttendanceClosed`` and the
centre-figures queue adds it here once (a marker in the same transaction), for the room's
node and every node above it. Reads are Queries and GetItems, never a Scan."""
from __future__ import annotations

import uuid
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import NotFound, ValidationFailed
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import geo
from .models import CentreCounted, ReadingFigure, ReadingRoom
from .schemas import (
    READING_LEVEL_NAMES,
    CentreReadingFigureRow,
    CentreReadingFiguresView,
    CentreReadingRoomBody,
    CentreReadingRoomPage,
    CentreReadingRoomView,
)

READING_ROOM_NOT_FOUND = NotFound("找不到该职工书屋", code="CENTRE_READING_ROOM_NOT_FOUND")
LEVELS = ("national", "provincial", "municipal", "enterprise")


def _ancestors(org_path: str) -> list[str]:
    parts = org_path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _city(org_path: str) -> str:
    return "/".join(org_path.split("/")[:2])


def _view(room: ReadingRoom) -> CentreReadingRoomView:
    return CentreReadingRoomView(
        rr_id=room.rr_id, org_path=room.org_path, name=room.name, level=room.level,  # type: ignore[arg-type]
        level_name=READING_LEVEL_NAMES[room.level], host_org_name=room.host_org_name, hours=room.hours,
        book_count=int(room.book_count), address=room.address, lat=float(room.lat), lng=float(room.lng),
        coordinate_system="GCJ-02")


def _connection() -> Any:
    return ReadingRoom._get_connection().connection


def register(principal: Principal, body: CentreReadingRoomBody) -> CentreReadingRoomView:
    """A union admin registers a reading room under a node of their scope; the room and the
    per-level counts of the node and every node above it move in one transaction."""
    from chalicelib.orgs import logic as orgs

    if not principal.covers(body.org_path) or not orgs.exists(body.org_path):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    if len(body.org_path.split("/")) < 2:
        raise ValidationFailed("职工书屋应登记在市级或以下的组织节点", code="CENTRE_READING_ROOM_ORG_TOO_HIGH")
    if not geo.in_china(body.lat, body.lng):
        raise ValidationFailed("坐标不在中国境内（请使用 GCJ-02 坐标）", code="CENTRE_COORDINATES_OUTSIDE_CHINA",
                               details=[{"lat": body.lat, "lng": body.lng}])
    rr_id = f"rr-{uuid.uuid4().hex[:12]}"
    room = ReadingRoom(rr_id, org_path=body.org_path, city=_city(body.org_path), org_key=f"{body.org_path}/#{rr_id}",
                       name=body.name, level=body.level, host_org_name=body.host_org_name, hours=body.hours,
                       book_count=body.book_count, address=body.address, lat=body.lat, lng=body.lng,
                       created_at=clock.now_iso())
    with dynamo_errors(), TransactWrite(connection=_connection()) as tx:
        tx.save(room, condition=ReadingRoom.rr_id.does_not_exist())
        for node in _ancestors(body.org_path):
            tx.update(ReadingFigure(node, "rooms"), actions=[getattr(ReadingFigure, body.level).add(1)])
    return _view(room)


def get(rr_id: str) -> ReadingRoom:
    if not rr_id.startswith("rr-") or len(rr_id) > 20:
        raise READING_ROOM_NOT_FOUND
    try:
        return ReadingRoom.get(rr_id)
    except ReadingRoom.DoesNotExist as exc:
        raise READING_ROOM_NOT_FOUND from exc


def listing(principal: Principal, org: str | None, level: str | None, *, limit: int,
            cursor: str | None) -> CentreReadingRoomPage:
    """Reading rooms of an org subtree at city level or below (default: the caller's city), one
    Query of at most ``limit`` items (a level filter may leave a page short; follow the cursor)."""
    node = org or _city(principal.org_path)
    if len(node.split("/")) < 2:
        raise ValidationFailed("请指定市级或以下的组织节点", code="CENTRE_READING_ROOM_ORG_TOO_HIGH")
    bound = f"reading-rooms:{node}:{level or '*'}"
    condition = ReadingRoom.level == level if level else None
    results = ReadingRoom.by_city.query(_city(node), ReadingRoom.org_key.startswith(f"{node}/"), limit=limit,
                                        filter_condition=condition,
                                        last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_view(r) for r in results]
    return CentreReadingRoomPage(items=items, next_cursor=encode_cursor(results.last_evaluated_key, bound_to=bound))


def host_org(rr_id: str) -> str | None:
    try:
        return str(ReadingRoom.get(rr_id, attributes_to_get=["org_path"]).org_path)
    except ReadingRoom.DoesNotExist:
        return None


def count_session(data: dict[str, Any]) -> bool:
    """One closed reading-event session: +1 event and + its attended people, for the room's
    year, on the room's node and every node above it (totals and the room's own row), once."""
    try:
        room = ReadingRoom.get(str(data["host"]))
    except ReadingRoom.DoesNotExist:
        return False
    year, attended = str(data["day"])[:4], int(data.get("attended") or 0)
    adds: list[Any] = [ReadingFigure.events.add(int(data.get("sessions") or 1)),
                       ReadingFigure.participants.add(attended)]
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(CentreCounted(f"reading#{data['ref']}", at=clock.now_iso()),
                    condition=CentreCounted.key.does_not_exist())
            for node in _ancestors(room.org_path):
                tx.update(ReadingFigure(node, year), actions=adds)
                tx.update(ReadingFigure(node, f"{year}#{room.rr_id}"),
                          actions=[*adds, ReadingFigure.room_name.set(room.name), ReadingFigure.level.set(room.level)])
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False
        raise
    return True


def figures(principal: Principal, org: str | None, year: str, *, limit: int,
            cursor: str | None) -> CentreReadingFiguresView:
    """The node's year: events and participants in total, rooms per level, and one row per room
    under it (a page of at most ``limit``): one Query and one GetItem."""
    node = org or principal.org_path
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(node):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    bound = f"reading-figures:{node}:{year}"
    start = decode_cursor(cursor, bound_to=bound)
    try:
        row = ReadingFigure.get(node, year)
        total = (int(row.events), int(row.participants))
    except ReadingFigure.DoesNotExist:
        total = (0, 0)
    results = ReadingFigure.query(node, ReadingFigure.key.startswith(f"{year}#"), limit=limit,
                                  last_evaluated_key=start)
    rows = [CentreReadingFigureRow(rr_id=r.key.split("#", 1)[1], name=r.room_name or "", level=r.level or "",
                                   level_name=READING_LEVEL_NAMES.get(r.level or "", ""), events=int(r.events),
                                   participants=int(r.participants)) for r in results]
    try:
        levels = ReadingFigure.get(node, "rooms")
        by_level = {level: int(getattr(levels, level) or 0) for level in LEVELS}
    except ReadingFigure.DoesNotExist:
        by_level = dict.fromkeys(LEVELS, 0)
    return CentreReadingFiguresView(org_path=node, year=year, events=total[0], participants=total[1],
                                    rooms_by_level=by_level, rooms=rows,
                                    next_cursor=encode_cursor(results.last_evaluated_key, bound_to=bound))
