"""Dormitories, the shared part: constants, id patterns, view builders, notices and the one event
helper every workflow step uses.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.errors import NotFound
from chalicelib.platform.events import Actor, publish
from chalicelib.platform.money import fen_to_yuan_text

from .models import (
    DormApplication,
    DormBed,
    DormBuilding,
    DormProfile,
    DormRoom,
    StepRecord,
)
from .schemas import (
    TYPE_CN,
    ApplicationView,
    BuildingView,
    RoommateShare,
    RoomView,
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
