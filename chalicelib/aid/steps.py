"""Hardship aid, the one place a step is written (``_take``): the workflow table says where it
leads, one transaction writes the application (guarded by its version), the step record, any
ledger change and the AidStepTaken event (outbox). Also the review limits per scope and the
ledger keys.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import Actor, publish

from .models import (
    AidApplication,
    AidLedger,
    AidScopeSettings,
    AidStep,
)
from .rules import (
    DEFAULT_ESCALATE_AFTER_DAYS,
    DEFAULT_NOTICE_DAYS,
    STEP_EVENT,
)
from .schemas import (
    ScopeSettingsBody,
    ScopeSettingsView,
)
from .views import FEATURE, _queue_sort, _transaction
from .workflow import (
    CLOSED_STATES,
    REVIEW_STATES,
    Action,
    State,
    target,
)


def _year_key(app: AidApplication) -> str:
    return f"year#{app.user_id}#{int(app.year)}#{app.aid_type}"


def _open_key(app: AidApplication) -> str:
    return f"open#{app.user_id}#{app.aid_type}"


def _year_total(app: AidApplication) -> int:
    try:
        return int(AidLedger.get(_year_key(app), consistent_read=True).total_fen)
    except DoesNotExist:
        return 0


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
