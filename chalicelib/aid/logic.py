"""Hardship aid: a worker applies, union staff take each step, the aid-step Lambda notifies,
runs the public notice and escalates what waits too long; money is paid exactly once.

Every step goes through ``_take``: the workflow table says where it leads, one DynamoDB
transaction writes the application (guarded by its version, so of two admins acting at once
exactly one wins), the step record and any ledger change, and an ``AidStepTaken`` event
follows for the aid-step Lambda.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import batch_get_tables, dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor, DomainEvent, actor_of, publish
from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import (
    AidApplication,
    AidDocument,
    AidFigure,
    AidLedger,
    AidObjection,
    AidPayment,
    AidScopeSettings,
    AidStep,
)
from .rules import (
    AID_TYPES,
    DEFAULT_ESCALATE_AFTER_DAYS,
    DEFAULT_NOTICE_DAYS,
    DOC_KINDS,
    STEP_EVENT,
    mask_bank_card,
    mask_name,
    median_from_histogram,
    per_capita_income_fen,
)
from .schemas import (
    AidApplicationSummary,
    AidApplicationView,
    AidDraftBody,
    AidDraftPatch,
    AidFigures,
    AidPage,
    AidTypeList,
    AidTypeView,
    DocumentView,
    NoticeItem,
    NoticeList,
    NotificationList,
    NotificationView,
    ObjectionView,
    ScopeSettingsBody,
    ScopeSettingsView,
    StepBody,
    TimelineEntry,
    UploadRequest,
    UploadTicket,
)
from .workflow import (
    ACTION_NAMES,
    CLOSED_STATES,
    REVIEW_STATES,
    SHORT_STATE_NAMES,
    STATE_NAMES,
    Action,
    State,
    Transition,
    allowed_actions,
    district_of,
    may_take,
    parent_path,
    target,
    transition,
)
from .workflow import Actor as StepActor

FEATURE = "aid"
MAX_DOCUMENTS = 20
EDITABLE = (State.DRAFT.value, State.NEEDS_CHANGES.value)
STAFF_ROLES = (Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN)


def _transaction() -> TransactWrite:
    """A transaction on the models' own (cached) connection."""
    return TransactWrite(connection=AidApplication._get_connection().connection)


# --- reading ----------------------------------------------------------------------------

def _load(app_id: str) -> AidApplication:
    try:
        return AidApplication.get(app_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("找不到该帮扶申请", code="AID_NOT_FOUND") from exc


def _is_owner(principal: Principal, app: AidApplication) -> bool:
    return principal.role is Role.WORKER and principal.user_id == app.user_id


def _is_staff_over(principal: Principal, app: AidApplication) -> bool:
    return principal.role in STAFF_ROLES and principal.covers(app.org_path)


def _visible(principal: Principal, app_id: str) -> AidApplication:
    """The application if the caller may see it; otherwise it does not exist for them."""
    app = _load(app_id)
    if not (_is_owner(principal, app) or _is_staff_over(principal, app)):
        raise NotFound("找不到该帮扶申请", code="AID_NOT_FOUND")
    return app


def _own(principal: Principal, app_id: str) -> AidApplication:
    app = _load(app_id)
    if not _is_owner(principal, app):
        raise NotFound("找不到该帮扶申请", code="AID_NOT_FOUND")
    return app


def _queue_sort(org_path: str, entered_at: str, app_id: str) -> str:
    return f"{org_path}/|{entered_at}|{app_id}"


def _missing_documents(app: AidApplication, *, check_storage: bool) -> list[str]:
    required = AID_TYPES[app.aid_type].required_docs
    stored = storage.keys_under(f"aid/{app.app_id}/") if check_storage and app.documents else set()
    have: set[str] = set()
    for doc in app.documents:
        if doc.kind in required and doc.kind not in have and (not check_storage or doc.key in stored):
            have.add(doc.kind)
    return [kind for kind in required if kind not in have]


def _timeline(app_id: str, steps: list[AidStep] | None = None) -> list[TimelineEntry]:
    if steps is None:
        steps = list(AidStep.query(app_id, limit=200, consistent_read=True))
    return [TimelineEntry(seq=int(s.seq), action=s.action, action_name=ACTION_NAMES[Action(s.action)],
                          from_state=s.from_state, to_state=s.to_state, to_state_name=STATE_NAMES[State(s.to_state)],
                          actor_role=s.actor_role, actor_name=s.actor_name, opinion=s.opinion,
                          amount_fen=_int(s.amount_fen), at=s.at) for s in steps]


def _next_actions(principal: Principal, app: AidApplication) -> list[str]:
    actions = []
    for action in allowed_actions(app.state):
        found = transition(app.state, action)
        if found and may_take(principal, found.actor, applicant_id=app.user_id, assigned_path=app.assigned_path):
            actions.append(action.value)
    return actions


def _view(principal: Principal, app: AidApplication, *, detail: bool = True,
          steps: list[AidStep] | None = None) -> AidApplicationView:
    objections: list[ObjectionView] = []
    if detail and principal.role in STAFF_ROLES and app.objection_count:
        objections = [ObjectionView(at=o.at, text=o.text, raised_role=o.raised_role)
                      for o in AidObjection.query(app.app_id, limit=100)]
    return AidApplicationView(
        app_id=app.app_id, aid_type=app.aid_type, aid_type_name=AID_TYPES[app.aid_type].name,
        state=app.state, state_name=STATE_NAMES[State(app.state)], org_path=app.org_path,  # type: ignore[arg-type]
        applicant_name=app.applicant_name, household_size=int(app.household_size),
        household_income_fen=int(app.household_income_fen), per_capita_income_fen=int(app.per_capita_income_fen),
        requested_fen=int(app.requested_fen), approved_fen=_int(app.approved_fen), description=app.description,
        documents=[DocumentView(kind=d.kind, kind_name=DOC_KINDS.get(d.kind, d.kind), filename=d.filename,
                                uploaded_at=d.uploaded_at) for d in app.documents],
        missing_documents=_missing_documents(app, check_storage=False) if app.state in EDITABLE else [],
        bank_card=app.bank_card_masked, bank_name=app.bank_name, last_note=app.last_note,
        assigned_path=app.assigned_path, escalations=int(app.escalations), notice_ends_at=app.notice_ends_at,
        objection_count=int(app.objection_count), payment_reference=app.payment_reference,
        disbursed_fen=_int(app.disbursed_fen), disbursed_at=app.disbursed_at, created_at=app.created_at,
        submitted_at=app.submitted_at, version=int(app.version or 0), next_actions=_next_actions(principal, app),
        timeline=_timeline(app.app_id, steps) if detail else [], objections=objections,
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _summary(app: AidApplication) -> AidApplicationSummary:
    return AidApplicationSummary(
        app_id=app.app_id, aid_type=app.aid_type, aid_type_name=AID_TYPES[app.aid_type].name, state=app.state,  # type: ignore[arg-type]
        state_name=STATE_NAMES[State(app.state)], org_path=app.org_path, applicant_name=app.applicant_name,
        requested_fen=int(app.requested_fen), approved_fen=_int(app.approved_fen),
        per_capita_income_fen=int(app.per_capita_income_fen), entered_at=app.entered_at,
        escalations=int(app.escalations))


def list_types() -> AidTypeList:
    return AidTypeList(items=[AidTypeView(code=t.code, name=t.name, yearly_cap_fen=t.yearly_cap_fen,
                                          required_docs=[{"kind": k, "name": DOC_KINDS[k]} for k in t.required_docs])
                              for t in AID_TYPES.values()])


def get_application(principal: Principal, app_id: str) -> AidApplicationView:
    return _view(principal, _visible(principal, app_id))


def my_applications(principal: Principal, *, limit: int, cursor: str | None) -> AidPage:
    bound = f"aid-mine:{principal.user_id}"
    page = AidApplication.by_applicant.query(principal.user_id, scan_index_forward=False, limit=limit,
                                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_summary(a) for a in page]
    return AidPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def queue(principal: Principal, *, state: str, org: str | None, aid_type: str | None, limit: int,
          cursor: str | None) -> AidPage:
    """Applications in one state inside the caller's scope (or a node inside it)."""
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    if state == State.DRAFT.value:
        raise ValidationFailed("草稿只有职工本人可见", code="AID_DRAFTS_PRIVATE")
    bound = f"aid-queue:{state}:{scope}:{aid_type or ''}"
    condition = AidApplication.queue_sort.startswith(f"{scope}/")
    page = AidApplication.by_queue.query(
        state, condition, filter_condition=(AidApplication.aid_type == aid_type) if aid_type else None,
        limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_summary(a) for a in page]
    return AidPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- the worker's side ------------------------------------------------------------------

def _enterprise_of(principal: Principal) -> str:
    if len(principal.org_path.split("/")) < 4:
        raise ValidationFailed("您的账号尚未关联企业工会，请先完成单位认证", code="AID_NO_ENTERPRISE")
    return principal.org_path


def create_draft(principal: Principal, body: AidDraftBody) -> AidApplicationView:
    org = _enterprise_of(principal)
    aid_type = AID_TYPES[body.aid_type]
    if body.requested_fen > aid_type.yearly_cap_fen:
        raise ValidationFailed(f"{aid_type.name}每年最多 {fen_to_yuan_text(aid_type.yearly_cap_fen)}",
                               code="AID_OVER_CAP")
    now = clock.now_iso()
    app_id = f"aid-{uuid.uuid4().hex[:20]}"
    app = AidApplication(
        app_id, user_id=principal.user_id, applicant_name=body.applicant_name or principal.name or "职工",
        org_path=org, district_path=district_of(org), assigned_path=org, aid_type=body.aid_type,
        year=clock.today_shanghai().year, state=State.DRAFT.value, queue_sort=_queue_sort(org, now, app_id),
        created_at=now, updated_at=now, entered_at=now, household_size=body.household_size,
        household_income_fen=body.household_income_fen,
        per_capita_income_fen=per_capita_income_fen(body.household_income_fen, body.household_size),
        requested_fen=body.requested_fen, description=pii.scrub(body.description), documents=[],
        bank_name=body.bank_name)
    if body.bank_card:
        app.bank_card_sealed, app.bank_card_masked = pii.seal(body.bank_card), mask_bank_card(body.bank_card)
    app.save(condition=AidApplication.app_id.does_not_exist())
    return _view(principal, app)


def update_draft(principal: Principal, app_id: str, patch: AidDraftPatch) -> AidApplicationView:
    app = _own(principal, app_id)
    if app.state not in EDITABLE:
        raise Conflict("申请已提交，不能再修改", code="AID_NOT_EDITABLE")
    fields = patch.model_dump(exclude_none=True)
    if "requested_fen" in fields and fields["requested_fen"] > AID_TYPES[app.aid_type].yearly_cap_fen:
        raise ValidationFailed("申请金额超过该类帮扶的年度上限", code="AID_OVER_CAP")
    for name in ("household_size", "household_income_fen", "requested_fen", "bank_name"):
        if name in fields:
            setattr(app, name, fields[name])
    if "description" in fields:
        app.description = pii.scrub(fields["description"])
    if "bank_card" in fields:
        app.bank_card_sealed, app.bank_card_masked = pii.seal(fields["bank_card"]), mask_bank_card(fields["bank_card"])
    app.per_capita_income_fen = per_capita_income_fen(int(app.household_income_fen), int(app.household_size))
    app.updated_at = clock.now_iso()
    with dynamo_errors(Conflict("申请刚被更新，请刷新后重试", code="AID_STEP_TAKEN")):
        app.save()
    return _view(principal, app)


def request_upload(principal: Principal, app_id: str, upload: UploadRequest) -> UploadTicket:
    app = _own(principal, app_id)
    if app.state not in EDITABLE:
        raise Conflict("申请已提交，不能再上传材料", code="AID_NOT_EDITABLE")
    if len(app.documents) >= MAX_DOCUMENTS:
        raise ValidationFailed(f"每份申请最多上传 {MAX_DOCUMENTS} 份材料", code="AID_TOO_MANY_DOCUMENTS")
    key = f"aid/{app.app_id}/{upload.kind}/{uuid.uuid4().hex[:12]}-{upload.filename}"
    ticket = storage.presign_upload(key, upload.content_type)
    app.documents = [*app.documents, AidDocument(kind=upload.kind, key=key, filename=upload.filename,
                                                 content_type=upload.content_type, uploaded_at=clock.now_iso())]
    with dynamo_errors(Conflict("申请刚被更新，请刷新后重试", code="AID_STEP_TAKEN")):
        app.save()
    return UploadTicket(kind=upload.kind, key=key, url=ticket["url"], fields=ticket["fields"],
                        max_bytes=storage.MAX_BYTES, expires_in=storage.EXPIRES_IN)


def _year_key(app: AidApplication) -> str:
    return f"year#{app.user_id}#{int(app.year)}#{app.aid_type}"


def _open_key(app: AidApplication) -> str:
    return f"open#{app.user_id}#{app.aid_type}"


def _year_total(app: AidApplication) -> int:
    try:
        return int(AidLedger.get(_year_key(app), consistent_read=True).total_fen)
    except DoesNotExist:
        return 0


def submit(principal: Principal, app_id: str) -> AidApplicationView:
    """Submit a draft, or resubmit after "needs changes" (back to the step that asked)."""
    app = _own(principal, app_id)
    if app.state not in EDITABLE:
        raise Conflict("该申请当前不能提交", code="AID_STEP_OUT_OF_ORDER")
    missing = _missing_documents(app, check_storage=True)
    if missing:
        names = "、".join(DOC_KINDS[k] for k in missing)
        raise ValidationFailed(f"还缺少材料：{names}", code="AID_DOCUMENTS_MISSING",
                               details=[{"missing": k} for k in missing])
    if not app.bank_card_sealed:
        raise ValidationFailed("请填写收款银行卡号", code="AID_BANK_CARD_MISSING")
    aid_type = AID_TYPES[app.aid_type]
    action = Action.SUBMIT if app.state == State.DRAFT.value else Action.RESUBMIT
    if action is Action.SUBMIT:
        app.year = clock.today_shanghai().year
        app.submitted_at = clock.now_iso()
    wanted = [_year_key(app), _open_key(app)] if action is Action.SUBMIT else [_year_key(app)]
    # one round trip: both ledgers and the review limits of every node the step may land on
    chain = sorted({*ancestors(app.org_path), *ancestors(app.district_path),
                    *ancestors(app.assigned_path or "")} - {""})
    ledger_rows, setting_rows = batch_get_tables((AidLedger, wanted, True), (AidScopeSettings, chain, False))
    ledgers = {row.key: row for row in ledger_rows}
    known_limits: dict[str, AidScopeSettings | None] = dict.fromkeys(chain)
    known_limits.update({row.org_path: row for row in setting_rows})
    year_total = int(ledgers[_year_key(app)].total_fen) if _year_key(app) in ledgers else 0
    if year_total + int(app.requested_fen) > aid_type.yearly_cap_fen:
        left = max(0, aid_type.yearly_cap_fen - year_total)
        raise ValidationFailed(f"今年{aid_type.name}还可申请 {fen_to_yuan_text(left)}", code="AID_YEARLY_CAP_REACHED")

    def extra(tx: TransactWrite) -> None:
        if action is Action.SUBMIT:
            tx.save(AidLedger(_open_key(app), app_id=app.app_id, updated_at=clock.now_iso()),
                    condition=AidLedger.key.does_not_exist())

    if action is Action.SUBMIT:
        holder = ledgers[_open_key(app)].app_id if _open_key(app) in ledgers else None
        if holder:
            raise Conflict(f"您已有一份进行中的{aid_type.name}申请，办结后才能再次申请", code="AID_ALREADY_OPEN",
                           details=[{"app_id": holder}])
    conflict = Conflict(f"您已有一份进行中的{aid_type.name}申请，办结后才能再次申请", code="AID_ALREADY_OPEN") \
        if action is Action.SUBMIT else None
    step = _take(app, action, actor=actor_of(principal), actor_name=app.applicant_name, opinion="", extra=extra,
                 conflict=conflict, known_limits=known_limits)
    # a first submission's timeline is the step just written: no need to read it back
    return _view(principal, app, steps=[step] if int(step.seq) == 1 else None)


def withdraw(principal: Principal, app_id: str) -> AidApplicationView:
    app = _own(principal, app_id)
    if transition(app.state, Action.WITHDRAW) is None:
        raise Conflict("该申请已进入审批后段，不能撤回", code="AID_STEP_OUT_OF_ORDER")
    _take(app, Action.WITHDRAW, actor=actor_of(principal), actor_name=app.applicant_name, opinion="撤回申请")
    return _view(principal, app)


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


# --- settings ---------------------------------------------------------------------------

def ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def scope_limits(path: str, known: dict[str, AidScopeSettings | None] | None = None) -> tuple[int, int]:
    """(escalate after days, notice days) from the nearest node that set them.

    ``known`` maps the nodes already read (a node that set nothing maps to None), so a caller
    that read them with other items in one BatchGetItem pays no second round trip."""
    chain = ancestors(path)
    if known is not None and all(node in known for node in chain):
        found = {node: s for node, s in known.items() if s is not None}
    else:
        found = {s.org_path: s for s in AidScopeSettings.batch_get(chain)}
    for node in reversed(chain):
        if node in found:
            return int(found[node].escalate_after_days), int(found[node].notice_days)
    return DEFAULT_ESCALATE_AFTER_DAYS, DEFAULT_NOTICE_DAYS


def set_scope_limits(principal: Principal, body: ScopeSettingsBody) -> ScopeSettingsView:
    if not principal.covers(body.org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    AidScopeSettings(body.org_path, escalate_after_days=body.escalate_after_days, notice_days=body.notice_days,
                     updated_by=principal.user_id, updated_at=clock.now_iso()).save()
    return ScopeSettingsView(org_path=body.org_path, escalate_after_days=body.escalate_after_days,
                             notice_days=body.notice_days)


# --- the one place a step is written ----------------------------------------------------

def _due_at(moment: datetime, app_id: str) -> str:
    return f"{clock.isoformat(moment)}|{app_id}"


def _take(app: AidApplication, action: Action, *, actor: Actor, actor_name: str, opinion: str,
          amount_fen: int | None = None, extra: Callable[[TransactWrite], None] | None = None,
          conflict: Conflict | None = None, new_assigned: str | None = None,
          known_limits: dict[str, AidScopeSettings | None] | None = None) -> AidStep:
    before = app.state
    after = target(before, action, return_to=app.return_to)
    now = clock.now()
    now_iso = clock.isoformat(now)
    days = max(0, (now - clock.parse(app.entered_at)).days)
    if action is Action.RETURN:
        app.return_to = before
    if action in (Action.RETURN, Action.REJECT) or action is Action.RESUBMIT:
        app.last_note = opinion or None
    if after is State.ENTERPRISE_REVIEW and action is not Action.ESCALATE:
        app.assigned_path = app.org_path
    elif after in (State.DISTRICT_REVIEW, State.OBJECTION_REVIEW, State.APPROVED) and action is not Action.ESCALATE:
        app.assigned_path = app.district_path
    if new_assigned:
        app.assigned_path = new_assigned
        app.escalations = int(app.escalations) + 1
    if after.value != before:
        app.entered_at = now_iso
        app.queue_sort = _queue_sort(app.org_path, now_iso, app.app_id)
    if after in REVIEW_STATES:
        limit, _ = scope_limits(app.assigned_path, known_limits)
        app.due_kind, app.due_at = "escalate", _due_at(now + timedelta(days=limit), app.app_id)
    else:
        app.due_kind, app.due_at = None, None
    app.state = after.value
    app.updated_at = now_iso
    app.step_count = int(app.step_count) + 1
    step = AidStep(app.app_id, int(app.step_count), action=action.value, from_state=before, to_state=after.value,
                   actor_id=actor.user_id, actor_role=actor.role, actor_name=actor_name or "", opinion=opinion,
                   amount_fen=amount_fen, at=now_iso, days_in_state=days)
    with dynamo_errors(conflict or Conflict("该申请已被其他工作人员处理，请刷新", code="AID_STEP_TAKEN")), \
            _transaction() as tx:
        tx.save(app)
        tx.save(step, condition=AidStep.seq.does_not_exist())
        if after in CLOSED_STATES:
            tx.delete(AidLedger(_open_key(app)))
        if extra is not None:
            extra(tx)
        publish(FEATURE, STEP_EVENT, event_id=f"{app.app_id}-{int(app.step_count)}", org=app.org_path, actor=actor,
                tx=tx, data={
                    "app_id": app.app_id, "user_id": app.user_id, "aid_type": app.aid_type, "year": int(app.year),
                    "org_path": app.org_path, "seq": int(app.step_count), "action": action.value,
                    "from_state": before, "to_state": after.value, "opinion": opinion, "amount_fen": amount_fen,
                    "days_in_state": days, "at": now_iso, "assigned_path": app.assigned_path})
    return step


# --- the aid-step Lambda ----------------------------------------------------------------

NOTIFY_TEXT = {
    State.ENTERPRISE_REVIEW: ("帮扶申请已提交", "您的{type}申请已提交，等待企业工会审核。"),
    State.DISTRICT_REVIEW: ("企业工会审核通过", "您的{type}申请已通过企业工会审核，等待区总工会审核。"),
    State.PUBLIC_NOTICE: ("区总工会审核通过", "您的{type}申请已通过区总工会审核，核定金额{amount}，即将公示。"),
    State.OBJECTION_REVIEW: ("公示期收到异议", "您的{type}申请公示期间收到异议，区总工会正在复核。"),
    State.APPROVED: ("帮扶申请已批准", "您的{type}申请公示期满，已批准，帮扶金将尽快发放。"),
    State.DISBURSED: ("帮扶金已发放", "您的{type}帮扶金{amount}已发放至尾号{card}的银行卡。"),
    State.NEEDS_CHANGES: ("申请需要补充修改", "您的{type}申请被退回修改：{opinion}"),
    State.REJECTED: ("帮扶申请未通过", "很遗憾，您的{type}申请未通过：{opinion}"),
    State.WITHDRAWN: ("帮扶申请已撤回", "您的{type}申请已撤回。"),
}


def notification_for(event: DomainEvent) -> dict[str, Any] | None:
    """The notice for a step (None for an escalation, which the worker is not told of)."""
    data = event.data
    if data.get("action") == Action.ESCALATE.value:
        return None
    title, template = NOTIFY_TEXT[State(data["to_state"])]
    card = ""
    if data["to_state"] == State.DISBURSED.value:
        masked = _load(data["app_id"]).bank_card_masked or ""
        card = masked[-4:]
    body = template.format(type=AID_TYPES[data["aid_type"]].name, opinion=data.get("opinion") or "",
                           amount=fen_to_yuan_text(int(data.get("amount_fen") or 0)) if data.get("amount_fen") else "",
                           card=card)
    return {"user_id": data["user_id"], "at": data.get("at") or event.time, "event_id": event.event_id,
            "app_id": data["app_id"], "title": title, "body": body, "state": data["to_state"],
            "page": f"pages/aid/detail?id={data['app_id']}"}


AID_TEMPLATE_ID = "aid_progress"  # 帮扶进度提醒 (the subscribe-message template of both mini-programs)


def tell_worker(message: dict[str, Any]) -> None:
    """Queue the step's notice on the platform notice path: the worker's inbox (once per step
    event) and a subscribe message through their mini-program (once per inbox item)."""
    from chalicelib.platform.notices import NoticePush, request_notice

    data = {"thing1": message["title"][:20], "phrase2": SHORT_STATE_NAMES[State(message["state"])],
            "thing3": message["body"][:20]}
    request_notice(message["user_id"], kind="aid", title=message["title"], body=message["body"],
                   link=message["page"], dedup_key=f"aid:{message['event_id']}", occurred_at=message["at"],
                   meta={"app_id": message["app_id"], "state": message["state"]},
                   push=NoticePush(template=AID_TEMPLATE_ID, data=data, page=message["page"]))


def my_notifications(principal: Principal, *, limit: int, cursor: str | None) -> NotificationList:
    """The caller's aid notices: their inbox filtered to the aid kind (one bounded Query)."""
    from chalicelib.inbox.logic import page as inbox_page

    found = inbox_page(principal.user_id, kind="aid", limit=limit, cursor=cursor)
    items = [NotificationView(at=i.created_at, app_id=i.meta.get("app_id", ""), title=i.title, body=i.body,
                              state=i.meta.get("state", "")) for i in found.items]
    return NotificationList(items=items, next_cursor=found.next_cursor)


def start_notice(app_id: str) -> bool:
    """Open the public notice of an application that just reached it (idempotent)."""
    app = _load(app_id)
    if app.state != State.PUBLIC_NOTICE.value or app.notice_started_at:
        return False
    _, days = scope_limits(app.district_path)
    now = clock.now()
    ends = now + timedelta(days=days)
    with dynamo_errors(Conflict("公示开始时申请刚被更新", code="AID_STEP_TAKEN")), _transaction() as tx:
        tx.update(app, actions=[
            AidApplication.notice_started_at.set(clock.isoformat(now)),
            AidApplication.notice_ends_at.set(clock.isoformat(ends)),
            AidApplication.due_kind.set("notice_end"),
            AidApplication.due_at.set(_due_at(ends, app_id)),
        ], condition=AidApplication.state == State.PUBLIC_NOTICE.value)
        publish(FEATURE, "AidNoticeStarted", data={"app_id": app_id, "notice_ends_at": clock.isoformat(ends)},
                org=app.org_path, event_id=f"{app_id}-notice", tx=tx)
    return True


def _due(kind: str, now: datetime, limit: int = 100) -> list[str]:
    upper = f"{clock.isoformat(now)}|~"
    return [a.app_id for a in AidApplication.by_due.query(kind, AidApplication.due_at <= upper, limit=limit)]


def close_due_notices() -> int:
    """Schedule: close every public notice whose period has ended."""
    closed = 0
    now = clock.now()
    for app_id in _due("notice_end", now):
        app = _load(app_id)
        if app.state != State.PUBLIC_NOTICE.value or not app.notice_ends_at \
                or clock.parse(app.notice_ends_at) > now:
            continue
        objections = int(app.objection_count)
        action = Action.REFER_OBJECTIONS if objections else Action.CLOSE_NOTICE
        opinion = f"公示期内收到 {objections} 条异议，转区总工会复核" if objections else "公示期满，无异议"
        try:
            _take(app, action, actor=SYSTEM, actor_name="系统", opinion=opinion)
            closed += 1
        except Conflict:
            continue  # someone acted at the same moment; the next run sees the new state
    return closed


def escalate_overdue() -> int:
    """Schedule: a review pending longer than its scope's limit moves one level up."""
    moved = 0
    now = clock.now()
    for app_id in _due("escalate", now):
        app = _load(app_id)
        if app.state not in {s.value for s in REVIEW_STATES} or not app.due_at \
                or app.due_at.split("|", 1)[0] > clock.isoformat(now):
            continue
        upper = parent_path(app.assigned_path)
        if upper == app.assigned_path:  # already with the province: nothing above, stop the clock
            try:
                with dynamo_errors():
                    app.update(actions=[AidApplication.due_kind.remove(), AidApplication.due_at.remove()])
            except Conflict:
                pass  # changed meanwhile; the next run looks again
            continue
        limit, _ = scope_limits(app.assigned_path)
        try:
            _take(app, Action.ESCALATE, actor=SYSTEM, actor_name="系统",
                  opinion=f"待审超过 {limit} 天，转上级工会（{upper}）办理", new_assigned=upper)
            moved += 1
        except Conflict:
            continue
    return moved


# --- figures ----------------------------------------------------------------------------

def count_step(event: DomainEvent) -> bool:
    """Add one step to the figures of every scope above the application (once per event)."""
    data = event.data
    before, after, action = data["from_state"], data["to_state"], data["action"]
    deltas: dict[str, int] = {}
    if before != after:
        if before != State.DRAFT.value:
            deltas[f"state#{before}"] = -1
        deltas[f"state#{after}"] = 1
    if action == Action.SUBMIT.value:
        deltas[f"type#{data['aid_type']}"] = 1
    if before != after and before in {s.value for s in (*REVIEW_STATES, State.PUBLIC_NOTICE)}:
        deltas[f"days#{before}#{int(data.get('days_in_state') or 0)}"] = 1
    if action == Action.DISBURSE.value:
        deltas["disbursed_fen"] = int(data.get("amount_fen") or 0)
        deltas["disbursed_count"] = 1
    if not deltas:
        return False
    try:
        with _transaction() as tx:
            tx.save(AidFigure(f"event#{event.event_id}", "counted", value=1, expires=clock.now() + timedelta(days=30)),
                    condition=AidFigure.metric.does_not_exist())
            for scope in ancestors(data["org_path"]):
                for metric, delta in deltas.items():
                    tx.update(AidFigure(f"{scope}#{data['year']}", metric), actions=[AidFigure.value.add(delta)])
    except Exception as exc:
        from pynamodb.exceptions import TransactWriteError

        if isinstance(exc, TransactWriteError) and any(
                r is not None and r.code == "ConditionalCheckFailed" for r in (exc.cancellation_reasons or [])):
            return False  # this event was counted before
        raise
    return True


def figures(principal: Principal, org: str | None, year: int | None) -> AidFigures:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    year = year or clock.today_shanghai().year
    by_state: dict[str, int] = {}
    by_type: dict[str, int] = {}
    days: dict[str, dict[int, int]] = {}
    disbursed = count = 0
    for row in AidFigure.query(f"{scope}#{year}", limit=2000):
        value = int(row.value)
        kind, _, rest = row.metric.partition("#")
        if kind == "state" and value:
            by_state[rest] = value
        elif kind == "type" and value:
            by_type[rest] = value
        elif kind == "days":
            step, _, n = rest.partition("#")
            days.setdefault(step, {})[int(n)] = value
        elif row.metric == "disbursed_fen":
            disbursed = value
        elif row.metric == "disbursed_count":
            count = value
    return AidFigures(org=scope, year=year, by_state=by_state, by_type=by_type,
                      median_days_per_step={step: median_from_histogram(h) for step, h in sorted(days.items())},
                      disbursed_fen=disbursed, disbursed_count=count)
