"""The aid-step Lambda and its helpers.

- ``on_aid_step``: every ``AidStepTaken`` domain event reaches it through the aid-steps
  queue (subscribed with an EventBridge pattern). It tells the worker (through the platform
  notice path: their inbox and a subscribe message), opens the public notice when an
  application reaches it, and counts the step in the figures. Each effect is idempotent on its own (keyed on the event).
- ``record_disbursements``: payments confirmed by the finance side arrive as messages;
  each is recorded exactly once, however often it is delivered.
- ``close_public_notices`` and ``escalate_pending_steps``: the schedules.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import Actor, parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import DISBURSE_QUEUE, STEP_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def handle_step(record: Any) -> None:
    _, _, event = parse_eventbridge(json.loads(record.body))
    message = logic.notification_for(event)
    if message is not None:
        logic.tell_worker(message)
    if event.data.get("to_state") == "public_notice":
        logic.start_notice(event.data["app_id"])
    logic.count_step(event)


@bp.on_sqs_message(queue=STEP_QUEUE.name, batch_size=STEP_QUEUE.batch_size)
def on_aid_step(event: Any) -> dict[str, Any]:
    return process_sqs(event, handle_step)


def handle_disbursement(record: Any) -> None:
    body = json.loads(record.body)
    logic.record_disbursement(str(body["app_id"]), int(body["amount_fen"]), str(body["reference"]),
                              actor=Actor(user_id=str(body.get("paid_by") or "finance"), role="system"),
                              actor_name=str(body.get("paid_by_name") or "财务"), source="queue")


@bp.on_sqs_message(queue=DISBURSE_QUEUE.name, batch_size=DISBURSE_QUEUE.batch_size)
def record_disbursements(event: Any) -> dict[str, Any]:
    return process_sqs(event, handle_disbursement)


@bp.schedule("rate(15 minutes)")
def close_public_notices(event: Any) -> dict[str, int]:
    return {"closed": logic.close_due_notices()}


@bp.schedule("rate(1 hour)")
def escalate_pending_steps(event: Any) -> dict[str, int]:
    return {"escalated": logic.escalate_overdue()}
