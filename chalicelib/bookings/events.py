"""The booking Lambdas: three schedules and one queue (EventBridge → SQS), so the feature
adds few CloudFormation resources.

- ``bookings_offers`` (every minute): offers past their deadline expire and pass to the next
  person in line; sessions with a freed seat are offered to the head of their line.
- ``bookings_after_sessions`` (every 15 minutes): absent people become no-shows (feeding
  the no-show rule); ended sessions are closed and their figures published once.
- ``bookings_reminders`` (hourly, 08:00–21:00 Asia/Shanghai): tomorrow's entries get one inbox notice
  each (pushed once by the inbox as a subscribe message), for people who asked for it.
- ``bookings_rollup`` (SQS, from ``BookingAttendanceClosed``): the per-org, per-period
  figures; idempotent by a marker written in the same transaction.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .specs import ALL, ROLLUP_QUEUE

bp = Blueprint(__name__)
QUEUES = ALL


@bp.schedule("rate(1 minute)")
def bookings_offers(event: Any) -> dict[str, int]:
    return {"expired": logic.expire_offers()}


@bp.schedule("rate(15 minutes)")
def bookings_after_sessions(event: Any) -> dict[str, int]:
    return {"no_shows": logic.sweep_no_shows(), "closed": logic.close_sessions()}


@bp.schedule("cron(0 0-13 * * ? *)")
def bookings_reminders(event: Any) -> dict[str, int]:
    return logic.send_reminders()


def _roll_up_one(record: Any) -> None:
    _, _, domain_event = parse_eventbridge(json.loads(record.body))
    logic.roll_up(domain_event.data)


@bp.on_sqs_message(queue=ROLLUP_QUEUE.name, batch_size=ROLLUP_QUEUE.batch_size)
def bookings_rollup(event: Any) -> dict[str, Any]:
    return process_sqs(event, _roll_up_one)
