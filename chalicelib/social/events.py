"""Social Lambdas: the member-standing feed from identity's events, and the feed fan-out."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.queues import QueueSpec

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)

STANDING_QUEUE = QueueSpec(
    "social-standing", visibility_timeout=30, max_receive_count=5,
    description="会员激活/停用事件 → 交友功能的会员状态",
    event_pattern={"source": ["gonghui.identity"], "detail-type": ["MemberActivated", "MemberDeactivated"]})
FANOUT_QUEUE = QueueSpec("social-fanout", visibility_timeout=120, max_receive_count=5,
                         description="新动态写入关注者与好友的时间线")
QUEUES = [STANDING_QUEUE, FANOUT_QUEUE]


def apply_standing(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    logic.apply_identity_event(detail_type, event)


def fan_out_one(record: Any) -> None:
    logic.fan_out(str(json.loads(record.body)["post_id"]))


@bp.on_sqs_message(queue=STANDING_QUEUE.name, batch_size=STANDING_QUEUE.batch_size)
def member_standing(event: Any) -> dict[str, Any]:
    return process_sqs(event, apply_standing)


@bp.on_sqs_message(queue=FANOUT_QUEUE.name, batch_size=FANOUT_QUEUE.batch_size)
def feed_fanout(event: Any) -> dict[str, Any]:
    return process_sqs(event, fan_out_one)
