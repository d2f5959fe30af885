"""Dormitories, applying: a worker holds one bed (one conditional transaction takes the bed and
creates the worker's single tenancy); the dorm-apply Lambda applies the operator's rules and
completes the application.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor

from .common import (
    APPLICATION_ID,
    BUILDING_ID,
    _app_view,
    _bed_key,
    _free_actions,
    _log,
    _not_found,
    _notify,
    _publish,
    _step,
)
from .housing import _access_for_worker, _profile
from .models import (
    DormApplication,
    DormBed,
    DormRules,
    Tenancy,
    transaction,
)
from .schemas import (
    ApplicationView,
    ApplyForBed,
)

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
