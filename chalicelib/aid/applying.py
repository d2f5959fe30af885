"""Hardship aid, the worker's side: drafts, document uploads, submit (cap and one-open-application
checks in one BatchGetItem) and withdraw.
"""
from __future__ import annotations

import uuid

from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import batch_get_tables, dynamo_errors
from chalicelib.platform.errors import Conflict, ValidationFailed
from chalicelib.platform.events import actor_of
from chalicelib.platform.money import fen_to_yuan_text

from . import storage
from .models import (
    AidApplication,
    AidDocument,
    AidLedger,
    AidScopeSettings,
)
from .rules import (
    AID_TYPES,
    DOC_KINDS,
    mask_bank_card,
    per_capita_income_fen,
)
from .schemas import (
    AidApplicationView,
    AidDraftBody,
    AidDraftPatch,
    UploadRequest,
    UploadTicket,
)
from .steps import _open_key, _take, _year_key, ancestors
from .views import EDITABLE, MAX_DOCUMENTS, _missing_documents, _own, _queue_sort, _view
from .workflow import (
    Action,
    State,
    district_of,
    transition,
)

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
