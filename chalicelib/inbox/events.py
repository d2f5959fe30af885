"""The inbox Lambda: ``inbox_deliver`` consumes the platform notice queue — it writes each
notice once per dedup key and pushes it once; failed records come back alone (partial batch)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.notices import NOTICE_QUEUE, NoticeRequest

from .specs import QUEUES

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)
__all__ = ["QUEUES", "bp"]


def deliver_one(record: Any) -> None:
    logic.deliver_and_push(NoticeRequest.model_validate(json.loads(record.body)))


@bp.on_sqs_message(queue=NOTICE_QUEUE.name, batch_size=NOTICE_QUEUE.batch_size)
def inbox_deliver(event: Any) -> dict[str, Any]:
    return process_sqs(event, deliver_one)
