"""Round trips on the hot paths: each DynamoDB (or other AWS) call costs 5–20 ms in AWS, so
the number of calls an operation makes is its latency budget. Every AWS call the app makes
while handling the operation is recorded (botocore's one dispatch point, labelled by the
middleware with the request or event) and compared with the budget: a test fails when an
operation grows. Where fewer calls are reached, lower the budget with it."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import body
from tests.integration.social.conftest import befriend

# operation → AWS calls at most (issue 19's table: "calls then → reachable")
BUDGET = {
    "POST /messaging/messages": 3,     # 6 → 4: pair, (rate limit + accepted send) transaction, SendMessage
    "message-send per message": 3,     # 6 → 3: messaging BatchGetItem, pair, one transaction
    "GET /messaging/inbox": 2,         # 3 → 2: the inbox page, one BatchGetItem for who is hidden
    "GET /social/feed": 3,             # 7 → 3: timeline page, its posts, one 3-table BatchGetItem
    "GET /me": 1,                      # 1 → 0–1
}


def _calls(aws_calls: Any, prefix: str, action: Callable[[], Any]) -> list[tuple[str, str]]:
    aws_calls.clear()
    action()
    return [(c.operation, (c.table or c.service).rsplit("-", 1)[-1]) for c in aws_calls.for_work(prefix)]


def _check(name: str, calls: list[tuple[str, str]]) -> None:
    summary = Counter(op for op, _ in calls)
    print(f"{name}: {len(calls)} calls {dict(summary)}")
    assert len(calls) <= BUDGET[name], f"{name} grew to {len(calls)} AWS calls (budget {BUDGET[name]}): {calls}"


@pytest.fixture
def friends(member: Any) -> tuple[Any, Any]:
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    return wang, li


def test_chat_send_and_delivery_and_the_inbox(friends, pump, aws_calls):
    wang, li = friends
    first = {"to": "xiaoli", "client_id": "warm-00001", "text": "早"}
    assert wang.post("/messaging/messages", first).status_code == 202
    pump.drain()

    message = {"to": "xiaoli", "client_id": "rt-000001", "text": "晚上一起吃饭吗"}
    posted = _calls(aws_calls, "http:POST /messaging/messages",
                    lambda: wang.post("/messaging/messages", message))
    _check("POST /messaging/messages", posted)

    from chalicelib.messaging.specs import SEND_QUEUE

    source = next(s for s in pump.sqs_sources() if s.queue == SEND_QUEUE.name)
    delivered = _calls(aws_calls, "event:", lambda: pump.pump_sqs(source))
    _check("message-send per message", delivered)
    assert body(li.get("/messaging/inbox"))["items"][0]["unread"] == 2

    inbox = _calls(aws_calls, "http:GET /messaging/inbox", lambda: li.get("/messaging/inbox"))
    _check("GET /messaging/inbox", inbox)


def test_the_feed(friends, pump, aws_calls):
    wang, li = friends
    for n in range(3):
        assert wang.post("/social/posts", {"text": f"周末爬山第{n}次"}).status_code == 201
    pump.drain()
    feed = _calls(aws_calls, "http:GET /social/feed", lambda: li.get("/social/feed?kind=following"))
    assert len(body(li.get("/social/feed?kind=following"))["items"]) == 3
    _check("GET /social/feed", feed)


def test_me(login, aws_calls):
    worker = login("worker", user_id="w-me", org_path="zj/hz/xihu")
    me = _calls(aws_calls, "http:GET /me", lambda: worker.get("/me"))
    _check("GET /me", me)
