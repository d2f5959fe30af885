"""Dormitories: what the feature does (no HTTP, no boto3).

A bed's life: free → held (a worker applies; one conditional transaction takes the bed and
creates the worker's single tenancy) → the dorm-apply Lambda applies the operator's rules
(auto-approve new hires, or queue for the union admin) → approved → occupied (check-in) →
free (check-out), or free again when rejected, cancelled or the hold expires.
"""
from __future__ import annotations

import re
import statistics
import uuid
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors, get_in_scope
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish
from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import (
    BuildingAccess,
    DormApplication,
    DormBed,
    DormBuilding,
    DormProfile,
    DormRoom,
    DormRules,
    StepRecord,
    Tenancy,
    one_page,
    rooms_by_id,
    transaction,
)
from .schemas import (
    CAPACITY,
    TYPE_CN,
    ApplicationPage,
    ApplicationView,
    ApplyForBed,
    BuildingList,
    BuildingOccupancy,
    BuildingView,
    CheckIn,
    Decision,
    DormProfileIn,
    DormProfileView,
    FreeBed,
    FreeBedPage,
    FreeBedQuery,
    ImportResult,
    Move,
    MyDorm,
    NewBuilding,
    NoticePage,
    NoticeView,
    Occupancy,
    PhotoUpload,
    QueueQuery,
    RankedBed,
    RankedBedPage,
    RecommendQuery,
    RoomImport,
    RoomList,
    RoommateShare,
    RoomUpdate,
    RoomView,
    RulesIn,
    RulesView,
    StepView,
)

FEATURE = "dorms"
HOLDING = ("submitted", "pending", "approved")
STATUS_CN = {"submitted": "已提交，床位已保留", "pending": "待工会审批", "approved": "已通过，待入住",
             "checked_in": "已入住", "checked_out": "已退宿", "rejected": "未通过", "expired": "已过期，床位已释放",
             "cancelled": "已取消"}
FIT_WEIGHTS = (("hometown", 3, "同乡"), ("workshop", 2, "同车间"), ("shift", 1, "同班次"))

BUILDING_NOT_FOUND = ("找不到该宿舍楼", "DORM_BUILDING_NOT_FOUND")


# --- small helpers ------------------------------------------------------------------------------

def _not_found(message: str = "找不到该宿舍楼", code: str = "DORM_BUILDING_NOT_FOUND") -> NotFound:
    return NotFound(message, code=code)


BUILDING_ID = re.compile(r"b-[a-z0-9]{6,24}")
ROOM_NO = re.compile(r"[A-Za-z0-9-]{1,12}")
APPLICATION_ID = re.compile(r"da-[a-z0-9]{6,32}")


def _within(org_path: str, scope: str) -> bool:
    return org_path == scope or org_path.startswith(scope + "/")


def _bed_key(room_no: str, bed_no: float) -> str:
    return f"{room_no}#{int(bed_no):02d}"


def _vacancy(building_id: str, gender: str, room_type: str, *where: float | str) -> tuple[str, str]:
    """GSI key of a free bed; ``where`` is (floor, room number, bed number)."""
    floor, room_no, bed_no = int(where[0]), str(where[1]), int(where[2])
    return f"{building_id}#{gender}", f"{room_type}#{floor + 100:03d}#{room_no}#{bed_no:02d}"


def _free_actions(bed: DormBed) -> list[Any]:
    pk, sk = _vacancy(bed.building_id, bed.gender, bed.room_type, bed.floor, bed.room_no, bed.bed_no)
    return [DormBed.status.set("free"), DormBed.vacancy_pk.set(pk), DormBed.vacancy_sk.set(sk),
            DormBed.application_id.remove(), DormBed.occupant_id.remove(), DormBed.since.remove()]


def _step(step: str, actor: str, note: str | None = None) -> StepRecord:
    return StepRecord(at=clock.now_iso(), step=step, actor=actor, note=note)


def _log(step: str, actor: str, note: str | None = None) -> Any:
    """The update action appending one step to an application's record."""
    return DormApplication.steps.set(DormApplication.steps.append([_step(step, actor, note)]))


def _share_of(profile: DormProfile | None) -> dict[str, str]:
    if profile is None:
        return {}
    share: dict[str, str] = {}
    for field in ("hometown", "workshop", "shift"):
        value = getattr(profile, field)
        if value and getattr(profile, f"share_{field}") == "yes":
            share[field] = value
    return share


def _roommates(room: DormRoom | None, *, except_bed: int | None = None) -> list[RoommateShare]:
    if room is None:
        return []
    raw = room.roommates.as_dict() if hasattr(room.roommates, "as_dict") else dict(room.roommates or {})
    return [RoommateShare(**{k: v for k, v in (share or {}).items() if k in ("hometown", "workshop", "shift")})
            for bed, share in sorted(raw.items()) if except_bed is None or bed != str(except_bed)]


def _rent_text(fen: float) -> str:
    return "免费" if not fen else f"{fen_to_yuan_text(int(fen))}/月"


def _room_view(room: DormRoom) -> RoomView:
    return RoomView(building_id=room.building_id, room_no=room.room_no, room_type=room.room_type,  # type: ignore[arg-type]
                    room_type_cn=TYPE_CN[room.room_type], gender=room.gender, floor=room.floor,  # type: ignore[arg-type]
                    facilities=list(room.facilities or []), rent_fen=int(room.rent_fen),
                    rent_text=_rent_text(room.rent_fen), photos=list(room.photos or []),
                    capacity=int(room.capacity), occupied=int(room.occupied),
                    roommates=_roommates(room))


def _building_view(b: DormBuilding) -> BuildingView:
    return BuildingView(building_id=b.building_id, org_path=b.org_path, name=b.name, address=b.address,
                        shared_with=sorted(b.shared_with or []), rooms=int(b.rooms), beds=int(b.beds))


def _app_view(app: DormApplication) -> ApplicationView:
    return ApplicationView(
        application_id=app.application_id, user_id=app.user_id, building_id=app.building_id,
        building_name=app.building_name, room_no=app.room_no, bed_no=int(app.bed_no), status=app.status,  # type: ignore[arg-type]
        status_cn=STATUS_CN.get(app.status, app.status), created_at=app.created_at,
        hold_expires=app.hold_expires if app.status in HOLDING else None, decided_at=app.decided_at,
        reason=app.reason, auto_approved=app.auto_approved == "yes", check_in_date=app.check_in_date,
        checked_in_at=app.checked_in_at, checked_out_at=app.checked_out_at,
        steps=[StepView(at=s.at, step=s.step, actor=s.actor, note=s.note) for s in (app.steps or [])])


def _notify(user_id: str, template: str, title: str, body: str, application_id: str | None = None) -> None:
    """Tell the worker through the platform notice path: their inbox, and a push to their channel."""
    from chalicelib.platform.notices import NoticePush, request_notice

    request_notice(user_id, kind="dorms", title=title, body=body, link=DORM_PAGE,
                   dedup_key=f"dorms:{uuid.uuid4().hex}", occurred_at=clock.now_iso(),
                   meta={"template": template, "application_id": application_id},
                   push=NoticePush(template=template, data={"title": title, "body": body}, page=DORM_PAGE))


DORM_PAGE = "pages/dorm/index"


def _publish(detail_type: str, app: DormApplication, actor: Actor, *, tx: TransactWrite, status: str,
             **extra: Any) -> None:
    """Stage the application's event in ``tx``, the transaction that moves it to ``status``."""
    publish(FEATURE, detail_type, org=app.org_path, actor=actor, tx=tx,
            data={"application_id": app.application_id, "user_id": app.user_id, "building_id": app.building_id,
                  "room_no": app.room_no, "bed_no": app.bed_no, "status": status, **extra})


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
                data={"building_id": building_id, "created": created, "skipped": skipped, "beds": beds})
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


# --- applying: hold one bed ---------------------------------------------------------------------

def _tenancy(user_id: str) -> Tenancy | None:
    try:
        return Tenancy.get(user_id)
    except Tenancy.DoesNotExist:
        return None


def _holding_refusal(user_id: str) -> Conflict | None:
    """The worker already holds a bed or lives in one — say which (their own second request
    may just have lost to their first); None when they hold nothing."""
    try:
        tenancy = Tenancy.get(user_id, consistent_read=True)
    except Tenancy.DoesNotExist:
        return None
    room_no, _, bed_no = tenancy.bed_key.partition("#")
    what = "已入住" if tenancy.status == "living" else "已占到"
    return Conflict(f"您{what} {room_no} 室 {int(bed_no or 0)} 号床，不能重复申请"
                    "（一人只能有一个床位或一份办理中的申请）",
                    code="DORM_ALREADY_HOLDING",
                    details=[{"application_id": tenancy.application_id, "building_id": tenancy.building_id,
                              "room_no": room_no, "bed_no": int(bed_no or 0), "status": tenancy.status,
                              "since": tenancy.since}])


def _taken(user_id: str, conflict: Conflict) -> Conflict:
    """"Room full" / "bed taken" — unless it is the worker's own hold that took it."""
    return _holding_refusal(user_id) or conflict


APPLY_FIELDS = ["building_id", "bed_key", "room_no", "bed_no", "status", "org_path", "building_name", "gender"]


def apply_for_bed(principal: Principal, request: ApplyForBed) -> ApplicationView:
    """Hold one bed at once. The bed's ``status = free`` condition and the worker's single
    ``Tenancy`` item are checked in one transaction: a bed is never given twice and a worker
    never holds two. The dorm-apply Lambda then applies the rules."""
    if not principal.org_path or not BUILDING_ID.fullmatch(request.building_id):
        raise _not_found()
    beds = list(DormBed.query(request.building_id, DormBed.bed_key.startswith(f"{request.room_no}#"),
                              attributes_to_get=APPLY_FIELDS))
    if not beds or beds[0].org_path != principal.org_path:
        # not the worker's own enterprise's dorm: only a park dorm shared with it may be used
        _access_for_worker(principal, request.building_id)
    if not beds:
        raise NotFound("找不到该房间", code="DORM_ROOM_NOT_FOUND")
    profile = _profile(principal.user_id)
    if profile is None:
        raise ValidationFailed("请先填写宿舍资料（性别、家乡、车间、入职日期）", code="DORM_PROFILE_REQUIRED")
    if beds[0].gender != profile.gender:
        raise ValidationFailed("该房间为{}宿舍，与您的性别不符".format("男" if beds[0].gender == "male" else "女"),
                               code="DORM_GENDER_MISMATCH")
    if request.bed_no is not None:
        chosen = [b for b in beds if b.bed_no == request.bed_no]
        if not chosen:
            raise NotFound("找不到该床位", code="DORM_BED_NOT_FOUND")
        if chosen[0].status != "free":
            raise _taken(principal.user_id, Conflict("该床位已被占用", code="DORM_BED_TAKEN"))
        candidates = chosen
    else:
        candidates = [b for b in beds if b.status == "free"]
        if not candidates:
            raise _taken(principal.user_id, Conflict("该房间已住满", code="DORM_ROOM_FULL"))
    building_name = beds[0].building_name or _access_for_worker(principal, request.building_id).building_name
    rules = _rules(beds[0].org_path)
    now = clock.now()
    expires = clock.isoformat(now + timedelta(hours=rules.hold_hours))
    app_id = f"da-{uuid.uuid4().hex[:20]}"
    for bed in candidates:
        app = DormApplication(
            app_id, user_id=principal.user_id, worker_org=principal.org_path, org_path=bed.org_path,
            building_id=bed.building_id, building_name=building_name, room_no=bed.room_no, bed_no=bed.bed_no,
            status="submitted", scope_key=f"{bed.org_path}#{clock.isoformat(now)}#{app_id}",
            created_at=clock.isoformat(now), hold_bucket="hold", hold_expires=expires,
            steps=[_step("submitted", principal.user_id,
                         f"申请 {building_name} {bed.room_no} 室 {bed.bed_no} 号床")])
        try:
            with transaction() as tx:
                tx.update(bed, actions=[DormBed.status.set("held"), DormBed.application_id.set(app_id),
                                        DormBed.since.set(clock.isoformat(now)), DormBed.vacancy_pk.remove(),
                                        DormBed.vacancy_sk.remove()],
                          condition=DormBed.status == "free")
                tx.save(Tenancy(principal.user_id, application_id=app_id, building_id=bed.building_id,
                                bed_key=bed.bed_key, status="holding", since=clock.isoformat(now)),
                        condition=Tenancy.user_id.does_not_exist())
                tx.save(app, condition=DormApplication.application_id.does_not_exist())
        except TransactWriteError as exc:
            reasons = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
            codes = {c for c in reasons if c}
            if not codes <= {"ConditionalCheckFailed", "TransactionConflict"} or not codes:
                raise
            # PynamoDB orders the items puts first: [0] is the worker's Tenancy
            if reasons and reasons[0] == "ConditionalCheckFailed":
                refusal = _holding_refusal(principal.user_id)
                if refusal is not None:
                    raise refusal from exc
            continue  # someone took this bed a moment ago: try the next free one
        from chalicelib.platform.queues import send

        from .specs import APPLY_QUEUE

        send(APPLY_QUEUE, {"application_id": app_id})
        app.version = 1
        return _app_view(app)
    if request.bed_no is not None:
        raise _taken(principal.user_id, Conflict("该床位已被占用", code="DORM_BED_TAKEN"))
    raise _taken(principal.user_id, Conflict("该房间已住满", code="DORM_ROOM_FULL"))


def _hours_from_now(hours: float) -> str:
    return clock.isoformat(clock.now() + timedelta(hours=hours))


def _rules(org_path: str) -> DormRules:
    try:
        return DormRules.get(org_path)
    except DormRules.DoesNotExist:
        return DormRules(org_path, auto_approve_new_hire_days=None, hold_hours=24, checkin_hours=72,
                         updated_at=clock.now_iso())


def _application(application_id: str) -> DormApplication:
    if not APPLICATION_ID.fullmatch(application_id):
        raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND")
    try:
        return DormApplication.get(application_id)
    except DormApplication.DoesNotExist as exc:
        raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND") from exc


def complete_application(application_id: str) -> str:
    """The dorm-apply Lambda's work: the operator's rules auto-approve (a new hire within N days
    of entry) or send the application to the union admin's queue. Runs once per application:
    the status condition makes a redelivery a no-op."""
    try:
        app = DormApplication.get(application_id)
    except DormApplication.DoesNotExist:
        return "missing"
    if app.status != "submitted":
        return app.status
    rules = _rules(app.org_path)
    profile = _profile(app.user_id)
    today = clock.today_shanghai()
    auto = False
    note = "等待工会审批"
    if rules.auto_approve_new_hire_days is not None and profile is not None and profile.entry_date:
        days = (today - date.fromisoformat(profile.entry_date)).days
        if 0 <= days <= rules.auto_approve_new_hire_days:
            auto = True
            note = f"入职 {days} 天的新员工，按企业规则自动通过"
    status = "approved" if auto else "pending"
    actions: list[Any] = [DormApplication.status.set(status), _log(status, "system", note)]
    if auto:
        actions += [DormApplication.decided_at.set(clock.now_iso()), DormApplication.decided_by.set("system"),
                    DormApplication.auto_approved.set("yes"),
                    DormApplication.hold_expires.set(_hours_from_now(rules.checkin_hours))]
    try:
        with dynamo_errors(), transaction() as tx:
            tx.update(app, actions=actions, condition=DormApplication.status == "submitted")
            _publish("DormApplicationAutoApproved" if auto else "DormApplicationSubmitted", app, SYSTEM, tx=tx,
                     status=status)
    except Conflict:
        return "raced"
    if auto:
        _notify(app.user_id, "dorm_approved", "宿舍申请已通过",
                f"{app.building_name} {app.room_no} 室 {app.bed_no} 号床已为您保留，请在期限内办理入住。",
                application_id)
    else:
        _notify(app.user_id, "dorm_submitted", "宿舍申请已提交",
                f"已为您保留 {app.building_name} {app.room_no} 室 {app.bed_no} 号床，等待工会审批。", application_id)
    return status


def complete_stale_submissions(*, older_than_minutes: int = 5, batch: int = 100) -> int:
    """A safety net for the dorm-apply queue: an application still "submitted" minutes after the
    worker applied (its message lost) is completed by the schedule instead."""
    cutoff = clock.isoformat(clock.now() - timedelta(minutes=older_than_minutes))
    done = 0
    for app in DormApplication.by_status.query("submitted", limit=batch):
        if app.created_at <= cutoff and complete_application(app.application_id) in ("approved", "pending"):
            done += 1
    return done


def _release(app: DormApplication, *, status: str, actor: str, note: str, allowed: tuple[str, ...],
             conflict: Conflict, event: tuple[str, Actor, dict[str, Any]]) -> None:
    """Give the held bed back and end the worker's tenancy, in one transaction with ``event``
    (detail type, actor, extra data)."""
    bed = DormBed.get(app.building_id, _bed_key(app.room_no, app.bed_no))
    now = clock.now_iso()
    step = _step(status, actor, note)
    with dynamo_errors(conflict), transaction() as tx:
        tx.update(app, actions=[DormApplication.status.set(status), DormApplication.hold_bucket.remove(),
                                DormApplication.decided_at.set(now), DormApplication.decided_by.set(actor),
                                DormApplication.reason.set(note),
                                DormApplication.steps.set(DormApplication.steps.append([step]))],
                  condition=DormApplication.status.is_in(*allowed))
        tx.update(bed, actions=_free_actions(bed),
                  condition=(DormBed.application_id == app.application_id) & (DormBed.status == "held"))
        tx.delete(Tenancy(app.user_id), condition=Tenancy.application_id == app.application_id)
        detail_type, event_actor, extra = event
        _publish(detail_type, app, event_actor, tx=tx, status=status, **extra)
    app.status, app.hold_bucket, app.decided_at, app.decided_by, app.reason = status, None, now, actor, note
    app.steps = [*(app.steps or []), step]


def _admin_application(principal: Principal, application_id: str) -> DormApplication:
    app = _application(application_id)
    if not principal.covers(app.org_path):
        raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND")
    return app


def _decided_elsewhere(app: DormApplication) -> Conflict:
    """What a deciding admin is told when the application is no longer theirs to decide: who or
    what decided it (another admin, the enterprise's automatic rule, the worker, the expiry)."""
    if app.status == "submitted":
        return Conflict("该申请正在按企业规则自动审核（通常几秒内完成），请稍后刷新", code="DORM_AUTO_REVIEW_PENDING")
    if app.auto_approved == "yes":
        return Conflict("该申请已由企业规则自动通过（如新入职员工），无需再审批", code="DORM_ALREADY_DECIDED")
    by_whom = {"cancelled": "申请人已取消该申请", "expired": "床位保留已过期，该申请已失效",
               "checked_in": "申请人已入住", "checked_out": "申请人已退宿"}
    if app.status in by_whom:
        return Conflict(by_whom[app.status], code="DORM_ALREADY_DECIDED")
    return Conflict(f"该申请已被其他管理员处理（{STATUS_CN.get(app.status, app.status)}），请刷新",
                    code="DORM_ALREADY_DECIDED")


def decide(principal: Principal, application_id: str, decision: Decision) -> ApplicationView:
    """The union/enterprise admin approves or rejects a pending application. Two admins acting at
    once: the status condition and the version let exactly one win; the other gets 409, which
    says who or what decided instead (another admin, the automatic rule, the worker)."""
    app = _admin_application(principal, application_id)
    if app.status != "pending":
        raise _decided_elsewhere(app)
    try:
        return _decide_pending(principal, app, decision)
    except Conflict as exc:
        if exc.code != "DORM_ALREADY_DECIDED":
            raise
        raise _decided_elsewhere(DormApplication.get(application_id, consistent_read=True)) from None


def _decide_pending(principal: Principal, app: DormApplication, decision: Decision) -> ApplicationView:
    application_id = app.application_id
    taken = Conflict("该申请已被其他管理员处理，请刷新", code="DORM_ALREADY_DECIDED")
    actor = principal.user_id
    if decision.approve:
        rules = _rules(app.org_path)
        now, hold_expires = clock.now_iso(), _hours_from_now(rules.checkin_hours)
        step = _step("approved", actor, decision.reason)
        with dynamo_errors(taken), transaction() as tx:
            tx.update(app, actions=[
                DormApplication.status.set("approved"), DormApplication.decided_at.set(now),
                DormApplication.decided_by.set(actor), DormApplication.reason.set(decision.reason or ""),
                DormApplication.hold_expires.set(hold_expires),
                DormApplication.steps.set(DormApplication.steps.append([step]))],
                condition=DormApplication.status == "pending")
            _publish("DormApplicationApproved", app, actor_of(principal), tx=tx, status="approved")
        # the transaction answers nothing: the view shows what it wrote (no read-back)
        app.status, app.decided_at, app.decided_by, app.reason = "approved", now, actor, decision.reason or ""
        app.hold_expires, app.steps = hold_expires, [*(app.steps or []), step]
        _notify(app.user_id, "dorm_approved", "宿舍申请已通过",
                f"{app.building_name} {app.room_no} 室 {app.bed_no} 号床已为您保留，请尽快办理入住。", application_id)
    else:
        _release(app, status="rejected", actor=actor, note=decision.reason or "", allowed=("pending",),
                 conflict=taken, event=("DormApplicationRejected", actor_of(principal), {"reason": decision.reason}))
        _notify(app.user_id, "dorm_rejected", "宿舍申请未通过", f"原因：{decision.reason}", application_id)
    return _app_view(app)  # the view shows what the transaction wrote


def cancel_my_application(principal: Principal) -> ApplicationView:
    tenancy = _tenancy(principal.user_id)
    if tenancy is None or tenancy.status != "holding":
        raise NotFound("没有可取消的宿舍申请", code="DORM_APPLICATION_NOT_FOUND")
    app = _application(tenancy.application_id)
    _release(app, status="cancelled", actor=principal.user_id, note="本人取消", allowed=HOLDING,
             conflict=Conflict("申请状态已变化，请刷新", code="DORM_APPLICATION_CHANGED"),
             event=("DormApplicationCancelled", actor_of(principal), {}))
    return _app_view(app)


def expire_holds(*, batch: int = 100) -> int:
    """The hold-expiry schedule: release every bed whose hold passed its deadline unconfirmed."""
    now = clock.now_iso()
    released = 0
    for app in DormApplication.holds_by_expiry.query("hold", DormApplication.hold_expires <= now, page_size=batch):
        if app.status not in HOLDING:
            continue
        try:
            _release(app, status="expired", actor="system", note="超过保留期限未确认，床位已释放", allowed=HOLDING,
                     conflict=Conflict(code="DORM_APPLICATION_CHANGED"), event=("DormHoldExpired", SYSTEM, {}))
        except Conflict:
            continue  # decided or checked in meanwhile
        released += 1
        _notify(app.user_id, "dorm_expired", "宿舍床位保留已过期",
                f"{app.building_name} {app.room_no} 室 {app.bed_no} 号床保留已到期并释放，如仍需住宿请重新申请。",
                app.application_id)
    return released


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


# --- rules --------------------------------------------------------------------------------------

def set_rules(principal: Principal, org_path: str, rules: RulesIn) -> RulesView:
    if not principal.covers(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    with transaction() as tx:
        tx.save(DormRules(org_path, auto_approve_new_hire_days=rules.auto_approve_new_hire_days,
                          hold_hours=rules.hold_hours, checkin_hours=rules.checkin_hours, updated_at=clock.now_iso()))
        publish(FEATURE, "DormRulesChanged", org=org_path, actor=actor_of(principal), tx=tx, data=rules.model_dump())
    return RulesView(org_path=org_path, **rules.model_dump())


def get_rules(principal: Principal, org_path: str) -> RulesView:
    if not principal.covers(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    rules = _rules(org_path)
    days = rules.auto_approve_new_hire_days
    return RulesView(org_path=org_path, auto_approve_new_hire_days=None if days is None else int(days),
                     hold_hours=int(rules.hold_hours), checkin_hours=int(rules.checkin_hours))


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
