"""A spy on the event bus: every ``gonghui.*`` domain event, through its own EventBridge rule
and SQS queue, after the outbox stream was carried to the bus (as the Pipe does in AWS)."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any


class EventSpy:
    def __init__(self, pump: Any, name: str = "test-bus-spy") -> None:
        self.pump = pump
        from chalicelib.platform.aws import client
        from local.bootstrap import route_events_to_queue

        self.sqs = client("sqs")
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        route_events_to_queue(name, {"source": [{"prefix": "gonghui."}]}, arn)
        self.seen: list[dict[str, Any]] = []
        self.raw: list[str] = []

    def collect(self) -> list[dict[str, Any]]:
        self.pump.pump_outbox()
        while True:
            got = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return self.seen
            for message in got:
                self.raw.append(message["Body"])
                self.seen.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def of(self, detail_type: str) -> list[dict[str, Any]]:
        return [e for e in self.collect() if e["detail-type"] == detail_type]


class LambdaKilled(Exception):
    """The function's process ending where it stands (timeout, OOM, a deploy)."""


@contextlib.contextmanager
def killed_after_commit(monkeypatch: Any, *, let_pass: int = 0) -> Iterator[None]:
    """Inside the block, a write transaction commits and then the Lambda dies: nothing after
    the commit runs (``let_pass`` transactions first complete normally)."""
    from pynamodb.transactions import TransactWrite

    original = TransactWrite._commit
    passed = {"n": 0}

    def commit_then_die(self: Any) -> Any:
        result = original(self)
        if passed["n"] < let_pass:
            passed["n"] += 1
            return result
        raise LambdaKilled("killed between the write and anything after it")

    monkeypatch.setattr(TransactWrite, "_commit", commit_then_die)
    try:
        yield
    finally:
        monkeypatch.setattr(TransactWrite, "_commit", original)
