"""Messages/s through the 光年间 send path against the floor of the same AWS calls.

Both sides run against one moto server (``ThreadedMotoServer`` on a free port):

- send path: ``POST /messaging/messages`` through the Chalice app (auth, checks, rate
  limit, sequence counter, idempotency record, FIFO send), then the message-send Lambda
  (safety checks, conditional put, both inboxes, realtime lookup) driven by the event pump;
- raw: one ``sqs.send_message`` to the same FIFO queue plus one ``dynamodb.put_item`` per
  message — what a send costs with no rules at all.

    .venv/bin/python -m benchmarks.messaging_send [N]
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
import uuid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    import logging
    import warnings

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({"GONGHUI_STAGE": "local", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                       "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                       "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "GONGHUI_TRACING": "0", "POWERTOOLS_METRICS_DISABLED": "true",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})
    try:
        from chalice.test import Client

        from local import bootstrap
        from local.pump import EventPump

        bootstrap.reset_caches()
        import app as app_module

        app = app_module.app
        rule_queues = bootstrap.create_all(app)
        pump = EventPump(app, rule_queues, fast_retry=True)
        from chalicelib.messaging.events import SEND_QUEUE
        from chalicelib.platform.aws import client
        from chalicelib.platform.events import DomainEvent
        from chalicelib.platform.queues import queue_url
        from chalicelib.social import logic as social
        from chalicelib.social.logic import follow
        from local.demo.social import principal

        pairs = max(1, n // 25)  # ≤ 25 sends per sender a minute keeps under the rate limit
        with Client(app, stage_name="local") as test_client:
            http = test_client.http
            tokens = {}
            for i in range(pairs):
                for side in ("a", "b"):
                    user = f"bench-{side}-{i:03d}"
                    r = http.post("/dev/login", headers={"Content-Type": "application/json"},
                                  body=json.dumps({"role": "worker", "user_id": user, "org_path": "zj/hz/xihu"}))
                    tokens[user] = json.loads(r.body)["access_token"]
                    social.apply_identity_event("MemberActivated", DomainEvent(
                        org="zj/hz/xihu", data={"user_id": user, "reason": "bench"}))
                follow(principal(f"bench-a-{i:03d}"), f"bench-b-{i:03d}")
                follow(principal(f"bench-b-{i:03d}"), f"bench-a-{i:03d}")

            started = time.perf_counter()
            for k in range(n):
                i = k % pairs
                sender, recipient = f"bench-a-{i:03d}", f"bench-b-{i:03d}"
                r = http.post("/messaging/messages", headers={"Authorization": f"Bearer {tokens[sender]}",
                                                              "Content-Type": "application/json"},
                              body=json.dumps({"to": recipient, "client_id": f"bench-{k:08d}", "text": f"第{k}条"}))
                assert r.status_code == 202, r.body
            accepted = time.perf_counter()
            pump.drain(max_rounds=10_000)
            delivered = time.perf_counter()

        sqs, ddb = client("sqs"), client("dynamodb")
        url = queue_url(SEND_QUEUE.name)
        raw_table = "bench-raw-messages"
        ddb.create_table(TableName=raw_table, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "c", "KeyType": "HASH"},
                                    {"AttributeName": "s", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "c", "AttributeType": "S"},
                                               {"AttributeName": "s", "AttributeType": "N"}])
        raw_started = time.perf_counter()
        for k in range(n):
            group = f"raw-{k % pairs}"
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"k": k}), MessageGroupId=group,
                             MessageDeduplicationId=uuid.uuid4().hex)
            ddb.put_item(TableName=raw_table, Item={"c": {"S": group}, "s": {"N": str(k)}, "body": {"S": f"第{k}条"}})
        raw_done = time.perf_counter()
    finally:
        server.stop()

    post_s, deliver_s, raw_s = accepted - started, delivered - accepted, raw_done - raw_started
    rows = [
        ("POST /messaging/messages (accept)", post_s),
        ("message-send Lambda (deliver)", deliver_s),
        ("send path end to end", post_s + deliver_s),
        ("raw send_message + put_item", raw_s),
    ]
    print(f"\n光年间 message send — {n} messages, {pairs} conversations, one moto server (127.0.0.1:{port})\n")
    print(f"{'stage':<38}{'seconds':>10}{'msgs/s':>10}{'ms/msg':>10}")
    print("-" * 68)
    for name, seconds in rows:
        print(f"{name:<38}{seconds:>10.2f}{n / seconds:>10.1f}{seconds / n * 1000:>10.1f}")
    print("-" * 68)
    print(f"send path costs {((post_s + deliver_s) / raw_s):.1f}× the raw floor "
          "(rules, counters, idempotency, inboxes, realtime lookups)")


if __name__ == "__main__":
    main()
