"""The event pump: delivers SQS messages, EventBridge events and schedules to the app's
handlers the way Lambda does.

- SQS: receives up to ``batch_size`` messages, invokes the handler with a Lambda-shaped
  event, deletes what succeeded, leaves the ``batchItemFailures`` (or the whole batch when
  the handler raised) to reappear after the visibility timeout; the queue's redrive policy
  moves a message to its DLQ after ``maxReceiveCount`` receives.
- EventBridge: rules were created with the same patterns (``bootstrap``) targeting local
  queues; each event is delivered to its handler one at a time, retried like SQS.
- Schedules: ``rate(...)`` and ``cron(...)`` expressions evaluated in UTC.
- The outbox: the outbox table's DynamoDB stream is read the way the EventBridge Pipe reads
  it in AWS (INSERT records only, in order, each put on the bus); the position advances only
  after the bus accepted a batch, so a crash in between delivers the batch again (consumers
  are idempotent on the event id).

``fast_retry`` (tests) makes a failed message visible again at once instead of waiting for
the visibility timeout; nothing else differs.
"""
from __future__ import annotations

import functools
import importlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import CloudWatchEventConfig, S3EventConfig, ScheduledEventConfig, SQSEventConfig

from chalicelib.platform import clock
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings


@dataclass
class LambdaContext:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    deadline_ms: int = 0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms - int(time.time() * 1000))


def resolve(handler_string: str) -> Any:
    module, _, name = handler_string.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _context(name: str, timeout_s: int = 60) -> LambdaContext:
    return LambdaContext(function_name=name, aws_request_id=uuid.uuid4().hex,
                         invoked_function_arn=f"arn:aws:lambda:{get_settings().region}:000000000000:function:{name}",
                         deadline_ms=int(time.time() * 1000) + timeout_s * 1000)


def _sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": get_settings().region,
    }


@functools.cache
def _streams_client() -> Any:
    """DynamoDB Streams, on the classic endpoint: botocore otherwise derives an account-based
    host from the stream ARN (``<account>.streams-ddb.…``), which moto does not answer."""
    from botocore.config import Config

    from chalicelib.platform.aws import CLIENT_LOCK, boto3_session

    with CLIENT_LOCK:
        return boto3_session().client("dynamodbstreams", region_name=get_settings().region,
                                      config=Config(account_id_endpoint_mode="disabled"))


def reset_streams_client() -> None:
    _streams_client.cache_clear()


@dataclass
class Delivery:
    handler: str
    delivered: int = 0
    failed: int = 0


class EventPump:
    def __init__(self, app: Any, rule_queues: dict[str, str] | None = None, *, fast_retry: bool = False) -> None:
        self.app = app
        self.rule_queues = rule_queues or {}
        self.fast_retry = fast_retry
        self.stats: dict[str, Delivery] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_schedule_check = clock.now().replace(second=0, microsecond=0)
        self._queue_urls: dict[str, tuple[str, str]] = {}
        self._outbox_stream: str | None = None
        self._outbox_after: dict[str, str] = {}  # shard id -> last sequence number put on the bus
        self.outbox_delivered = 0

    # --- discovery ---------------------------------------------------------------------
    def sqs_sources(self) -> list[SQSEventConfig]:
        return [s for s in self.app.event_sources if isinstance(s, SQSEventConfig)]

    def rule_sources(self) -> list[CloudWatchEventConfig]:
        return [s for s in self.app.event_sources if isinstance(s, CloudWatchEventConfig)]

    def s3_sources(self) -> list[S3EventConfig]:
        return [s for s in self.app.event_sources if isinstance(s, S3EventConfig)]

    def schedule_sources(self) -> list[ScheduledEventConfig]:
        return [s for s in self.app.event_sources if isinstance(s, ScheduledEventConfig)]

    def _queue(self, name: str) -> tuple[str, str]:
        if name not in self._queue_urls:
            sqs = client("sqs")
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self._queue_urls[name] = (url, arn)
        return self._queue_urls[name]

    def _stat(self, name: str) -> Delivery:
        return self.stats.setdefault(name, Delivery(name))

    # --- one round ---------------------------------------------------------------------
    def _receive(self, url: str, max_messages: int) -> list[dict[str, Any]]:
        response = client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=max(1, min(10, max_messages)), AttributeNames=["All"],
            MessageAttributeNames=["All"], WaitTimeSeconds=0)
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _settle(self, url: str, messages: list[dict[str, Any]], failed_ids: set[str]) -> None:
        sqs = client("sqs")
        for message in messages:
            if message["MessageId"] in failed_ids:
                if self.fast_retry:
                    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                  VisibilityTimeout=0)
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def pump_sqs(self, source: SQSEventConfig) -> int:
        queue_name = source.queue or str(source.queue_arn).rsplit(":", 1)[-1]
        url, arn = self._queue(queue_name)
        messages = self._receive(url, source.batch_size)
        if not messages:
            return 0
        handler = resolve(source.handler_string)
        event = {"Records": [_sqs_record(m, arn) for m in messages]}
        stat = self._stat(source.name)
        try:
            result = handler(event, _context(source.name))
            failures = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])} \
                if isinstance(result, dict) else set()
        except Exception:
            failures = {m["MessageId"] for m in messages}
        self._settle(url, messages, failures)
        stat.delivered += len(messages) - len(failures)
        stat.failed += len(failures)
        return len(messages)

    def pump_rule(self, source: CloudWatchEventConfig) -> int:
        url = self.rule_queues.get(source.name)
        if url is None:
            return 0
        messages = self._receive(url, 10)
        handler = resolve(source.handler_string)
        stat = self._stat(source.name)
        failures: set[str] = set()
        for message in messages:
            try:
                handler(json.loads(message["Body"]), _context(source.name))
                stat.delivered += 1
            except Exception:
                failures.add(message["MessageId"])
                stat.failed += 1
        self._settle(url, messages, failures)
        return len(messages)

    def pump_s3(self, source: S3EventConfig) -> int:
        """S3 notifications parked in a local queue, delivered one object event per invocation."""
        url = self.rule_queues.get(source.name)
        if url is None:
            return 0
        messages = self._receive(url, 10)
        handler = resolve(source.handler_string)
        stat = self._stat(source.name)
        failures: set[str] = set()
        for message in messages:
            payload = json.loads(message["Body"])
            if payload.get("Event") == "s3:TestEvent" or "Records" not in payload:
                continue
            try:
                for record in payload["Records"]:
                    handler({"Records": [record]}, _context(source.name))
                stat.delivered += 1
            except Exception:
                failures.add(message["MessageId"])
                stat.failed += 1
        self._settle(url, messages, failures)
        return len(messages)

    def pump_outbox(self, limit: int = 100) -> int:
        """Put the outbox events written since the last call on the bus (the Pipe, locally)."""
        from chalicelib.platform import outbox

        streams = _streams_client()
        if self._outbox_stream is None:
            table = client("dynamodb").describe_table(TableName=outbox.OutboxEvent.Meta.table_name)["Table"]
            self._outbox_stream = table.get("LatestStreamArn") or ""
        if not self._outbox_stream:
            return 0
        shards = streams.describe_stream(StreamArn=self._outbox_stream)["StreamDescription"]["Shards"]
        handled = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            after = self._outbox_after.get(shard_id)
            # A fresh iterator each round (iterators expire in AWS; moto swaps a table's shard
            # when it rolls back a failed transaction): the position is the sequence number.
            position = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                        else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = streams.get_shard_iterator(StreamArn=self._outbox_stream, ShardId=shard_id,
                                                  **position)["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator, Limit=limit).get("Records", [])
            for start in range(0, len(records), 10):
                batch = records[start:start + 10]
                entries = [e for e in map(outbox.entry_of, batch) if e is not None]
                if entries:
                    result = client("events").put_events(Entries=entries)
                    if result.get("FailedEntryCount"):
                        break  # the batch again next round; consumers drop what they already have
                    self.outbox_delivered += len(entries)
                self._advance_outbox(shard_id, batch[-1]["dynamodb"]["SequenceNumber"])
                handled += len(batch)
        return handled

    def _advance_outbox(self, shard_id: str, sequence_number: str) -> None:
        """Remember what the bus has accepted (a test crashes here to force a redelivery)."""
        self._outbox_after[shard_id] = sequence_number

    def run_schedule(self, name: str) -> Any:
        """Invoke a scheduled handler now, with the event EventBridge Scheduler would send."""
        source = next(s for s in self.schedule_sources() if s.name == name)
        return self._fire(source, clock.now())

    def _fire(self, source: ScheduledEventConfig, at: datetime) -> Any:
        event = {
            "version": "0", "id": uuid.uuid4().hex, "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": get_settings().region,
            "resources": [f"arn:aws:events:{get_settings().region}:000000000000:rule/{source.name}"], "detail": {},
        }
        result = resolve(source.handler_string)(event, _context(source.name))
        self._stat(source.name).delivered += 1
        return result

    def due_schedules(self, now: datetime) -> list[tuple[ScheduledEventConfig, datetime]]:
        start = self._last_schedule_check
        minute = start + timedelta(minutes=1)
        due = []
        while minute <= now:
            for source in self.schedule_sources():
                if schedule_matches(str(source.schedule_expression), minute):
                    due.append((source, minute))
            minute += timedelta(minutes=1)
        self._last_schedule_check = now.replace(second=0, microsecond=0)
        return due

    def drain(self, *, max_rounds: int = 50, include_schedules: bool = False) -> int:
        """Deliver until every queue is empty (or ``max_rounds``). Returns messages handled."""
        total = 0
        for _ in range(max_rounds):
            handled = 0
            deliveries: list[Callable[[], int]] = [
                self.pump_outbox,
                *(functools.partial(self.pump_sqs, s) for s in self.sqs_sources()),
                *(functools.partial(self.pump_rule, s) for s in self.rule_sources()),
                *(functools.partial(self.pump_s3, s) for s in self.s3_sources()),
            ]
            for deliver in deliveries:
                if self._stop.is_set():  # stopping: leave the rest queued, as Lambda would
                    return total + handled
                handled += deliver()
            if include_schedules:
                for source, at in self.due_schedules(clock.now()):
                    self._fire(source, at)
                    handled += 1
            total += handled
            if handled == 0:
                break
        return total

    # --- background --------------------------------------------------------------------
    def start(self, idle: float = 5.0) -> None:
        """Deliver in the background: at once when moto says a message or an outbox record
        arrived (``local.wakeup``), else every ``idle`` seconds (a retried message's visibility
        timeout ran out) and at each minute (schedules), instead of polling every queue twice a second."""
        from local import wakeup

        wakeup.install()

        def loop() -> None:
            seen = wakeup.generation()
            while not self._stop.is_set():
                try:
                    self.drain(max_rounds=5, include_schedules=True)
                except Exception as exc:  # keep pumping; the handler's own logs say more
                    print(f"[pump] {type(exc).__name__}: {exc}", flush=True)
                to_minute = 60.05 - time.time() % 60
                seen = wakeup.wait(seen, timeout=min(idle, to_minute))

        self._thread = threading.Thread(target=loop, name="event-pump", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        from local import wakeup

        self._stop.set()
        wakeup.notify()
        if self._thread:
            self._thread.join(timeout=5)


# --- schedule expressions --------------------------------------------------------------------

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")


def schedule_matches(expression: str, at: datetime) -> bool:
    """Does an EventBridge ``rate()``/``cron()`` expression fire at minute ``at`` (UTC)?"""
    at = at.astimezone(UTC)
    rate = _RATE.fullmatch(expression.strip())
    if rate:
        n, unit = int(rate.group(1)), rate.group(2)
        minutes = n * {"minute": 1, "hour": 60, "day": 1440}[unit.rstrip("s")]
        return (int(at.timestamp()) // 60) % minutes == 0
    if expression.startswith("cron(") and expression.endswith(")"):
        fields = expression[5:-1].split()
        if len(fields) != 6:
            return False
        minute, hour, dom, month, dow, year = fields
        aws_dow = (at.isoweekday() % 7) + 1  # AWS: 1=SUN .. 7=SAT
        last_day = (at + timedelta(days=1)).day == 1
        try:
            return (_field(minute, at.minute, 0, 59) and _field(hour, at.hour, 0, 23)
                    and _field(month, at.month, 1, 12, names=_MONTHS) and _field(year, at.year, 1970, 2199)
                    and (last_day if dom == "L" else _field(dom, at.day, 1, 31) if dom != "?" else True)
                    and (_field(dow, aws_dow, 1, 7, names=_DOW) if dow != "?" else True))
        except ValueError:  # W, # and other forms the pump does not read: never fire, never crash the pump
            return False
    return False


_DOW = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}


def _field(spec: str, value: int, low: int, high: int, names: dict[str, int] | None = None) -> bool:
    for item in spec.split(","):
        part, step = item, 1
        if "/" in item:
            part, step_text = item.split("/", 1)
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = start if step == 1 else high
        if start <= value <= end and (value - start) % step == 0:
            return True
    return False


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    return int(text)
