"""The inbox Lambdas: ``inbox_deliver_and_push`` consumes the platform notice queue — it writes each
notice once per dedup key and pushes it once; ``inbox_announce_nodes`` and
``inbox_announce_batches`` fan an announcement out; ``inbox_send_due_announcements`` starts
the scheduled ones. Failed records come back alone (partial batch); redelivery repeats no item."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.notices import NOTICE_QUEUE, NoticeRequest

from .specs import ANNOUNCE_BATCH_QUEUE, ANNOUNCE_NODES_QUEUE

if TYPE_CHECKING:
    from . import announcements, logic
else:
    logic = lazy_import(f"{__package__}.logic")
    announcements = lazy_import(f"{__package__}.announcements")

bp = Blueprint(__name__)


def deliver_one(record: Any) -> None:
    logic.deliver_and_push(NoticeRequest.model_validate(json.loads(record.body)))


@bp.on_sqs_message(queue=NOTICE_QUEUE.name, batch_size=NOTICE_QUEUE.batch_size)
def inbox_deliver_and_push(event: Any) -> dict[str, Any]:
    return process_sqs(event, deliver_one)


def expand_one(record: Any) -> None:
    message = json.loads(record.body)
    announcements.expand_node(str(message["ann_id"]), str(message["node"]))


@bp.on_sqs_message(queue=ANNOUNCE_NODES_QUEUE.name, batch_size=1)
def inbox_announce_nodes(event: Any) -> dict[str, Any]:
    return process_sqs(event, expand_one)


def batch_one(record: Any) -> None:
    message = json.loads(record.body)
    announcements.deliver_batch(str(message["ann_id"]), [str(u) for u in message["users"]][:100])


@bp.on_sqs_message(queue=ANNOUNCE_BATCH_QUEUE.name, batch_size=ANNOUNCE_BATCH_QUEUE.batch_size)
def inbox_announce_batches(event: Any) -> dict[str, Any]:
    return process_sqs(event, batch_one)


@bp.schedule("rate(1 minute)")
def inbox_send_due_announcements(event: Any) -> dict[str, int]:
    return {"started": announcements.send_due()}
