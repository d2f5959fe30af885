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


@bp.on_sqs_message(queue=AUDIT_QUEUE.name, batch_size=AUDIT_QUEUE.batch_size)
def record_domain_events(event: Any) -> dict[str, Any]:
    """Parse each record (a malformed one alone is reported failed), then write every entry
    of the batch in one BatchWriteItem per 25. If the write fails the whole batch comes back,
    and writing it again rewrites the same items."""
    entries: list[Any] = []

    def collect(record: Any) -> None:
        source, detail_type, domain_event = parse_eventbridge(json.loads(record.body))
        entries.extend(logic.entries_of(source, detail_type, domain_event))

    response = process_sqs(event, collect)
    logic.write(entries)
    return response
