"""The message-send Lambda keeps each conversation in order under concurrent senders, and a
poison message ends in the dead-letter queue without holding back the rest of its batch."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from chalicelib.messaging.events import SEND_QUEUE
from chalicelib.platform.aws import client
from chalicelib.platform.queues import queue_url, send
from tests.conftest import body
from tests.integration.social.conftest import befriend

# (conversations, messages per sender); two senders per conversation. ``make test`` runs the
# small size; the figure, 20 × 2 × 25 = 1,000 messages (~13 moto calls each: minutes
# on a busy machine, near the tokens' 15-minute life), is ``python -m benchmarks chat_order``.
SIZES = {"small": (4, 12), "full": (20, 25)}
FULL_SIZE = os.environ.get("GONGHUI_CHAT_ORDER_FULL") == "1"
CALL_TIMEOUT = 120  # a read under load; the outcome does not depend on timing


@pytest.mark.parametrize("size", [
    "small",
    pytest.param("full", marks=[pytest.mark.slow, pytest.mark.skipif(
        not FULL_SIZE, reason="1,000 messages: python -m benchmarks chat_order")]),
])
def test_per_conversation_order_holds_under_concurrent_senders(size, live_api, member, pump):
    conversations, per_sender = SIZES[size]
    pairs = []
    for i in range(conversations):
        a, b = member(f"a-{i:02d}", f"b-{i:02d}")
        befriend(a, b)
        pairs.append((a, b))

    def sender_stream(args):
        me, other, _ = args
        statuses = []
        with requests.Session() as http:
            for n in range(per_sender):
                r = http.post(f"{live_api}/messaging/messages", headers=me.headers, timeout=CALL_TIMEOUT,
                              json={"to": other.user_id, "client_id": f"{me.user_id}-{n:04d}",
                                    "text": f"{me.user_id} 第{n}条"})
                statuses.append(r.status_code)
        return statuses

    streams = [(a, b, i) for i, (a, b) in enumerate(pairs)] + [(b, a, i) for i, (a, b) in enumerate(pairs)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(streams)) as pool:
        results = list(pool.map(sender_stream, streams))
    assert all(s == 202 for statuses in results for s in statuses), "every send is accepted"
    send_lambda = next(s for s in pump.sqs_sources() if s.queue == SEND_QUEUE.name)
    while pump.pump_sqs(send_lambda):  # the message-send Lambda first, then everything else
        pass
    pump.drain(max_rounds=200)
    elapsed = time.perf_counter() - started

    for a, b in pairs:
        conv = body(a.get(f"/messaging/with/{b.user_id}"))["conversation_id"]
        seen = []
        cursor = None
        while True:
            page = body(a.get(f"/messaging/conversations/{conv}/messages?limit=100"
                              + (f"&cursor={cursor}" if cursor else "")))
            seen += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        seen.sort(key=lambda m: m["seq"])
        assert [m["seq"] for m in seen] == list(range(1, 2 * per_sender + 1)), "no gap, no duplicate"
        for who in (a.user_id, b.user_id):
            mine = [m["text"] for m in seen if m["sender"] == who]
            assert mine == [f"{who} 第{n}条" for n in range(per_sender)], f"{who}'s stream out of order"
    total = conversations * 2 * per_sender
    print(f"CHAT_ORDER messages={total} conversations={conversations} seconds={elapsed:.1f}")


def test_a_poison_message_reaches_the_dlq_and_the_rest_of_its_batch_is_delivered(member, pump):
    wang, li, zhao = member("xiaowang", "xiaoli", "xiaozhao")
    befriend(wang, li)
    befriend(wang, zhao)
    send(SEND_QUEUE, "{not json", group_id="c-poison", dedup_id="poison-0001")
    first = body(wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "good-0001", "text": "你好"}))
    second = body(wang.post("/messaging/messages", {"to": "xiaozhao", "client_id": "good-0002", "text": "你好呀"}))

    pump.drain(max_rounds=20)

    assert [m["text"] for m in body(li.get(f"/messaging/conversations/{first['conversation_id']}/messages"))["items"]] \
        == ["你好"]
    assert len(body(zhao.get(f"/messaging/conversations/{second['conversation_id']}/messages"))["items"]) == 1
    dlq = client("sqs").receive_message(QueueUrl=queue_url(SEND_QUEUE.dlq_name), MaxNumberOfMessages=10,
                                        AttributeNames=["All"])
    bodies = [m["Body"] for m in dlq.get("Messages", [])]
    assert bodies == ["{not json"]
    receives = int(dlq["Messages"][0]["Attributes"]["ApproximateReceiveCount"])
    assert receives >= SEND_QUEUE.max_receive_count
