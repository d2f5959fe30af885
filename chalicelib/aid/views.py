"""Hardship aid, reading: loading an application as its owner or the staff over it, the views
(timeline, next actions, missing documents), the types, a worker's applications and the staff
queue.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import NotFound, ValidationFailed
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import (
    AidApplication,
    AidObjection,
    AidStep,
)
from .rules import (
    AID_TYPES,
    DOC_KINDS,
)
from .schemas import (
    AidApplicationSummary,
    AidApplicationView,
    AidPage,
    AidTypeList,
    AidTypeView,
    DocumentView,
    ObjectionView,
    TimelineEntry,
)
from .workflow import (
    ACTION_NAMES,
    STATE_NAMES,
    Action,
    State,
    allowed_actions,
    may_take,
    transition,
)

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
