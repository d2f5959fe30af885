"""Hardship aid, figures: each step counted once, and the figures per org and year.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import NotFound
from chalicelib.platform.events import DomainEvent

from .models import (
    AidFigure,
)
from .rules import (
    median_from_histogram,
)
from .schemas import (
    AidFigures,
)
from .steps import ancestors
from .views import _transaction
from .workflow import (
    REVIEW_STATES,
    Action,
    State,
)

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
