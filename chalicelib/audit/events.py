"""The audit Lambda: every ``gonghui.*`` domain event arrives through the audit queue."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import AUDIT_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def record_one(record: Any) -> None:
    source, detail_type, event = parse_eventbridge(json.loads(record.body))
    logic.record(source, detail_type, event)


@bp.on_sqs_message(queue=AUDIT_QUEUE.name, batch_size=AUDIT_QUEUE.batch_size)
def record_domain_events(event: Any) -> dict[str, Any]:
    return process_sqs(event, record_one)
