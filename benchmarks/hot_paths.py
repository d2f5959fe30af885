"""The hot paths against the raw AWS calls they need, on ONE moto server.

For each operation the app's own AWS calls are captured once (botocore's dispatch point);
"raw" replays exactly those calls, one after the other, through a plain boto3 client — the
floor of what the operation costs with no framework, rules or parsing. Then p50 / p95 per
operation for both, and chat send throughput (accept + deliver) against raw SendMessage +
PutItem per message (target ≥ 0.5×). moto's whole-table copy per transaction is skipped
(see ``_moto_transactions_without_table_copies``).

    python -m benchmarks hot_paths        (GONGHUI_BENCH_ROUNDS, default 40)
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from benchmarks._table import percentile, print_table

ROUNDS = int(os.environ.get("GONGHUI_BENCH_ROUNDS", "40"))
MESSAGES = int(os.environ.get("GONGHUI_BENCH_MESSAGES", "150"))
AWS_LATENCY_MS = int(os.environ.get("GONGHUI_BENCH_AWS_LATENCY_MS", "8"))
MODES = ("steady", "backlog", "latency")


@contextlib.contextmanager
def _aws_latency(ms: int) -> Iterator[None]:
    """Every AWS call (app and raw clients alike) waits ``ms`` more, as a network round trip would."""
    if not ms:
        yield
        return
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def slow(self: Any, operation: str, params: dict[str, Any]) -> Any:
        time.sleep(ms / 1000)
        return original(self, operation, params)

    BaseClient._make_api_call = slow  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _capture(action: Callable[[], Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The (service, operation, params) of every AWS call ``action`` makes."""
    from botocore.client import BaseClient

    seen: list[tuple[str, str, dict[str, Any]]] = []
    original = BaseClient._make_api_call

    def spy(self: Any, operation: str, params: dict[str, Any]) -> Any:
        seen.append((self.meta.service_model.service_name, operation, params))
        return original(self, operation, params)

    BaseClient._make_api_call = spy  # type: ignore[method-assign]
    try:
        action()
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
    return seen


def _replay(calls: list[tuple[str, str, dict[str, Any]]]) -> Callable[[], None]:
    """The same calls through plain boto3 clients (writes of a transaction keep their
    conditions, so a replayed conditional write may be refused: it still costs the call)."""
    import boto3
    import botocore.exceptions

    clients = {service: boto3.client(service) for service, _, _ in calls}  # built before timing

    def run() -> None:
        for service, operation, params in calls:
            raw = clients[service]
            try:
                raw._make_api_call(operation, params)
            except botocore.exceptions.ClientError:
                pass

    return run


def _timed(action: Callable[[], Any], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _moto_transactions_without_table_copies() -> None:
    """moto backs up every table a transaction touches with ``copy.deepcopy`` before writing
    (O(items in the table) per TransactWriteItems: the message table grows with every message,
    so each transaction gets slower) — moto's cost, not DynamoDB's. The benchmark skips that
    backup; no transaction here is expected to fail, and none is rolled back."""
    import copy
    import types

    import moto.dynamodb.models as moto_dynamodb
    from moto.dynamodb.models.table import Table

    real = copy.deepcopy

    def deepcopy(obj: Any, memo: Any = None) -> Any:
        return obj if isinstance(obj, Table) else real(obj, memo)

    moto_dynamodb.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)  # type: ignore[attr-defined]


def main() -> None:
    from moto.server import ThreadedMotoServer

    _moto_transactions_without_table_copies()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({"GONGHUI_STAGE": "local", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                       "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                       "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "GONGHUI_TRACING": "0",
                       "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    try:
        from chalice.test import Client

        from local import bootstrap
        from local.pump import EventPump

        bootstrap.reset_caches()
        import app as app_module

        app = app_module.app
        pump = EventPump(app, bootstrap.create_all(app), fast_retry=True)
        from local.demo import profiles as profiles_demo
        from local.demo import social as social_demo

        profiles_demo.seed()
        social_demo.seed()
        pump.drain(max_rounds=200)
        rows = []
        with Client(app, stage_name="local") as test_client:
            http = test_client.http

            def token(user_id: str, org: str) -> dict[str, str]:
                r = http.post("/dev/login", headers={"Content-Type": "application/json"},
                              body=json.dumps({"role": "worker", "user_id": user_id, "org_path": org}))
                return {"Authorization": f"Bearer {json.loads(r.body)['access_token']}",
                        "Content-Type": "application/json"}

            reader = social_demo.MEMBERS[0][0]
            reader_headers = token(reader, social_demo.XIHU)
            browser_headers = token("demo-worker", "zj/huz/nanxun/e-sanxing")
            operations: dict[str, Callable[[], Any]] = {
                "GET /social/feed": lambda: http.get("/social/feed?kind=following", headers=reader_headers),
                "GET /messaging/inbox": lambda: http.get("/messaging/inbox", headers=reader_headers),
                "GET /profiles/browse": lambda: http.get("/profiles/browse?limit=20", headers=browser_headers),
            }
            for name, action in operations.items():
                action()  # warm: parameters, connections, schemas
                calls = _capture(action)
                app_ms = _timed(action, ROUNDS)
                raw_ms = _timed(_replay(calls), ROUNDS)
                rows.append((name, len(calls), percentile(app_ms, 50), percentile(app_ms, 95),
                             percentile(raw_ms, 50), percentile(raw_ms, 95)))

            # chat send: friends a ⇄ b (and c ⇄ d for the throughput runs); each POST, then the
            # message-send Lambda per message
            a, b, c, d = (social_demo.MEMBERS[n][0] for n in range(4))
            from chalicelib.social.logic import follow

            for x, y in ((a, b), (b, a), (c, d), (d, c)):
                try:
                    follow(social_demo.principal(x), y)
                except Exception:  # already following
                    pass
            sender_headers = token(a, social_demo.XIHU)
            from chalicelib.messaging.specs import SEND_QUEUE

            source = next(s for s in pump.sqs_sources() if s.queue == SEND_QUEUE.name)
            counter = iter(range(10**9))
            handler_seconds: list[float] = []

            def deliver_batch() -> int:
                """What the Lambda service does around the message-send Lambda (receive, delete
                the batch) is not timed; the handler is."""
                from chalicelib.platform.aws import client
                from chalicelib.platform.queues import queue_url
                from local.pump import _context, _sqs_record, resolve

                sqs = client("sqs")
                url = queue_url(SEND_QUEUE.name)
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                          WaitTimeSeconds=0).get("Messages", [])
                if not got:
                    return 0
                arn = f"arn:aws:sqs:cn-north-1:123456789012:{SEND_QUEUE.name}"
                began = time.perf_counter()
                resolve(source.handler_string)({"Records": [_sqs_record(m, arn) for m in got]},
                                               _context(source.name))
                handler_seconds.append(time.perf_counter() - began)
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
                return len(got)

            def post(headers: dict[str, str] | None = None, to: str = b, *, limited: bool = True) -> None:
                k = next(counter)
                r = http.post("/messaging/messages", headers=headers or sender_headers,
                              body=json.dumps({"to": to, "client_id": f"bench-{k:08d}", "text": f"第{k}条"}))
                assert r.status_code in ((202, 429) if limited else (202,)), r.body

            post()
            deliver_batch()  # warm
            post_calls = _capture(post)
            deliver_calls = [c for c in _capture(deliver_batch)
                             if c[1] not in ("ReceiveMessage", "DeleteMessageBatch")]
            from datetime import timedelta

            from chalicelib.platform import clock

            post_ms, deliver_ms = [], []
            for n in range(ROUNDS):
                if n % 25 == 24:
                    clock.travel(timedelta(minutes=1))  # stay under the per-minute rate limit
                post_ms += _timed(post, 1)
                deliver_batch()
                deliver_ms.append(handler_seconds[-1] * 1000)
            rows.append(("POST /messaging/messages", len(post_calls), percentile(post_ms, 50),
                         percentile(post_ms, 95), *_raw_percentiles(post_calls)))
            rows.append(("message-send Lambda, per message", len(deliver_calls),
                         percentile(deliver_ms, 50), percentile(deliver_ms, 95), *_raw_percentiles(deliver_calls)))

            import boto3

            sqs, ddb = boto3.client("sqs"), boto3.client("dynamodb")
            from chalicelib.platform.queues import queue_url

            url = queue_url(SEND_QUEUE.name)
            ddb.create_table(TableName="bench-raw-messages", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "c", "KeyType": "HASH"},
                                        {"AttributeName": "s", "KeyType": "RANGE"}],
                             AttributeDefinitions=[{"AttributeName": "c", "AttributeType": "S"},
                                                   {"AttributeName": "s", "AttributeType": "N"}])

            def consume() -> None:  # untimed, like the SQS polling around the handler on the app side
                while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                    sqs.delete_message_batch(QueueUrl=url, Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])

            def raw_run(mode: str) -> float:
                """The same number of SendMessage + PutItem on the same queue, right after the app's run."""
                spent = 0.0
                with _aws_latency(AWS_LATENCY_MS if mode == "latency" else 0):
                    for k in range(MESSAGES):
                        began = time.perf_counter()
                        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"k": k}), MessageGroupId="raw",
                                         MessageDeduplicationId=uuid.uuid4().hex)
                        ddb.put_item(TableName="bench-raw-messages", Item={
                            "c": {"S": f"raw-{mode}"}, "s": {"N": str(k)}, "body": {"S": f"第{k}条"}})
                        spent += time.perf_counter() - began
                        if mode != "backlog" and k % 10 == 9:
                            consume()
                    consume()
                return spent

            # throughput, three ways, each against raw SendMessage + PutItem at the same queue depth:
            # "steady": the consumer keeps up (every 10 sends one batch is delivered), as the
            # message-send Lambda does in production; "backlog": every send first, then delivery
            # (moto's SendMessage costs O(messages in the queue), so both sides slow down alike);
            # "latency": steady, with AWS_LATENCY_MS added to every AWS call on both sides — a
            # model of in-region DynamoDB / SQS, where the round trip, not moto's CPU, is the cost
            # each mode has its own sender (the rate limit and the token are per sender and minute)
            senders = dict(zip(MODES, ((b, a), (c, d), (d, c)), strict=True))  # a sent in the rounds above
            throughput: dict[str, tuple[float, float]] = {}
            raw: dict[str, float] = {}
            for mode in MODES:
                clock.reset()
                sender, recipient = senders[mode]
                headers = token(sender, social_demo.XIHU)
                handler_seconds.clear()
                accept_s = 0.0
                with _aws_latency(AWS_LATENCY_MS if mode == "latency" else 0):
                    for n in range(MESSAGES):
                        if n % 25 == 24:
                            clock.travel(timedelta(minutes=1))
                        began = time.perf_counter()
                        post(headers, recipient, limited=False)
                        accept_s += time.perf_counter() - began
                        if mode != "backlog" and n % 10 == 9:
                            deliver_batch()
                    while deliver_batch():
                        pass
                throughput[mode] = (accept_s, sum(handler_seconds))
                raw[mode] = raw_run(mode)
            clock.reset()
    finally:
        server.stop()

    print_table(f"Hot paths vs the raw calls they need — {ROUNDS} rounds each, one moto server (ms)",
                ["operation", "AWS calls", "app p50", "app p95", "raw p50", "raw p95"], rows,
                note="raw = the same calls replayed one after another through plain boto3 clients")
    rows_tp = []
    labels = {"steady": "consumer keeps up", "backlog": "all sent, then delivered",
              "latency": f"keeps up, +{AWS_LATENCY_MS} ms per AWS call"}
    for mode, label in labels.items():
        accept_s, deliver_s = throughput[mode]
        app_s = accept_s + deliver_s
        rows_tp.append((label, accept_s, deliver_s, app_s, MESSAGES / app_s, raw[mode], MESSAGES / raw[mode],
                        f"{raw[mode] / app_s:.2f}×"))
    print_table(f"Chat send throughput — {MESSAGES} messages (accept + deliver) vs raw SendMessage + PutItem",
                ["queue", "accept s", "deliver s", "send path s", "msgs/s", "raw s", "raw msgs/s", "send/raw"],
                rows_tp,
                note="target ≥ 0.5× the raw throughput; SQS polling and deleting around the handler is the Lambda "
                     "service's work and is not counted (nor on the raw side)")


def _raw_percentiles(calls: list[tuple[str, str, dict[str, Any]]]) -> tuple[float, float]:
    samples = _timed(_replay(calls), ROUNDS)
    return percentile(samples, 50), percentile(samples, 95)


if __name__ == "__main__":
    main()
