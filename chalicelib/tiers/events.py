"""The tier-points Lambda: domain events (EventBridge rule → SQS) become points, once per
event id however often delivered (partial batch failures reported)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import POINTS_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def handle_points_event(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    logic.count_event(detail_type, event)


@bp.on_sqs_message(queue=POINTS_QUEUE.name, batch_size=POINTS_QUEUE.batch_size)
def count_points(event: Any) -> dict[str, Any]:
    return process_sqs(event, handle_points_event)
