"""Service centres, rooms and stations; nearby search; visits; monthly figures.

Coordinates are GCJ-02 throughout (see ``geo``). A visit is recorded once per person per room per
day (a conditional put keyed on the Asia/Shanghai day) and published as an event; the figures
queue counts it once per (room, day, person) however often it is delivered, in one transaction
with the increments of the centre's org node and every node above it.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, events
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import BadRequest, NotFound, ValidationFailed
from chalicelib.platform.events import DomainEvent

from . import geo, reading
from .models import Centre, CentreCell, CentreCounted, CentreFigure, CentreNearby, CentreRoom, CentreVisit
from .schemas import (
    KIND_NAMES,
    CentreBody,
    CentreFiguresView,
    CentreNearbyItem,
    CentreNearbyList,
    CentreNearbyQuery,
    CentrePatch,
    CentrePhotoTicket,
    CentrePhotoUploadBody,
    CentreReadingRoomView,
    CentreRoomBody,
    CentreRoomCode,
    CentreRoomPatch,
    CentreRoomView,
    CentreView,
    CentreVisitView,
)
from .specs import FEATURE, VISIT_RECORDED

CENTRE_NOT_FOUND = NotFound("找不到该服务中心", code="CENTRE_NOT_FOUND")
ROOM_NOT_FOUND = NotFound("找不到该房间或站点", code="CENTRE_ROOM_NOT_FOUND")


def check_china(lat: float, lng: float) -> None:
    if not geo.in_china(lat, lng):
        raise ValidationFailed("坐标不在中国境内（请使用 GCJ-02 坐标）", code="CENTRE_COORDINATES_OUTSIDE_CHINA",
                               details=[{"lat": lat, "lng": lng}])


def _urls(keys: list[str]) -> list[str]:
    if not keys:
        return []
    from . import storage

    return [storage.view_url(k) for k in keys]


def _room_view(room: CentreRoom) -> CentreRoomView:
    return CentreRoomView(room_id=room.room_id, kind=room.kind, kind_name=KIND_NAMES.get(room.kind, room.kind),
                          name=room.name, hours=room.hours, amenities=list(room.amenities), photos=list(room.photos),
                          photo_urls=_urls(list(room.photos)),
                          lat=float(room.lat), lng=float(room.lng), closed=bool(room.closed),
                          closed_note=room.closed_note)


def _centre_view(centre: Centre, rooms: list[CentreRoom]) -> CentreView:
    return CentreView(coordinate_system="GCJ-02",
                      centre_id=centre.centre_id, org_path=centre.org_path, name=centre.name, address=centre.address,
                      lat=float(centre.lat), lng=float(centre.lng), hours=centre.hours, photos=list(centre.photos),
                      photo_urls=_urls(list(centre.photos)), rooms=[_room_view(r) for r in rooms])


def _centre(centre_id: str) -> Centre:
    try:
        return Centre.get(centre_id)
    except Centre.DoesNotExist as exc:
        raise CENTRE_NOT_FOUND from exc


def _centre_in_scope(principal: Principal, centre_id: str) -> Centre:
    centre = _centre(centre_id)
    if not principal.covers(centre.org_path):
        raise CENTRE_NOT_FOUND
    return centre


def _connection() -> Connection:
    return CentreRoom._get_connection().connection


def _checked_photos(keys: list[str], prefix: str) -> list[str]:
    """Photo keys must be uploads of this centre (or room) that really arrived (HeadObject each)."""
    from . import storage

    wrong = [k for k in keys if not k.startswith(prefix) or ".." in k or not storage.uploaded(k)]
    if wrong:
        raise ValidationFailed("照片须先通过本中心的上传地址上传", code="CENTRE_PHOTO_INVALID",
                               details=[{"photo": k, "expected_prefix": prefix} for k in wrong])
    return list(dict.fromkeys(keys))


def photo_upload(principal: Principal, centre_id: str, body: CentrePhotoUploadBody) -> CentrePhotoTicket:
    """A presigned POST for one photo of the centre or one of its rooms: the key is under the
    centre (and room), the type and size are enforced by S3 itself."""
    from . import storage

    _centre_in_scope(principal, centre_id)
    if body.size_bytes > storage.MAX_PHOTO_BYTES:
        raise ValidationFailed("照片不能超过 5 MB", code="CENTRE_PHOTO_TOO_LARGE",
                               details=[{"max_bytes": storage.MAX_PHOTO_BYTES}])
    if body.room_id is not None:
        _room(centre_id, body.room_id)
    folder = f"centres/{centre_id}/{body.room_id}" if body.room_id else f"centres/{centre_id}"
    key = f"{folder}/{uuid.uuid4().hex[:16]}.{storage.CONTENT_TYPES[body.content_type]}"
    post = storage.presign_upload(key, body.content_type, body.size_bytes)
    return CentrePhotoTicket(key=key, url=post["url"], fields={k: str(v) for k, v in post["fields"].items()},
                             max_bytes=body.size_bytes, expires_in=storage.EXPIRES_IN)


def _room(centre_id: str, room_id: str) -> CentreRoom:
    try:
        return CentreRoom.get(centre_id, room_id)
    except CentreRoom.DoesNotExist as exc:
        raise ROOM_NOT_FOUND from exc


def update_centre(principal: Principal, centre_id: str, patch: CentrePatch) -> CentreView:
    """Staff keep a centre current: name, address, hours, photos. A new name is written into the
    nearby index of each of its rooms too."""
    centre = _centre_in_scope(principal, centre_id)
    if patch.photos is not None:
        centre.photos = _checked_photos(patch.photos, f"centres/{centre_id}/")
    renamed = patch.name is not None and patch.name != centre.name
    for field in ("name", "address", "hours"):
        if getattr(patch, field) is not None:
            setattr(centre, field, getattr(patch, field))
    centre.save()
    rooms = list(CentreRoom.query(centre_id, limit=200))
    if renamed:
        with CentreNearby.batch_write() as batch:
            for room in rooms:
                for item in _index_items(centre, room):
                    batch.save(item)
    return _centre_view(centre, rooms)


def create_centre(principal: Principal, body: CentreBody) -> CentreView:
    if not principal.covers(body.org_path):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    check_china(body.lat, body.lng)
    if body.photos:  # photos are uploaded under the centre, once it exists
        raise ValidationFailed("请先创建中心，再通过中心的上传地址上传照片", code="CENTRE_PHOTO_INVALID",
                               details=[{"photo": k} for k in body.photos])
    centre = Centre(f"ct-{uuid.uuid4().hex[:12]}", org_path=body.org_path, name=body.name, address=body.address,
                    lat=body.lat, lng=body.lng, hours=body.hours, photos=body.photos, created_at=clock.now_iso())
    centre.save(condition=Centre.centre_id.does_not_exist())
    return _centre_view(centre, [])


def get_centre(centre_id: str) -> CentreView:
    centre = _centre(centre_id)
    return _centre_view(centre, list(CentreRoom.query(centre_id, limit=200)))


def _index_items(centre: Centre, room: CentreRoom) -> list[CentreNearby]:
    """The room under its cell at every level of the nearby index (``geo.LEVELS``)."""
    return [CentreNearby(cell, f"{centre.centre_id}#{room.room_id}", kind=room.kind, name=room.name,
                         centre_name=centre.name, lat=room.lat, lng=room.lng, closed=room.closed, hours=room.hours,
                         amenities=list(room.amenities)) for cell in geo.index_cells(float(room.lat), float(room.lng))]


def add_room(principal: Principal, centre_id: str, body: CentreRoomBody) -> CentreRoomView:
    centre = _centre_in_scope(principal, centre_id)
    if (body.lat is None) != (body.lng is None):
        raise ValidationFailed("经纬度须同时填写", code="CENTRE_COORDINATES_INCOMPLETE")
    lat = body.lat if body.lat is not None else float(centre.lat)
    lng = body.lng if body.lng is not None else float(centre.lng)
    check_china(lat, lng)
    photos = _checked_photos(body.photos, f"centres/{centre_id}/")
    room = CentreRoom(centre_id, f"r-{uuid.uuid4().hex[:10]}", kind=body.kind, name=body.name, hours=body.hours,
                      amenities=list(body.amenities), photos=photos, lat=lat, lng=lng,
                      cell=geo.cell_of(lat, lng), org_path=centre.org_path)
    with dynamo_errors(), TransactWrite(connection=_connection()) as tx:
        tx.save(room, condition=CentreRoom.room_id.does_not_exist())
        for item in _index_items(centre, room):
            tx.save(item)
            tx.update(CentreCell(item.cell), actions=[CentreCell.stations.add(1)])
    return _room_view(room)


def update_room(principal: Principal, centre_id: str, room_id: str, patch: CentreRoomPatch) -> CentreRoomView:
    centre = _centre_in_scope(principal, centre_id)
    room = _room(centre_id, room_id)
    if patch.photos is not None:
        room.photos = _checked_photos(patch.photos, f"centres/{centre_id}/{room_id}/")
    if patch.name is not None:
        room.name = patch.name
    if patch.closed is not None:
        room.closed = patch.closed
        room.closed_note = patch.closed_note if patch.closed else None
    if patch.hours is not None:
        room.hours = patch.hours
    if patch.amenities is not None:
        room.amenities = list(patch.amenities)
    with dynamo_errors(), TransactWrite(connection=_connection()) as tx:
        tx.save(room)
        for item in _index_items(centre, room):
            tx.save(item)
    return _room_view(room)


def read_cell(cell: str) -> list[geo.Point]:
    return [geo.Point(i.room_key, float(i.lat), float(i.lng), i) for i in CentreNearby.query(cell)]


def read_counts(cells: list[str]) -> dict[str, int]:
    """How many rooms each cell holds (one BatchGetItem per 100 cells; a missing cell holds none)."""
    found = {c.cell: int(c.stations or 0) for c in CentreCell.batch_get(cells)}
    return {cell: found.get(cell, 0) for cell in cells}


def nearby(query: CentreNearbyQuery) -> CentreNearbyList:
    check_china(query.lat, query.lng)

    def keep(point: geo.Point) -> bool:
        item: CentreNearby = point.ref
        return not item.closed and (query.kind is None or item.kind == query.kind)

    search = geo.nearest(query.lat, query.lng, query.limit, read_cell, read_counts, keep=keep)
    items = []
    for distance, point in search.found:
        item: CentreNearby = point.ref
        centre_id, room_id = item.room_key.split("#", 1)
        items.append(CentreNearbyItem(centre_id=centre_id, room_id=room_id, name=item.name,
                                      centre_name=item.centre_name, kind=item.kind,
                                      kind_name=KIND_NAMES.get(item.kind, item.kind), lat=float(item.lat),
                                      lng=float(item.lng), distance_m=round(distance), hours=item.hours,
                                      amenities=list(item.amenities)))
    return CentreNearbyList(coordinate_system="GCJ-02", items=items, radius_m=round(search.radius_m),
                            max_radius_m=geo.MAX_RADIUS_M)


# --- visits ------------------------------------------------------------------------------------

def _code_key() -> bytes:
    from chalicelib.platform.parameters import secret
    from chalicelib.platform.settings import get_settings

    master = secret(get_settings().jwt_key_parameter).encode()
    return hmac.new(master, b"gonghui/centres/room-code", hashlib.sha256).digest()


def _signature(centre_id: str, room_id: str) -> str:
    return hmac.new(_code_key(), f"{centre_id}.{room_id}".encode(), hashlib.sha256).hexdigest()[:20]


def room_code(principal: Principal, centre_id: str, room_id: str) -> CentreRoomCode:
    _centre_in_scope(principal, centre_id)
    try:
        CentreRoom.get(centre_id, room_id)
    except CentreRoom.DoesNotExist as exc:
        raise ROOM_NOT_FOUND from exc
    return CentreRoomCode(code=f"{centre_id}.{room_id}.{_signature(centre_id, room_id)}")


def record_visit(principal: Principal, code: str) -> CentreVisitView:
    parts = code.split(".")
    if len(parts) != 3 or not hmac.compare_digest(parts[2], _signature(parts[0], parts[1])):
        raise BadRequest("房间码无效，请扫描服务中心张贴的二维码", code="CENTRE_CODE_INVALID")
    centre_id, room_id = parts[0], parts[1]
    try:
        room = CentreRoom.get(centre_id, room_id)
    except CentreRoom.DoesNotExist as exc:
        raise ROOM_NOT_FOUND from exc
    day = clock.today_shanghai().isoformat()
    room_day = f"{centre_id}#{room_id}#{day}"
    visit = CentreVisit(room_day, principal.user_id, at=clock.now_iso(), by="scan")
    first = True
    try:  # the visit and its event are one transaction (the outbox): a second scan today stages nothing
        with TransactWrite(connection=_connection()) as tx:
            tx.save(visit, condition=CentreVisit.user_id.does_not_exist())
            events.publish(FEATURE, VISIT_RECORDED, actor=events.actor_of(principal), org=room.org_path,
                           event_id=f"visit-{room_day}-{principal.user_id}", tx=tx,
                           data={"room_day": room_day, "user_id": principal.user_id, "org_path": room.org_path,
                                 "month": day[:7]})
    except TransactWriteError as exc:
        if not _condition_failed(exc):
            raise
        first = False
    return CentreVisitView(centre_id=centre_id, room_id=room_id, day=day, first_today=first)


# --- figures -----------------------------------------------------------------------------------

def _ancestors(org_path: str) -> list[str]:
    parts = org_path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def count(key: str, org_path: str, month: str, metric: str | dict[str, int]) -> bool:
    """Add one to ``metric`` (or each of ``{metric: amount}``) for the org node and every node
    above it, once per ``key``."""
    amounts = {metric: 1} if isinstance(metric, str) else metric
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(CentreCounted(key, at=clock.now_iso()), condition=CentreCounted.key.does_not_exist())
            for node in _ancestors(org_path):
                tx.update(CentreFigure(node, month),
                          actions=[getattr(CentreFigure, name).add(n) for name, n in amounts.items()])
    except TransactWriteError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def _condition_failed(exc: TransactWriteError) -> bool:
    reasons = exc.cancellation_reasons or []
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def count_event(detail_type: str, event: DomainEvent) -> bool:
    data: dict[str, Any] = event.data
    if detail_type == VISIT_RECORDED:
        return count(f"visit#{data['room_day']}#{data['user_id']}", str(data["org_path"]), str(data["month"]),
                     "people_served")
    if detail_type == "MediationCaseClosed" and data.get("outcome") in ("settled", "failed"):
        month = clock.to_shanghai(clock.parse(str(data["closed_at"]))).strftime("%Y-%m")
        return count(f"mediation#{data['case_id']}", str(data["org_path"]), month, "mediations")
    if detail_type == "BookingAttendanceClosed" and data.get("host"):
        return count_hosted_session(data)
    return False


def host_org(host: str) -> str | None:
    """For bookings: the org node of an activity's host — a centre room (``<centre>/<room>``) or
    a reading room (``rr-…``) — or None when there is no such place."""
    if host.startswith("rr-"):
        return reading.host_org(host)
    centre_id, _, room_id = host.partition("/")
    try:
        return str(CentreRoom.get(centre_id, room_id, attributes_to_get=["org_path"]).org_path)
    except CentreRoom.DoesNotExist:
        return None


def count_hosted_session(data: dict[str, Any]) -> bool:
    """A closed session of an activity held in a centre's room (one more activity held and its
    attended people, for the month of the session) or in a reading room (its reading figures)."""
    host = str(data["host"])
    if host.startswith("rr-"):
        return reading.count_session(data)
    centre_id, _, room_id = host.partition("/")
    try:
        room = CentreRoom.get(centre_id, room_id)
    except CentreRoom.DoesNotExist:
        return False
    return count(f"activity#{data['ref']}", room.org_path, str(data["day"])[:7],
                 {"activities": int(data.get("sessions") or 1), "participants": int(data.get("attended") or 0)})


def figures(principal: Principal, org: str | None, month: str) -> CentreFiguresView:
    node = org or principal.org_path
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(node):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    try:
        figure = CentreFigure.get(node, month)
        served, activities, mediations = int(figure.people_served), int(figure.activities), int(figure.mediations)
        participants = int(figure.participants or 0)
    except CentreFigure.DoesNotExist:
        served = activities = mediations = participants = 0
    return CentreFiguresView(org_path=node, month=month, people_served=served, activities=activities,
                             participants=participants, mediations=mediations)


# --- 职工书屋 reading rooms (see ``reading``) ----------------------------------------------------

register_reading_room = reading.register
reading_rooms = reading.listing
reading_figures = reading.figures


def get_reading_room(rr_id: str) -> CentreReadingRoomView:
    return reading._view(reading.get(rr_id))


