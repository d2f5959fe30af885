"""Social Lambdas: the member-standing feed from identity's events, the feed fan-out, and
topic heat from social's own post, comment and like events."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import FANOUT_QUEUE, HEAT_QUEUE, STANDING_QUEUE

if TYPE_CHECKING:
    from . import heat, logic, posts, standing
else:
    logic = lazy_import(f"{__package__}.logic")
    posts = lazy_import(f"{__package__}.posts")
    heat = lazy_import(f"{__package__}.heat")
    standing = lazy_import(f"{__package__}.standing")

bp = Blueprint(__name__)


def apply_standing(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    if detail_type == "ProfileCardChanged":
        standing.apply_card(event)
    else:
        logic.apply_identity_event(detail_type, event)


def fan_out_one(record: Any) -> None:
    posts.fan_out(str(json.loads(record.body)["post_id"]))


@bp.on_sqs_message(queue=STANDING_QUEUE.name, batch_size=STANDING_QUEUE.batch_size)
def member_standing(event: Any) -> dict[str, Any]:
    return process_sqs(event, apply_standing)


@bp.on_sqs_message(queue=FANOUT_QUEUE.name, batch_size=FANOUT_QUEUE.batch_size)
def feed_fanout(event: Any) -> dict[str, Any]:
    return process_sqs(event, fan_out_one)


def apply_heat(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    heat.apply_event(detail_type, event)


@bp.on_sqs_message(queue=HEAT_QUEUE.name, batch_size=HEAT_QUEUE.batch_size)
def topic_heat(event: Any) -> dict[str, Any]:
    return process_sqs(event, apply_heat)
