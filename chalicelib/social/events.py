"""Social Lambdas: the member-standing feed from identity's events, and the feed fan-out."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import FANOUT_QUEUE, STANDING_QUEUE

if TYPE_CHECKING:
    from . import logic, standing
else:
    logic = lazy_import(f"{__package__}.logic")
    standing = lazy_import(f"{__package__}.standing")

bp = Blueprint(__name__)


def apply_standing(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    if detail_type == "ProfileCardChanged":
        standing.apply_card(event)
    else:
        logic.apply_identity_event(detail_type, event)


def fan_out_one(record: Any) -> None:
    logic.fan_out(str(json.loads(record.body)["post_id"]))


@bp.on_sqs_message(queue=STANDING_QUEUE.name, batch_size=STANDING_QUEUE.batch_size)
def member_standing(event: Any) -> dict[str, Any]:
    return process_sqs(event, apply_standing)


@bp.on_sqs_message(queue=FANOUT_QUEUE.name, batch_size=FANOUT_QUEUE.batch_size)
def feed_fanout(event: Any) -> dict[str, Any]:
    return process_sqs(event, fan_out_one)
