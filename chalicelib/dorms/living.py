"""Dormitories, living in: check-in, check-out and moving a tenant to another bed.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish

from .applying import _application, _tenancy
from .common import FEATURE, ROOM_NO, _app_view, _bed_key, _free_actions, _log, _notify, _publish, _room_view, _share_of
from .deciding import _admin_application
from .housing import _building_for_admin, _profile, _room
from .models import (
    DormApplication,
    DormBed,
    DormBuilding,
    DormRoom,
    Tenancy,
    transaction,
)
from .schemas import (
    ApplicationView,
    CheckIn,
    Move,
    RoomView,
)

# --- check-in, check-out, move ------------------------------------------------------------------

def check_in(principal: Principal, application_id: str | None, request: CheckIn) -> ApplicationView:
    """Check-in of an approved application (by the admin, or by the worker themself): the held
    bed becomes occupied, the room shows what the new roommate shares, in one transaction."""
    if principal.role is Role.WORKER:
        tenancy = _tenancy(principal.user_id)
        if tenancy is None:
            raise NotFound("没有待入住的宿舍申请", code="DORM_APPLICATION_NOT_FOUND")
        app = _application(tenancy.application_id)
    else:
        app = _admin_application(principal, application_id or "")
    if app.status != "approved":
        raise Conflict("申请尚未通过审批或已办理入住", code="DORM_NOT_APPROVED")
    today = clock.today_shanghai()
    day = request.check_in_date or today
    if day < today - timedelta(days=7) or day > today + timedelta(days=30):
        raise ValidationFailed("入住日期应在近 7 天至未来 30 天之间", code="DORM_CHECKIN_DATE_INVALID")
    bed = DormBed.get(app.building_id, _bed_key(app.room_no, app.bed_no))
    room = DormRoom(app.building_id, app.room_no)
    share = _share_of(_profile(app.user_id))
    now = clock.now_iso()
    with dynamo_errors(Conflict("申请状态已变化，请刷新", code="DORM_APPLICATION_CHANGED")), transaction() as tx:
        tx.update(app, actions=[DormApplication.status.set("checked_in"), DormApplication.hold_bucket.remove(),
                                DormApplication.check_in_date.set(day.isoformat()),
                                DormApplication.checked_in_at.set(now),
                                _log("checked_in", principal.user_id, f"入住日期 {day.isoformat()}")],
                  condition=DormApplication.status == "approved")
        tx.update(bed, actions=[DormBed.status.set("occupied"), DormBed.occupant_id.set(app.user_id),
                                DormBed.since.set(now)],
                  condition=(DormBed.application_id == app.application_id) & (DormBed.status == "held"))
        tx.update(room, actions=[DormRoom.occupied.add(1), DormRoom.roommates[str(app.bed_no)].set(share)],
                  condition=DormRoom.occupied < DormRoom.capacity)
        tx.update(Tenancy(app.user_id), actions=[Tenancy.status.set("living"), Tenancy.since.set(now)],
                  condition=Tenancy.application_id == app.application_id)
        _publish("DormCheckedIn", app, actor_of(principal), tx=tx, status="checked_in", check_in_date=day.isoformat())
    app.refresh()
    _notify(app.user_id, "dorm_checked_in", "已办理入住",
            f"欢迎入住 {app.building_name} {app.room_no} 室 {app.bed_no} 号床。", app.application_id)
    return _app_view(app)


def _occupied_bed(principal: Principal, building_id: str, room_no: str, bed_no: int) -> tuple[DormBuilding, DormBed]:
    building = _building_for_admin(principal, building_id)
    if not ROOM_NO.fullmatch(room_no):
        raise NotFound("找不到该床位", code="DORM_BED_NOT_FOUND")
    try:
        bed = DormBed.get(building_id, _bed_key(room_no, bed_no))
    except DormBed.DoesNotExist as exc:
        raise NotFound("找不到该床位", code="DORM_BED_NOT_FOUND") from exc
    if bed.status != "occupied":
        raise Conflict("该床位当前无人入住", code="DORM_BED_NOT_OCCUPIED")
    return building, bed


def _linked_application(bed: DormBed) -> DormApplication | None:
    if not bed.application_id:
        return None
    try:
        return DormApplication.get(bed.application_id)
    except DormApplication.DoesNotExist:
        return None


def check_out(principal: Principal, building_id: str, room_no: str, bed_no: int) -> RoomView:
    building, bed = _occupied_bed(principal, building_id, room_no, bed_no)
    app = _linked_application(bed)
    now = clock.now_iso()
    changed = Conflict("床位状态已变化，请刷新", code="DORM_BED_CHANGED")
    with dynamo_errors(changed), transaction() as tx:
        tx.update(bed, actions=_free_actions(bed),
                  condition=(DormBed.status == "occupied") & (DormBed.occupant_id == bed.occupant_id))
        tx.update(DormRoom(building_id, room_no), actions=[DormRoom.occupied.add(-1),
                                                           DormRoom.roommates[str(bed_no)].remove()],
                  condition=DormRoom.occupied > 0)
        if app is not None:
            tx.update(app, actions=[DormApplication.status.set("checked_out"), DormApplication.checked_out_at.set(now),
                                    _log("checked_out", principal.user_id)],
                      condition=DormApplication.status == "checked_in")
            tx.delete(Tenancy(app.user_id), condition=Tenancy.application_id == app.application_id)
        publish(FEATURE, "DormCheckedOut", org=building.org_path, actor=actor_of(principal), tx=tx,
                data={"building_id": building_id, "room_no": room_no, "bed_no": bed_no,
                      "application_id": app.application_id if app else None})
    if app is not None:
        _notify(app.user_id, "dorm_checked_out", "已办理退宿",
                f"{app.building_name} {room_no} 室 {bed_no} 号床已退宿。", app.application_id)
    return _room_view(_room(building_id, room_no))


def move(principal: Principal, building_id: str, room_no: str, bed_no: int, request: Move) -> RoomView:
    """Move a resident to another free bed of the same building: the old bed is freed and the
    new one taken in one transaction (the new bed's ``free`` condition settles contention)."""
    building, bed = _occupied_bed(principal, building_id, room_no, bed_no)
    if request.to_room_no == room_no and request.to_bed_no in (None, bed_no):
        raise ValidationFailed("目标床位与当前床位相同", code="DORM_MOVE_SAME_BED")
    targets = list(DormBed.query(building_id, DormBed.bed_key.startswith(f"{request.to_room_no}#")))
    if not targets:
        raise NotFound("找不到目标房间", code="DORM_ROOM_NOT_FOUND")
    if targets[0].gender != bed.gender:
        raise ValidationFailed("目标房间的性别与入住人不符", code="DORM_GENDER_MISMATCH")
    free = [t for t in targets if t.status == "free" and (request.to_bed_no is None or t.bed_no == request.to_bed_no)]
    if not free:
        raise Conflict("目标床位已被占用或房间已满", code="DORM_BED_TAKEN")
    target = free[0]
    app = _linked_application(bed)
    old_room = _room(building_id, room_no)
    share = (old_room.roommates.as_dict() if hasattr(old_room.roommates, "as_dict")
             else dict(old_room.roommates or {})).get(str(bed_no), {})
    now = clock.now_iso()
    with dynamo_errors(Conflict("目标床位刚被占用，请换一个", code="DORM_BED_TAKEN")), transaction() as tx:
        tx.update(bed, actions=_free_actions(bed),
                  condition=(DormBed.status == "occupied") & (DormBed.occupant_id == bed.occupant_id))
        tx.update(target, actions=[DormBed.status.set("occupied"), DormBed.occupant_id.set(bed.occupant_id),
                                   DormBed.since.set(now), DormBed.vacancy_pk.remove(), DormBed.vacancy_sk.remove(),
                                   *([DormBed.application_id.set(bed.application_id)] if bed.application_id else [])],
                  condition=DormBed.status == "free")
        if target.room_no == room_no:
            tx.update(DormRoom(building_id, room_no), actions=[DormRoom.roommates[str(bed_no)].remove(),
                                                               DormRoom.roommates[str(target.bed_no)].set(share)])
        else:
            tx.update(DormRoom(building_id, room_no), actions=[DormRoom.occupied.add(-1),
                                                               DormRoom.roommates[str(bed_no)].remove()])
            tx.update(DormRoom(building_id, target.room_no),
                      actions=[DormRoom.occupied.add(1), DormRoom.roommates[str(target.bed_no)].set(share)],
                      condition=DormRoom.occupied < DormRoom.capacity)
        if app is not None:
            tx.update(app, actions=[DormApplication.room_no.set(target.room_no),
                                    DormApplication.bed_no.set(target.bed_no),
                                    _log("moved", principal.user_id,
                                         f"{room_no}-{bed_no} → {target.room_no}-{target.bed_no}")],
                      condition=DormApplication.status == "checked_in")
            tx.update(Tenancy(app.user_id), actions=[Tenancy.bed_key.set(target.bed_key)],
                      condition=Tenancy.application_id == app.application_id)
        publish(FEATURE, "DormResidentMoved", org=building.org_path, actor=actor_of(principal), tx=tx,
                data={"building_id": building_id, "from": f"{room_no}-{bed_no}",
                      "to": f"{target.room_no}-{target.bed_no}", "application_id": app.application_id if app else None})
    if app is not None:
        _notify(app.user_id, "dorm_moved", "宿舍已调整",
                f"您已调整到 {app.building_name} {target.room_no} 室 {target.bed_no} 号床。", app.application_id)
    return _room_view(_room(building_id, target.room_no))
