"""Hardship aid, the staff's side: take a step, amounts within the yearly cap, disbursement exactly
once, objections during the public notice, and what is on notice.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import Actor, actor_of, publish
from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import (
    AidApplication,
    AidLedger,
    AidObjection,
    AidPayment,
)
from .rules import (
    AID_TYPES,
    mask_name,
)
from .schemas import (
    AidApplicationView,
    NoticeItem,
    NoticeList,
    ObjectionView,
    StepBody,
)
from .steps import _take, _year_key, _year_total
from .views import FEATURE, _int, _is_staff_over, _load, _transaction, _view
from .workflow import (
    ACTION_NAMES,
    STATE_NAMES,
    Action,
    State,
    Transition,
    may_take,
    transition,
)
from .workflow import Actor as StepActor

# --- the staff's side -------------------------------------------------------------------

def take_step(principal: Principal, app_id: str, body: StepBody) -> AidApplicationView:
    app = _load(app_id)
    if not _is_staff_over(principal, app):
        raise NotFound("找不到该帮扶申请", code="AID_NOT_FOUND")
    if app.state != body.from_state:
        raise Conflict(f"该申请已被处理，当前状态：{STATE_NAMES[State(app.state)]}，请刷新",
                       code="AID_STEP_TAKEN", details=[{"state": app.state}])
    action = Action(body.action)
    found = transition(app.state, action)
    if found is None or found.actor in (StepActor.APPLICANT, StepActor.SYSTEM):
        raise Conflict(f"“{STATE_NAMES[State(app.state)]}”环节不能执行“{ACTION_NAMES[action]}”",
                       code="AID_STEP_OUT_OF_ORDER")
    if not may_take(principal, found.actor, applicant_id=app.user_id, assigned_path=app.assigned_path):
        who = "区（县）总工会" if found.actor is StepActor.DISTRICT_STAFF else "企业工会"
        raise Forbidden(f"该环节需由{who}（{app.assigned_path}）的工作人员办理", code="AID_STEP_NOT_IN_SCOPE")
    opinion = pii.scrub(body.opinion.strip())
    if found.note_required and len(opinion) < 2:
        raise ValidationFailed("退回或不予通过时必须填写意见", code="AID_OPINION_REQUIRED")
    extra = _amount_ops(app, found, body.amount_fen) if found.amount_required else _release_ops(app, action)
    _take(app, action, actor=actor_of(principal), actor_name=principal.name, opinion=opinion,
          amount_fen=body.amount_fen if found.amount_required else None, extra=extra)
    return _view(principal, app)


def _amount_ops(app: AidApplication, found: Transition, amount: int | None) -> Callable[[TransactWrite], None]:
    aid_type = AID_TYPES[app.aid_type]
    if not amount:
        raise ValidationFailed("审核通过时必须填写核定金额（大于0）", code="AID_AMOUNT_REQUIRED")
    used = _year_total(app)
    if used + amount > aid_type.yearly_cap_fen:
        raise ValidationFailed(
            f"超过年度上限：{aid_type.name}每人每年最多 {fen_to_yuan_text(aid_type.yearly_cap_fen)}，"
            f"今年已核定 {fen_to_yuan_text(used)}", code="AID_YEARLY_CAP_REACHED")
    app.approved_fen = amount
    limit = aid_type.yearly_cap_fen - amount

    def ops(tx: TransactWrite) -> None:
        tx.update(AidLedger(_year_key(app)), actions=[AidLedger.total_fen.add(amount),
                                                      AidLedger.updated_at.set(clock.now_iso())],
                  condition=AidLedger.total_fen.does_not_exist() | (AidLedger.total_fen <= limit))

    return ops


def _release_ops(app: AidApplication, action: Action) -> Callable[[TransactWrite], None] | None:
    """A rejection after the amount was fixed gives the year's room back."""
    if action is not Action.REJECT or not app.approved_fen:
        return None
    amount = int(app.approved_fen)

    def ops(tx: TransactWrite) -> None:
        tx.update(AidLedger(_year_key(app)), actions=[AidLedger.total_fen.add(-amount)])

    return ops


def disburse(principal: Principal, app_id: str, amount_fen: int, reference: str) -> AidApplicationView:
    app = _load(app_id)
    if not _is_staff_over(principal, app):
        raise NotFound("找不到该帮扶申请", code="AID_NOT_FOUND")
    found = transition(app.state, Action.DISBURSE)
    if found is not None and not may_take(principal, found.actor, applicant_id=app.user_id,
                                          assigned_path=app.assigned_path):
        raise Forbidden("帮扶金由区（县）总工会发放", code="AID_STEP_NOT_IN_SCOPE")
    record_disbursement(app_id, amount_fen, reference, actor=actor_of(principal), actor_name=principal.name,
                        source="http")
    return _view(principal, _load(app_id))


def record_disbursement(app_id: str, amount_fen: int, reference: str, *, actor: Actor, actor_name: str,
                        source: str) -> bool:
    """Pay once. A repeat with the same reference is a no-op (returns False); anything else
    after a payment is refused. The payment row is written with the application's step in
    one transaction, conditional on no payment for this application existing."""
    existing = _payment(app_id)
    if existing is not None:
        return _same_payment(existing, amount_fen, reference)
    app = _load(app_id)
    if app.state != State.APPROVED.value:
        paid_meanwhile = _payment(app_id)  # another delivery may have paid between the two reads
        if paid_meanwhile is not None:
            return _same_payment(paid_meanwhile, amount_fen, reference)
        raise Conflict(f"当前状态（{STATE_NAMES[State(app.state)]}）不能发放", code="AID_STEP_OUT_OF_ORDER")
    if amount_fen != int(app.approved_fen or 0):
        raise ValidationFailed(f"发放金额应等于核定金额 {fen_to_yuan_text(int(app.approved_fen or 0))}",
                               code="AID_AMOUNT_MISMATCH")
    now = clock.now_iso()
    app.payment_reference, app.disbursed_fen, app.disbursed_at = reference, amount_fen, now

    def ops(tx: TransactWrite) -> None:
        tx.save(AidPayment(app_id, amount_fen=amount_fen, reference=reference, paid_by=actor.user_id, paid_at=now,
                           source=source), condition=AidPayment.app_id.does_not_exist())

    try:
        _take(app, Action.DISBURSE, actor=actor, actor_name=actor_name,
              opinion=f"发放 {fen_to_yuan_text(amount_fen)}，流水号 {reference}", amount_fen=amount_fen, extra=ops,
              conflict=Conflict("该申请已发放", code="AID_ALREADY_DISBURSED"))
    except Conflict:
        again = _payment(app_id)
        if again is not None:
            return _same_payment(again, amount_fen, reference)
        raise
    return True


def _payment(app_id: str) -> AidPayment | None:
    try:
        return AidPayment.get(app_id, consistent_read=True)
    except DoesNotExist:
        return None


def _same_payment(payment: AidPayment, amount_fen: int, reference: str) -> bool:
    if payment.reference == reference and int(payment.amount_fen) == amount_fen:
        return False
    raise Conflict(f"该申请已于 {payment.paid_at} 发放（流水号 {payment.reference}），不能重复发放",
                   code="AID_ALREADY_DISBURSED")


def raise_objection(principal: Principal, app_id: str, text: str) -> ObjectionView:
    app = _load(app_id)
    same_enterprise = principal.role is Role.WORKER and principal.org_path == app.org_path
    if not (same_enterprise or _is_staff_over(principal, app)) or app.state != State.PUBLIC_NOTICE.value \
            or not app.notice_started_at:
        raise NotFound("找不到该公示", code="AID_NOTICE_NOT_FOUND")
    if principal.user_id == app.user_id:
        raise Forbidden("申请人不能对本人的公示提出异议", code="AID_OBJECTION_OWN")
    now = clock.now_iso()
    objection = AidObjection(app_id, f"{now}|{uuid.uuid4().hex[:8]}", raised_by=principal.user_id,
                             raised_role=principal.role.value, text=pii.scrub(text), at=now)
    with dynamo_errors(Conflict("公示状态刚刚变化，请刷新后重试", code="AID_STEP_TAKEN")), _transaction() as tx:
        tx.save(objection)
        tx.update(app, actions=[AidApplication.objection_count.add(1)],
                  condition=AidApplication.state == State.PUBLIC_NOTICE.value)
        publish(FEATURE, "AidObjectionRaised", data={"app_id": app_id}, org=app.org_path, actor=actor_of(principal),
                tx=tx)
    return ObjectionView(at=now, text=objection.text, raised_role=objection.raised_role)


def public_notices(principal: Principal, *, limit: int, cursor: str | None) -> NoticeList:
    """What is on public notice in the caller's enterprise (a worker) or scope (staff)."""
    scope = principal.org_path
    bound = f"aid-notice:{scope}"
    page = AidApplication.by_queue.query(State.PUBLIC_NOTICE.value, AidApplication.queue_sort.startswith(f"{scope}/"),
                                         limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [NoticeItem(app_id=a.app_id, applicant=mask_name(a.applicant_name),
                        aid_type_name=AID_TYPES[a.aid_type].name, approved_fen=_int(a.approved_fen),
                        notice_ends_at=a.notice_ends_at)
             for a in page if a.notice_started_at]
    return NoticeList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))
