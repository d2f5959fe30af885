"""Dormitories, housing: buildings, rooms (import, update, photos), the worker's dorm profile, and
finding a bed (free beds, roommate fit, recommendations).
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors, get_in_scope
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .common import (
    BUILDING_ID,
    FEATURE,
    FIT_WEIGHTS,
    ROOM_NO,
    _bed_key,
    _building_view,
    _not_found,
    _rent_text,
    _room_view,
    _roommates,
    _vacancy,
)
from .models import (
    BuildingAccess,
    DormBed,
    DormBuilding,
    DormProfile,
    DormRoom,
    one_page,
    rooms_by_id,
    transaction,
)
from .schemas import (
    CAPACITY,
    TYPE_CN,
    BuildingList,
    BuildingView,
    DormProfileIn,
    DormProfileView,
    FreeBed,
    FreeBedPage,
    FreeBedQuery,
    ImportResult,
    NewBuilding,
    PhotoUpload,
    RankedBed,
    RankedBedPage,
    RecommendQuery,
    RoomImport,
    RoomList,
    RoommateShare,
    RoomUpdate,
    RoomView,
)

# --- buildings, rooms, import, photos -----------------------------------------------------------

def create_building(principal: Principal, new: NewBuilding) -> BuildingView:
    if not principal.covers(new.org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    from chalicelib.orgs import logic as orgs

    for path in [new.org_path, *new.shared_with]:
        if not orgs.exists(path):
            raise ValidationFailed(f"组织 {path} 不存在", code="ORG_NOT_FOUND")
    building = DormBuilding(f"b-{uuid.uuid4().hex[:12]}", org_path=new.org_path, name=new.name,
                            address=new.address, shared_with=set(new.shared_with) or None,
                            created_at=clock.now_iso())
    with dynamo_errors(Conflict("宿舍楼已存在", code="DORM_BUILDING_EXISTS")), transaction() as tx:
        tx.save(building, condition=DormBuilding.building_id.does_not_exist())
        for path in dict.fromkeys([new.org_path, *new.shared_with]):
            tx.save(BuildingAccess(path, building.building_id, building_name=new.name, owner_path=new.org_path))
        publish(FEATURE, "DormBuildingCreated", org=new.org_path, actor=actor_of(principal), tx=tx,
                data={"building_id": building.building_id, "name": new.name, "shared_with": new.shared_with})
    return _building_view(building)


def _building_for_admin(principal: Principal, building_id: str) -> DormBuilding:
    return get_in_scope(DormBuilding, building_id, principal, not_found=_not_found(), id_pattern=BUILDING_ID)


def _access_for_worker(principal: Principal, building_id: str) -> BuildingAccess:
    """A worker may use the buildings their enterprise runs or shares in a park; others are 404."""
    if not principal.org_path or not BUILDING_ID.fullmatch(building_id):
        raise _not_found()
    try:
        return BuildingAccess.get(principal.org_path, building_id)
    except BuildingAccess.DoesNotExist as exc:
        raise _not_found() from exc


def _check_building(principal: Principal, building_id: str) -> None:
    if principal.role is Role.WORKER:
        _access_for_worker(principal, building_id)
    else:
        _building_for_admin(principal, building_id)


def list_buildings(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> BuildingList:
    """Buildings a worker's enterprise may use, or (staff) those usable by an enterprise in scope."""
    enterprise = principal.org_path if principal.role is Role.WORKER else (org or principal.org_path)
    if not enterprise:
        return BuildingList(items=[])
    if principal.role is not Role.WORKER and not principal.covers(enterprise):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"dorm-buildings:{enterprise}"
    page = BuildingAccess.query(enterprise, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    access = list(page)
    buildings = {b.building_id: b for b in DormBuilding.batch_get([a.building_id for a in access])} if access else {}
    items = [_building_view(buildings[a.building_id]) for a in access if a.building_id in buildings]
    return BuildingList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def import_rooms(principal: Principal, building_id: str, request: RoomImport) -> ImportResult:
    """Bulk import (e.g. the 121 rooms of 工匠之家): each room and its beds in one transaction;
    rooms that already exist are skipped, so a re-run of the same sheet changes nothing."""
    building = _building_for_admin(principal, building_id)
    now = clock.now_iso()
    created, beds, occupied_beds, skipped = 0, 0, 0, []
    for spec in request.rooms:
        capacity = CAPACITY[spec.room_type]
        residents = {r.bed_no: r for r in spec.residents}
        roommates = {str(no): {k: v for k, v in (("hometown", r.hometown), ("workshop", r.workshop),
                                                 ("shift", r.shift)) if v}
                     for no, r in residents.items()}
        room = DormRoom(building_id, spec.room_no, org_path=building.org_path, room_type=spec.room_type,
                        capacity=capacity, gender=spec.gender, floor=spec.floor, facilities=list(spec.facilities),
                        rent_fen=spec.rent_fen, photos=[], occupied=len(residents), roommates=roommates,
                        created_at=now)
        try:
            with transaction() as tx:
                tx.save(room, condition=DormRoom.room_no.does_not_exist())
                for no in range(1, capacity + 1):
                    bed = DormBed(building_id, _bed_key(spec.room_no, no), room_no=spec.room_no, bed_no=no,
                                  org_path=building.org_path, building_name=building.name, gender=spec.gender,
                                  room_type=spec.room_type, floor=spec.floor, facilities=list(spec.facilities),
                                  rent_fen=spec.rent_fen)
                    if no in residents:
                        bed.status, bed.occupant_id, bed.since = "occupied", f"import:{residents[no].resident_ref}", now
                    else:
                        bed.vacancy_pk, bed.vacancy_sk = _vacancy(building_id, spec.gender, spec.room_type,
                                                                  spec.floor, spec.room_no, no)
                    tx.save(bed)
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" in {r.code for r in (exc.cancellation_reasons or []) if r}:
                skipped.append(spec.room_no)
                continue
            raise
        created += 1
        beds += capacity
        occupied_beds += len(residents)
    with transaction() as tx:
        if created:
            tx.update(building, actions=[DormBuilding.rooms.add(created), DormBuilding.beds.add(beds)])
        publish(FEATURE, "DormRoomsImported", org=building.org_path, actor=actor_of(principal), tx=tx,
                data={"building_id": building_id, "created": created, "skipped": skipped, "beds": beds,
                      "occupied_beds": occupied_beds})
    return ImportResult(created=created, skipped=skipped, beds=beds, occupied_beds=occupied_beds)


def _room(building_id: str, room_no: str) -> DormRoom:
    if not ROOM_NO.fullmatch(room_no):
        raise NotFound("找不到该房间", code="DORM_ROOM_NOT_FOUND")
    try:
        return DormRoom.get(building_id, room_no)
    except DormRoom.DoesNotExist as exc:
        raise NotFound("找不到该房间", code="DORM_ROOM_NOT_FOUND") from exc


def update_room(principal: Principal, building_id: str, room_no: str, change: RoomUpdate) -> RoomView:
    building = _building_for_admin(principal, building_id)
    room = _room(building_id, room_no)
    actions: list[Any] = []
    bed_actions: list[Any] = []
    if change.photos is not None:
        bad = [k for k in change.photos if not storage.is_photo_key_of(building_id, k)]
        if bad:
            raise ValidationFailed("照片须先通过上传接口上传到本宿舍楼", code="DORM_PHOTO_INVALID",
                                   details=[{"keys": bad}])
        actions.append(DormRoom.photos.set(change.photos))
    if change.facilities is not None:
        actions.append(DormRoom.facilities.set(list(change.facilities)))
        bed_actions.append(DormBed.facilities.set(list(change.facilities)))
    if change.rent_fen is not None:
        actions.append(DormRoom.rent_fen.set(change.rent_fen))
        bed_actions.append(DormBed.rent_fen.set(change.rent_fen))
    if not actions:
        return _room_view(room)
    with transaction() as tx:
        tx.update(room, actions=actions)
        if bed_actions:
            for bed in DormBed.query(building_id, DormBed.bed_key.startswith(f"{room_no}#")):
                tx.update(bed, actions=bed_actions)
        publish(FEATURE, "DormRoomUpdated", org=building.org_path, actor=actor_of(principal), tx=tx,
                data={"building_id": building_id, "room_no": room_no,
                      "changed": sorted(change.model_dump(exclude_none=True))})
    return _room_view(_room(building_id, room_no))


def photo_upload(principal: Principal, building_id: str, content_type: str) -> PhotoUpload:
    _building_for_admin(principal, building_id)
    return PhotoUpload(**storage.photo_upload(building_id, content_type))


def list_rooms(principal: Principal, building_id: str, *, limit: int, cursor: str | None) -> RoomList:
    _check_building(principal, building_id)
    bound = f"dorm-rooms:{building_id}"
    page = DormRoom.query(building_id, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_room_view(r) for r in page]
    return RoomList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def get_room(principal: Principal, building_id: str, room_no: str) -> RoomView:
    _check_building(principal, building_id)
    return _room_view(_room(building_id, room_no))


# --- the worker's dorm profile ------------------------------------------------------------------

def save_profile(principal: Principal, data: DormProfileIn) -> DormProfileView:
    DormProfile(principal.user_id, gender=data.gender, hometown=data.hometown, workshop=data.workshop,
                job_type=data.job_type, shift=data.shift,
                entry_date=data.entry_date.isoformat() if data.entry_date else None,
                share_hometown="yes" if data.share_hometown else "no",
                share_workshop="yes" if data.share_workshop else "no",
                share_shift="yes" if data.share_shift else "no", updated_at=clock.now_iso()).save()
    return DormProfileView(user_id=principal.user_id, **data.model_dump())


def _profile(user_id: str) -> DormProfile | None:
    try:
        return DormProfile.get(user_id)
    except DormProfile.DoesNotExist:
        return None


def get_profile(principal: Principal) -> DormProfileView:
    profile = _profile(principal.user_id)
    if profile is None:
        raise NotFound("还没有填写宿舍资料", code="DORM_PROFILE_REQUIRED")
    return DormProfileView(
        user_id=profile.user_id, gender=profile.gender, hometown=profile.hometown,  # type: ignore[arg-type]
        workshop=profile.workshop, job_type=profile.job_type, shift=profile.shift,
        entry_date=date.fromisoformat(profile.entry_date) if profile.entry_date else None,
        share_hometown=profile.share_hometown == "yes", share_workshop=profile.share_workshop == "yes",
        share_shift=profile.share_shift == "yes")


# --- finding a bed ------------------------------------------------------------------------------

def _free_bed_page(principal: Principal, building_id: str, *, gender: str | None, room_type: str | None,
                   facilities: list[str], limit: int, cursor: str | None,
                   kind: str) -> tuple[list[FreeBed], str | None]:
    _check_building(principal, building_id)
    if gender is None:
        profile = _profile(principal.user_id) if principal.role is Role.WORKER else None
        if profile is None:
            raise ValidationFailed("请先填写宿舍资料（性别），或在查询中指定性别", code="DORM_PROFILE_REQUIRED")
        gender = profile.gender
    bound = f"dorm-{kind}:{building_id}:{gender}:{room_type}:{','.join(sorted(facilities))}"
    condition = DormBed.vacancy_sk.startswith(f"{room_type}#") if room_type else None
    filt = None
    for facility in facilities:
        clause = DormBed.facilities.contains(facility)
        filt = clause if filt is None else filt & clause
    results = DormBed.vacancy.query(f"{building_id}#{gender}", condition, filter_condition=filt, limit=limit,
                                    page_size=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    beds, last = one_page(DormBed, results)
    rooms = rooms_by_id(building_id, [b.room_no for b in beds])
    items = []
    for bed in beds:
        room = rooms.get(bed.room_no)
        items.append(FreeBed(
            building_id=building_id, room_no=bed.room_no, bed_no=bed.bed_no, room_type=bed.room_type,  # type: ignore[arg-type]
            room_type_cn=TYPE_CN[bed.room_type], gender=bed.gender, floor=bed.floor,  # type: ignore[arg-type]
            facilities=list(bed.facilities or []), rent_fen=int(bed.rent_fen), rent_text=_rent_text(bed.rent_fen),
            roommates=_roommates(room), photos=list(room.photos or []) if room else []))
    return items, encode_cursor(last, bound_to=bound)


def free_beds(principal: Principal, building_id: str, query: FreeBedQuery) -> FreeBedPage:
    """Free beds of a building for one gender (one Query page; items read ≤ ``limit``)."""
    items, cursor = _free_bed_page(principal, building_id, gender=query.gender, room_type=query.room_type,
                                   facilities=list(query.facilities), limit=query.limit, cursor=query.cursor,
                                   kind="free")
    return FreeBedPage(items=items, next_cursor=cursor)


def fit(me: DormProfile | None, roommates: list[RoommateShare]) -> tuple[int, list[str]]:
    """Roommate fit: same hometown 3, same workshop 2, same shift 1 (per roommate who shares it)."""
    if me is None:
        return 0, []
    score, reasons = 0, []
    for field, weight, label in FIT_WEIGHTS:
        mine = getattr(me, field)
        if not mine:
            continue
        same = sum(1 for mate in roommates if getattr(mate, field) == mine)
        if same:
            score += weight * same
            reasons.append(f"{label}（{mine}）{same}人")
    return score, reasons


def recommend(principal: Principal, building_id: str, query: RecommendQuery) -> RankedBedPage:
    """Rank a window of free beds (one Query page, ≤ ``window`` items read) by roommate fit."""
    me = _profile(principal.user_id)
    if me is None:
        raise ValidationFailed("请先填写宿舍资料，才能按室友匹配推荐", code="DORM_PROFILE_REQUIRED")
    items, cursor = _free_bed_page(principal, building_id, gender=me.gender, room_type=query.room_type,
                                   facilities=list(query.facilities), limit=query.window, cursor=query.cursor,
                                   kind="fit")
    ranked = []
    for bed in items:
        score, reasons = fit(me, bed.roommates)
        if not bed.roommates:
            text = "空房间，可自选床位"
        elif reasons:
            text = "、".join(reasons)
        else:
            text = "暂无共同点"
        ranked.append(RankedBed(**bed.model_dump(), score=score, reasons=reasons, reason=text))
    ranked.sort(key=lambda b: (-b.score, b.room_no, b.bed_no))
    return RankedBedPage(items=ranked, next_cursor=cursor)
