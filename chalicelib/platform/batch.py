"""One SQS batch helper on Powertools ``BatchProcessor``: each record is handled alone and
the handler answers with ``batchItemFailures`` so only failed records come back.

Powertools' batch utilities (and the asyncio they pull in, ~0.3 s) are imported on the first
batch, not with the app: every Lambda imports the whole app, and HTTP ones never need them."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def process_sqs(event: Any, record_handler: Callable[[SQSRecord], Any], *, fifo: bool = False) -> dict[str, Any]:
    """Run ``record_handler`` per record of a Chalice ``SQSEvent`` (or raw dict).

    FIFO queues stop at the first failure and return the rest, keeping order per group.
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        SqsFifoPartialProcessor,
        process_partial_response,
    )

    raw = event.to_dict() if hasattr(event, "to_dict") else event
    context = getattr(event, "context", None)
    processor = SqsFifoPartialProcessor() if fifo else BatchProcessor(event_type=EventType.SQS)
    response: dict[str, Any] = dict(process_partial_response(
        event=raw, record_handler=record_handler, processor=processor, context=context))
    return response


def __getattr__(name: str) -> Any:
    """``from chalicelib.platform.batch import SQSRecord`` keeps working, loaded on demand."""
    if name == "SQSRecord":
        from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

        return SQSRecord
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
