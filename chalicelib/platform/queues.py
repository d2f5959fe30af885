"""SQS: queue specs (infra and the local stack build queues from them) and one send path."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .aws import client
from .settings import get_settings


@dataclass(frozen=True)
class QueueSpec:
    """A work queue and its dead-letter queue."""

    short: str
    fifo: bool = False
    visibility_timeout: int = 60
    max_receive_count: int = 5
    retention_days: int = 4
    batch_size: int = 10
    description: str = ""
    # Domain events this queue subscribes to: an EventBridge pattern (infra and the local
    # stack create the same rule with the queue as its target).
    event_pattern: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def name(self) -> str:
        return get_settings().queue_name(self.short, fifo=self.fifo)

    @property
    def dlq_name(self) -> str:
        return get_settings().queue_name(f"{self.short}-dlq", fifo=self.fifo)


# The one environment variable infra sets on every function so no Lambda calls GetQueueUrl:
# the URL of any of the app's queues is this prefix + the queue's name, e.g.
# ``https://sqs.cn-north-1.amazonaws.com.cn/123456789012/`` (``Settings.queue_url_prefix``).
QUEUE_URL_PREFIX_ENV = "GONGHUI_QUEUE_URL_PREFIX"


@cache
def queue_url(name: str) -> str:
    prefix = get_settings().queue_url_prefix
    if prefix:
        return prefix.rstrip("/") + "/" + name
    # without the variable (the local stack, older stacks): ask SQS once per queue
    return str(client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def send(spec: QueueSpec, body: dict[str, Any] | str, *, group_id: str | None = None,
         dedup_id: str | None = None, delay_seconds: int = 0) -> str:
    """Send one message; FIFO queues need ``group_id`` (order is kept within a group)."""
    params: dict[str, Any] = {
        "QueueUrl": queue_url(spec.name),
        "MessageBody": body if isinstance(body, str) else json.dumps(body, ensure_ascii=False),
    }
    if spec.fifo:
        if not group_id:
            raise ValueError("a FIFO queue needs a message group id")
        params["MessageGroupId"] = group_id
        if dedup_id:
            params["MessageDeduplicationId"] = dedup_id
    elif delay_seconds:
        params["DelaySeconds"] = delay_seconds
    return str(client("sqs").send_message(**params)["MessageId"])


def reset_queues() -> None:
    queue_url.cache_clear()
