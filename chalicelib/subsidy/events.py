"""The subsidy-calc Lambda: computes each submitted application (its SubsidySubmitted event,
through the calc queue). Redelivery is harmless: an application is computed only while it is
"calculating".

The budget Lambda: when a district's yearly budget is set, applications waiting for budget
are paid, oldest decision first, while they fit."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import BUDGET_QUEUE, CALC_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def compute_one(record: Any) -> None:
    body = json.loads(record.body)
    if "detail" in body:  # SubsidySubmitted from the bus
        _, _, event = parse_eventbridge(body)
        body = event.data
    logic.compute(str(body["app_id"]))  # else a message queued before the queue took the event


@bp.on_sqs_message(queue=CALC_QUEUE.name, batch_size=CALC_QUEUE.batch_size)
def calculate_applications(event: Any) -> dict[str, Any]:
    return process_sqs(event, compute_one)


def release_one(record: Any) -> None:
    _, _, event = parse_eventbridge(json.loads(record.body))
    logic.release_waiting(str(event.data["district"]), int(event.data["year"]))


@bp.on_sqs_message(queue=BUDGET_QUEUE.name, batch_size=1)
def release_waiting_applications(event: Any) -> dict[str, Any]:
    return process_sqs(event, release_one)
