"""Wake the event pump when there is work, instead of polling every queue twice a second.

The local stack runs moto in its own process, so the pump can be told directly: a message
added to any SQS queue (a send, an EventBridge rule's target, an S3 notification, a DLQ move)
or a record added to a DynamoDB stream (the outbox) bumps a generation counter and wakes
whoever waits. The pump still wakes on a slow timer for what arrives without an add (a
message whose visibility timeout or delay ran out) and for the schedules' minute.
"""
from __future__ import annotations

import functools
import threading
from typing import Any

_cond = threading.Condition()
_generation = 0
_installed = False


def notify() -> None:
    global _generation
    with _cond:
        _generation += 1
        _cond.notify_all()


def generation() -> int:
    with _cond:
        return _generation


def wait(since: int, timeout: float) -> int:
    """Block until something arrived after generation ``since`` (or ``timeout`` seconds)."""
    with _cond:
        _cond.wait_for(lambda: _generation != since, timeout=max(0.0, timeout))
        return _generation


def _after(cls: Any, name: str) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, *args, **kwargs)
        finally:
            notify()

    setattr(cls, name, wrapped)


def install() -> None:
    """Hook moto's SQS queues and DynamoDB stream shards (same process only)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models.table import StreamShard
    from moto.sqs.models import Queue

    _after(Queue, "add_message")
    _after(StreamShard, "add")
    _installed = True
