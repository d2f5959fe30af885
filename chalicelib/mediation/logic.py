"""Labour-dispute mediation: filing, intake, a mediator, sessions, an agreement or a referral to
arbitration, and the fifteen-day limit of 劳动争议调解仲裁法 article 14.

Who sees a case: its two parties (the applicant; the other party — a worker by id, an enterprise
through its enterprise admins), the assigned mediator, and the mediator's supervisors: union
admins whose node is the district union the case was filed with or above it. Anyone else gets
404, exactly as for a case that does not exist. Every read is written to the access log first.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, events
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed

from . import storage
from .models import MediationAccess, MediationCase, MediationEvidence, MediationNotice, MediationSession
from .schemas import (
    CATEGORY_NAMES,
    MAX_EVIDENCE_BYTES,
    STATE_NAMES,
    MediationAccessLog,
    MediationAccessView,
    MediationAgreementBody,
    MediationCaseList,
    MediationCaseView,
    MediationDecisionBody,
    MediationEvidenceBody,
    MediationEvidenceView,
    MediationFailureBody,
    MediationFileBody,
    MediationSessionBody,
    MediationSessionView,
    MediationUploadTicket,
)
from .specs import CASE_CLOSED, DEADLINE, FEATURE, WARN_BEFORE

CLOSED = {"settled", "failed", "declined"}
MAX_EVIDENCE = 20
NOT_FOUND = NotFound("找不到该调解案件", code="MEDIATION_CASE_NOT_FOUND")


def district_of(path: str) -> str:
    return "/".join(path.split("/")[:3])


def _within(path: str, node: str) -> bool:
    return path == node or path.startswith(node + "/")


def relation_of(principal: Principal, case: MediationCase) -> str | None:
    """The caller's standing on the case, or None (→ 404)."""
    if principal.user_id == case.applicant_id:
        return "applicant"
    if principal.role is Role.ENTERPRISE_ADMIN and case.applicant_role == Role.ENTERPRISE_ADMIN.value \
            and principal.org_path == case.applicant_org:
        return "applicant"
    if case.respondent_kind == "worker" and principal.role is Role.WORKER \
            and principal.user_id == case.respondent_user_id:
        return "respondent"
    if case.respondent_kind == "enterprise" and principal.role is Role.ENTERPRISE_ADMIN \
            and principal.org_path == case.respondent_org:
        return "respondent"
    if case.mediator_id and principal.user_id == case.mediator_id:
        return "mediator"
    if principal.role is Role.UNION_ADMIN and principal.org_path and _within(case.district_path, principal.org_path):
        return "supervisor"
    return None


def _load(case_id: str) -> MediationCase:
    try:
        return MediationCase.get(case_id, consistent_read=True)
    except MediationCase.DoesNotExist as exc:
        raise NOT_FOUND from exc


def _case_for(principal: Principal, case_id: str, allowed: set[str] | None = None) -> tuple[MediationCase, str]:
    case = _load(case_id)
    relation = relation_of(principal, case)
    if relation is None:
        raise NOT_FOUND
    if allowed is not None and relation not in allowed:
        raise Forbidden("你在本案中的身份不能执行此操作", code="MEDIATION_NOT_YOUR_STEP",
                        details=[{"relation": relation, "allowed": sorted(allowed)}])
    return case, relation


def _log(principal: Principal, case_id: str, relation: str, action: str) -> None:
    MediationAccess(case_id, f"{clock.now_iso()}#{uuid.uuid4().hex[:8]}", user_id=principal.user_id,
                    role=principal.role.value, relation=relation, action=action).save()


def _view(case: MediationCase, relation: str) -> MediationCaseView:
    return MediationCaseView(
        case_id=case.case_id, category=case.category, category_name=CATEGORY_NAMES.get(case.category, case.category),
        state=case.state, state_name=STATE_NAMES.get(case.state, case.state), applicant_name=case.applicant_name,
        respondent_name=case.respondent_name, claim=case.claim,
        amount_fen=int(case.amount_fen) if case.amount_fen is not None else None,
        district_path=case.district_path, filed_at=case.filed_at, deadline_at=case.deadline_at,
        your_relation=relation, mediator_name=case.mediator_name, decline_reason=case.decline_reason,
        referral=case.referral,
        sessions=[MediationSessionView(session_id=s.session_id, starts_at=s.starts_at, room=s.room, note=s.note,
                                       venue_id=s.venue_id, booking_id=s.booking_id) for s in case.sessions],
        evidence=[MediationEvidenceView(filename=e.filename, content_type=e.content_type,
                                        size_bytes=int(e.size_bytes), party=e.party, uploaded_at=e.uploaded_at)
                  for e in case.evidence],
        agreement=case.agreement_text, confirmed_by=list(case.confirmed_by),
        failure_reason=case.failure_reason, arbitration_referral=case.arbitration_referral,
        extension_days=int(case.extension_days) if case.extension_days is not None else None,
        extension_agreed_by=list(case.extension_agreed_by),
        arbitration_right_notified=any(n.kind == "arbitration_right" for n in case.notices),
    )


def _save(case: MediationCase) -> None:
    with dynamo_errors(Conflict("案件刚被他人更新，请刷新后重试", code="MEDIATION_CASE_CHANGED")):
        case.save()


def _due(kind: str | None, at: str | None, case_id: str) -> tuple[str | None, str | None]:
    return (kind, f"{at}|{case_id}") if kind and at else (None, None)


# --- filing ------------------------------------------------------------------------------------

def file_case(principal: Principal, body: MediationFileBody) -> MediationCaseView:
    if body.respondent_kind == "enterprise":
        if not body.respondent_org:
            raise ValidationFailed("对方为企业时请填写企业的组织节点", code="MEDIATION_RESPONDENT_MISSING")
        if principal.role is Role.ENTERPRISE_ADMIN and body.respondent_org == principal.org_path:
            raise ValidationFailed("不能对本单位自己申请调解", code="MEDIATION_AGAINST_SELF")
    else:
        if not body.respondent_user_id:
            raise ValidationFailed("对方为职工时请填写对方的用户编号", code="MEDIATION_RESPONDENT_MISSING")
        if body.respondent_user_id == principal.user_id:
            raise ValidationFailed("不能对自己申请调解", code="MEDIATION_AGAINST_SELF")
    if principal.role is Role.WORKER and body.respondent_kind == "worker":
        raise ValidationFailed("职工申请调解的对方应为用人单位", code="MEDIATION_RESPONDENT_KIND")
    now = clock.now()
    case_id = f"c-{uuid.uuid4().hex[:16]}"
    filed_at = clock.isoformat(now)
    deadline = now + DEADLINE
    kind, due_at = _due("warn", clock.isoformat(deadline - WARN_BEFORE), case_id)
    case = MediationCase(
        case_id, category=body.category, claim=body.claim, amount_fen=body.amount_fen,
        applicant_id=principal.user_id, applicant_role=principal.role.value,
        applicant_name=body.applicant_name or principal.name or "申请人", applicant_org=principal.org_path,
        respondent_kind=body.respondent_kind,
        respondent_org=body.respondent_org if body.respondent_kind == "enterprise" else None,
        respondent_user_id=body.respondent_user_id if body.respondent_kind == "worker" else None,
        respondent_name=body.respondent_name, district_path=district_of(principal.org_path), state="filed",
        filed_at=filed_at, deadline_at=clock.isoformat(deadline), due_kind=kind, due_at=due_at,
    )
    with dynamo_errors():
        case.save(condition=MediationCase.case_id.does_not_exist())
    return _view(case, "applicant")


def my_cases(principal: Principal, limit: int) -> MediationCaseList:
    cases = MediationCase.by_applicant.query(principal.user_id, scan_index_forward=False, limit=limit)
    return MediationCaseList(items=[_view(c, "applicant") for c in cases])


def district_queue(principal: Principal, district: str | None, limit: int) -> MediationCaseList:
    node = district or district_of(principal.org_path)
    if principal.role is not Role.UNION_ADMIN or not _within(node, principal.org_path) or node.count("/") != 2:
        raise NotFound("找不到该区县工会的调解案件", code="MEDIATION_SCOPE_NOT_FOUND")
    cases = MediationCase.by_district.query(node, scan_index_forward=False, limit=limit)
    return MediationCaseList(items=[_view(c, "supervisor") for c in cases])


def assigned_to_me(principal: Principal, limit: int) -> MediationCaseList:
    cases = MediationCase.by_mediator.query(principal.user_id, scan_index_forward=False, limit=limit)
    return MediationCaseList(items=[_view(c, "mediator") for c in cases])


def read_case(principal: Principal, case_id: str) -> MediationCaseView:
    case, relation = _case_for(principal, case_id)
    _log(principal, case_id, relation, "read")
    return _view(case, relation)


def access_log(principal: Principal, case_id: str) -> MediationAccessLog:
    _, relation = _case_for(principal, case_id, {"mediator", "supervisor"})
    _log(principal, case_id, relation, "read_log")
    rows = MediationAccess.query(case_id, scan_index_forward=True, limit=500)
    return MediationAccessLog(items=[MediationAccessView(at=r.at.split("#")[0], user_id=r.user_id, role=r.role,
                                                         relation=r.relation, action=r.action) for r in rows])


def request_evidence_upload(principal: Principal, case_id: str, body: MediationEvidenceBody) -> MediationUploadTicket:
    case, relation = _case_for(principal, case_id, {"applicant", "respondent"})
    if case.state in CLOSED:
        raise Conflict("案件已结束，不能再上传证据", code="MEDIATION_CASE_CLOSED")
    if body.size_bytes > MAX_EVIDENCE_BYTES:
        raise ValidationFailed("证据文件不能超过 10 MB", code="MEDIATION_EVIDENCE_TOO_LARGE",
                               details=[{"max_bytes": MAX_EVIDENCE_BYTES}])
    if len(case.evidence) >= MAX_EVIDENCE:
        raise ValidationFailed(f"每个案件最多上传 {MAX_EVIDENCE} 份证据", code="MEDIATION_TOO_MANY_EVIDENCE")
    key = f"mediation/{case.case_id}/evidence/{uuid.uuid4().hex[:12]}-{body.filename}"
    ticket = storage.presign_upload(key, body.content_type, body.size_bytes)
    case.evidence = [*case.evidence, MediationEvidence(key=key, filename=body.filename, content_type=body.content_type,
                                                        size_bytes=body.size_bytes, party=relation,
                                                        uploaded_at=clock.now_iso())]
    _save(case)
    return MediationUploadTicket(key=key, url=ticket["url"], fields=ticket["fields"], max_bytes=body.size_bytes,
                                 expires_in=storage.EXPIRES_IN)


# --- staff -------------------------------------------------------------------------------------

def decide(principal: Principal, case_id: str, body: MediationDecisionBody) -> MediationCaseView:
    case, relation = _case_for(principal, case_id, {"supervisor"})
    if case.state != "filed":
        raise Conflict("该申请已处理过", code="MEDIATION_ALREADY_DECIDED", details=[{"state": case.state}])
    case.decided_at = clock.now_iso()
    if body.action == "decline":
        if not body.reason or not body.referral:
            raise ValidationFailed("不予受理须写明理由和建议的去处", code="MEDIATION_DECLINE_REASON_MISSING")
        case.state, case.decline_reason, case.referral = "declined", body.reason, body.referral
        _close(case)
        _save_closed(principal, case)
    else:
        case.state = "accepted"
        _save(case)
    return _view(case, relation)


def assign_mediator(principal: Principal, case_id: str, mediator_id: str) -> MediationCaseView:
    from chalicelib.accounts.logic import account_summary

    case, relation = _case_for(principal, case_id, {"supervisor"})
    if case.state not in ("accepted", "mediating"):
        raise Conflict("只能为已受理、未结束的案件指派调解员", code="MEDIATION_NOT_ACCEPTED",
                       details=[{"state": case.state}])
    mediator = account_summary(mediator_id)
    if not mediator or mediator["role"] != Role.UNION_ADMIN.value or not _within(mediator["org_path"],
                                                                               case.district_path):
        raise ValidationFailed("调解员须是本区县工会（或其下属服务中心）的工作人员", code="MEDIATION_MEDIATOR_INVALID")
    case.mediator_id, case.mediator_name, case.mediator_org = mediator_id, mediator["name"], mediator["org_path"]
    case.state = "mediating"
    _save(case)
    return _view(case, relation)


def schedule_session(principal: Principal, case_id: str, body: MediationSessionBody) -> MediationCaseView:
    """A session in the mediation room, booked through the booking engine: the room's slot is held
    for the case (nobody else can book it), then the case records the session. A case that closed
    meanwhile keeps nothing: its save fails and the slot is given back."""
    from chalicelib.bookings import logic as bookings

    case, relation = _case_for(principal, case_id, {"mediator", "supervisor"})
    if case.state in CLOSED:
        raise Conflict("案件已结束，不能再安排调解", code="MEDIATION_CASE_CLOSED")
    if case.state != "mediating":
        raise Conflict("请先受理并指派调解员", code="MEDIATION_NOT_ACCEPTED")
    number = len(case.sessions) + 1
    held = bookings.hold_slot(principal, body.venue_id, body.date, body.start,
                              held_for=f"mediation:{case_id}#s-{number}")
    case.sessions = [*case.sessions, MediationSession(session_id=f"s-{number}", starts_at=held.starts_at,
                                                      room=held.title, note=body.note, venue_id=body.venue_id,
                                                      booking_id=held.entry_id)]
    try:
        _save(case)
    except Conflict:
        bookings.release_hold(held.entry_id)
        raise
    return _view(case, relation)


def propose_agreement(principal: Principal, case_id: str, body: MediationAgreementBody) -> MediationCaseView:
    case, relation = _case_for(principal, case_id, {"mediator"})
    if case.state not in ("mediating", "agreement_proposed"):
        raise Conflict("案件当前不能提出调解协议", code="MEDIATION_CASE_CLOSED" if case.state in CLOSED
                       else "MEDIATION_NOT_ACCEPTED")
    case.agreement_text, case.confirmed_by, case.state = body.text, [], "agreement_proposed"
    _save(case)
    return _view(case, relation)


def confirm_agreement(principal: Principal, case_id: str) -> MediationCaseView:
    case, relation = _case_for(principal, case_id, {"applicant", "respondent"})
    if case.state != "agreement_proposed":
        raise Conflict("当前没有待确认的调解协议", code="MEDIATION_NO_AGREEMENT")
    if relation not in case.confirmed_by:
        case.confirmed_by = [*case.confirmed_by, relation]
    if {"applicant", "respondent"} <= set(case.confirmed_by):
        case.state = "settled"
        _close(case)
        _save_closed(principal, case)
    else:
        _save(case)
    return _view(case, relation)


def record_failure(principal: Principal, case_id: str, body: MediationFailureBody) -> MediationCaseView:
    case, relation = _case_for(principal, case_id, {"mediator"})
    if case.state in CLOSED:
        raise Conflict("案件已结束", code="MEDIATION_CASE_CLOSED")
    case.state, case.failure_reason, case.arbitration_referral = "failed", body.reason, body.arbitration_referral
    _close(case)
    _save_closed(principal, case)
    return _view(case, relation)


def agree_extension(principal: Principal, case_id: str, days: int) -> MediationCaseView:
    """Each party agrees in writing to the same extension; when both have, the limit moves."""
    case, relation = _case_for(principal, case_id, {"applicant", "respondent"})
    if case.state in CLOSED:
        raise Conflict("案件已结束", code="MEDIATION_CASE_CLOSED")
    if case.extension_days is not None and int(case.extension_days) != days:
        if set(case.extension_agreed_by) >= {"applicant", "respondent"}:
            raise Conflict("双方已同意延长，不能再修改", code="MEDIATION_EXTENSION_SETTLED")
        case.extension_agreed_by = []
    case.extension_days = days
    if relation not in case.extension_agreed_by:
        case.extension_agreed_by = [*case.extension_agreed_by, relation]
        if {"applicant", "respondent"} <= set(case.extension_agreed_by):
            deadline = clock.parse(case.deadline_at) + timedelta(days=days)
            case.deadline_at = clock.isoformat(deadline)
            if not any(n.kind == "arbitration_right" for n in case.notices):
                warn = deadline - WARN_BEFORE
                kind = "warn" if warn > clock.now() else "expire"
                case.due_kind, case.due_at = _due(kind, clock.isoformat(warn if kind == "warn" else deadline),
                                                  case.case_id)
    _save(case)
    return _view(case, relation)


def _close(case: MediationCase) -> None:
    case.closed_at = clock.now_iso()
    case.due_kind, case.due_at = None, None


def _save_closed(principal: Principal, case: MediationCase) -> None:
    """Save the closed case and stage MediationCaseClosed in the same transaction (the outbox)."""
    org = case.mediator_org or case.district_path
    with dynamo_errors(Conflict("案件刚被他人更新，请刷新后重试", code="MEDIATION_CASE_CHANGED")), \
            TransactWrite(connection=MediationCase._get_connection().connection) as tx:
        tx.save(case)
        events.publish(FEATURE, CASE_CLOSED, actor=events.actor_of(principal), org=org,
                       event_id=f"closed-{case.case_id}", tx=tx,
                       data={"case_id": case.case_id, "outcome": case.state, "org_path": org,
                             "closed_at": case.closed_at, "category": case.category})


# --- the fifteen-day limit ---------------------------------------------------------------------

def _worker_of(case: MediationCase) -> str | None:
    if case.applicant_role == Role.WORKER.value:
        return case.applicant_id
    return case.respondent_user_id


TITLES = {"mediation_deadline_warning": "调解期限即将届满", "mediation_arbitration_right": "您可以申请劳动仲裁"}


def _notify(user_id: str | None, template: str, data: dict[str, str], case_id: str, *, step: str) -> str:
    """Tell a person through the one inbox (kind ``mediation``, once per case and step): an
    inbox item, and a subscribe message the inbox pushes once."""
    if not user_id:
        return "no_recipient"
    from chalicelib.platform.notices import NoticePush, request_notice

    page = f"pages/mediation/case?id={case_id}"
    body = data.get("text") or f"案件 {case_id} 的调解期限：{data.get('deadline', '')}"
    request_notice(user_id, kind="mediation", title=TITLES[template], body=body, link=page,
                   dedup_key=f"mediation:{case_id}:{step}", occurred_at=clock.now_iso(),
                   meta={"case_id": case_id, "template": template},
                   push=NoticePush(template=template, data={k: v[:20] for k, v in data.items()}, page=page))
    return "queued"


def run_deadlines(limit: int = 100) -> dict[str, int]:
    """Warn mediators before the limit; at the limit tell the worker of their right to arbitration.

    Each step moves the case's sparse due key with a condition on its current value, so a second
    run (or two schedules at once) finds nothing to do: one warning, one notice per case.
    """
    now = clock.now_iso()
    done = {"warned": 0, "notified": 0}
    for kind in ("warn", "expire"):
        for key in MediationCase.by_due.query(kind, MediationCase.due_at <= f"{now}|~", limit=limit):
            case = MediationCase.get(key.case_id, consistent_read=True)
            if case.due_kind != kind or case.state in CLOSED:
                continue
            to_user: str | None
            if kind == "warn":
                to_user, template = case.mediator_id, "mediation_deadline_warning"
                data = {"case": case.case_id, "deadline": case.deadline_at}
                next_kind, next_at = _due("expire", case.deadline_at, case.case_id)
            else:
                to_user, template = _worker_of(case), "mediation_arbitration_right"
                data = {"case": case.case_id, "text": "调解自收到申请之日起十五日未达成协议，您可以依法向劳动人事争议"
                        "仲裁委员会申请仲裁"}
                next_kind, next_at = None, None
            notice = MediationNotice(kind="deadline_warning" if kind == "warn" else "arbitration_right",
                                     to_user=to_user or "", at=now, delivery="queued" if to_user else "no_recipient")
            # queued first, keyed on the step: a crash before the update re-runs into the same item
            _notify(to_user, template, data, case.case_id, step=f"{kind}:{key.due_at}")
            try:  # the step is taken once: the condition holds for exactly one run
                case.update(actions=[MediationCase.notices.set(MediationCase.notices.append([notice])),
                                     MediationCase.due_kind.set(next_kind) if next_kind else
                                     MediationCase.due_kind.remove(),
                                     MediationCase.due_at.set(next_at) if next_at else MediationCase.due_at.remove()],
                            condition=(MediationCase.due_kind == kind) & (MediationCase.due_at == key.due_at))
            except UpdateError:
                continue
            done["warned" if kind == "warn" else "notified"] += 1
    return done
