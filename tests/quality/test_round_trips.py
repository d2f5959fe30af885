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
    # Worker requests pay one more: the edge's standing check (one consistent GetItem of the
    # member record), so a ban or suspension stops every token at once (issue 10.2).
    "POST /messaging/messages": 2,     # 6 → 2 between friends: one transaction (rate limit + accepted send, with
                                       # the caller's and the pair's standing, blocks and friendship as its
                                       # ConditionChecks), SendMessage; anything else: a BatchGetItem more
    "message-send per message": 2,     # 6 → 2: one BatchGetItem (pair and the run's items), one transaction
    "message-send per burst": 2,       # a batch of one sender's messages: the same 2 calls for the whole run
    "GET /messaging/inbox": 3,         # 3 → 3: standing, the inbox page, one BatchGetItem for who is hidden
    "GET /social/feed": 4,             # 7 → 4: standing, timeline page, its posts, one 3-table BatchGetItem
    "GET /me": 2,                      # 1 → 2: standing (a banned worker's /me is refused), the account
    "dorm decision (approve)": 4,      # 6 → 4: application, rules, one transaction (update + outbox event), notice
    "dorm decision (reject)": 4,       # 6 → 4: application, bed, one transaction (update + outbox event), notice
    "aid submit": 5,                   # 11 → 5: standing, application, one ListObjectsV2 (not a HeadObject per
                                       # document), one BatchGetItem (both ledgers + the scope's review limits),
                                       # one transaction (application, step, ledger, outbox event); a first
                                       # submission's timeline is the step just written, not read back
    "audit per domain event": 1,       # 4 conditional PutItem → one BatchWriteItem per 25 entries
    "POST /identity/face/start": 4,    # 6 → 4: member, id claim, attempt quota, attempt
    "face-verify callback": 5,         # 7 → 4–5: attempt, member, transaction, event, attempt marked sent
    "GET /profiles/browse": 10,        # same count, in 2–3 sequential rounds (parallel partition queries)
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


def test_a_burst_from_one_sender_is_stored_in_one_transaction_in_queue_order(friends, pump, aws_calls):
    wang, li = friends
    assert wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "warm-00001", "text": "早"}).status_code == 202
    pump.drain()  # li has one unread: the burst asks for no push reminder
    texts = ["在吗", "晚上一起吃饭吗", "六点下班", "七点", "西湖边见"]
    for n, text in enumerate(texts):
        assert wang.post("/messaging/messages", {"to": "xiaoli", "client_id": f"burst-{n:04d}", "text": text}
                         ).status_code == 202
    from chalicelib.messaging.specs import SEND_QUEUE

    source = next(s for s in pump.sqs_sources() if s.queue == SEND_QUEUE.name)
    delivered = _calls(aws_calls, "event:", lambda: pump.pump_sqs(source))
    _check("message-send per burst", delivered)

    conv = body(li.get("/messaging/inbox"))["items"][0]["conversation_id"]
    mine = body(wang.get(f"/messaging/conversations/{conv}/messages?limit=50"))["items"]
    assert [(m["seq"], m["text"]) for m in reversed(mine)] == list(enumerate(["早", *texts], start=1))
    inbox = body(li.get("/messaging/inbox"))["items"][0]
    assert inbox["unread"] == 6 and inbox["preview"] == "西湖边见"


def test_a_batch_of_both_senders_keeps_one_order(friends, pump):
    wang, li = friends
    sends = [(wang, "xiaoli", "一"), (wang, "xiaoli", "带你去澳门赌场下注"), (wang, "xiaoli", "二"),
             (li, "xiaowang", "三"), (wang, "xiaoli", "四"), (li, "xiaowang", "五"), (li, "xiaowang", "六")]
    for n, (who, to, text) in enumerate(sends):
        assert who.post("/messaging/messages", {"to": to, "client_id": f"both-{n:04d}", "text": text}
                        ).status_code == 202
    pump.drain()
    conv = body(li.get("/messaging/inbox"))["items"][0]["conversation_id"]
    mine = body(wang.get(f"/messaging/conversations/{conv}/messages?limit=50"))["items"]
    assert [(m["seq"], m["text"]) for m in reversed(mine)] == [(n, t) for n, (_, _, t) in enumerate(sends, 1)]
    seen = body(li.get(f"/messaging/conversations/{conv}/messages?limit=50"))["items"]
    assert "带你去澳门赌场下注" not in [m["text"] for m in seen], "a held message is not delivered"
    assert body(li.get("/messaging/inbox"))["items"][0]["unread"] == 3
    assert body(wang.get("/messaging/inbox"))["items"][0]["unread"] == 3


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


def test_dorm_decisions(dorm, login, pump, aws_calls):
    from tests.integration.dorms.conftest import worker_with_profile

    apps = []
    for n, room in enumerate(("302", "303")):
        worker = worker_with_profile(login, f"dorm-rt-{n}")
        created = worker.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": room})
        assert created.status_code == 201
        apps.append(body(created)["application_id"])
    pump.drain()
    approve = _calls(aws_calls, "http:POST /dorms/applications", lambda: dorm.union.post(
        f"/dorms/applications/{apps[0]}/decision", {"approve": True}))
    _check("dorm decision (approve)", approve)
    reject = _calls(aws_calls, "http:POST /dorms/applications", lambda: dorm.union.post(
        f"/dorms/applications/{apps[1]}/decision", {"approve": False, "reason": "名额已满"}))
    _check("dorm decision (reject)", reject)


def test_aid_submit(login, aws_calls):
    from chalicelib.aid.rules import AID_TYPES
    from tests.integration.aid.support import ENTERPRISE, draft, upload

    worker = login("worker", user_id="w-aid-rt", org_path=ENTERPRISE, name="陈宏鑫")
    app = draft(worker)
    for kind in AID_TYPES[app["aid_type"]].required_docs:
        upload(worker, app["app_id"], kind)
    submitted = _calls(aws_calls, "http:POST /aid/applications", lambda: worker.post(
        f"/aid/applications/{app['app_id']}/submit"))
    _check("aid submit", submitted)


def test_audit_handler_per_domain_event(aws, pump, aws_calls):
    from chalicelib.audit.specs import AUDIT_QUEUE
    from chalicelib.platform.events import SYSTEM, publish

    events = 4
    for n in range(events):
        publish("dorms", "DormProbe", data={"n": n}, org="zj/huz/nanxun/e-sanxing", actor=SYSTEM)
    aws_calls.clear()
    pump.drain()  # the rule forwards the events to the audit queue, and its Lambda writes them
    writes = [(c.operation, c.table) for c in aws_calls.for_work("event:") if c.service == "dynamodb"]
    assert AUDIT_QUEUE.name and writes, "the audit Lambda ran"
    per_event = len(writes) / events
    print(f"audit per domain event: {per_event:.2f} calls ({len(writes)} for {events} events)")
    assert per_event <= BUDGET["audit per domain event"], writes


def test_face_start_and_callback(fakes, login, aws_calls):
    from tests.integration.identity.conftest import XIHU, make_id

    number = make_id("330102", "19930101", "555")
    li = login("worker", user_id="w-face-rt", org_path=XIHU)
    li.get("/identity/me")  # registered
    fakes.set_face_result(number, True, None)
    # a warm Lambda: the keys from Parameter Store are cached after the first request
    assert li.post("/identity/face/start", {"real_name": "李晓", "id_number": number}).status_code == 201
    started: list[Any] = []
    start = _calls(aws_calls, "http:POST /identity/face/start", lambda: started.append(
        li.post("/identity/face/start", {"real_name": "李晓", "id_number": number})))
    _check("POST /identity/face/start", start)
    certify = body(started[0])["certify_id"]
    fakes.complete_certify(certify)
    callback = _calls(aws_calls, "http:POST /identity/face/callback", lambda: li.post(
        "/identity/face/callback", {"certify_id": certify, "result_code": "9000"}))
    _check("face-verify callback", callback)


def test_browse(login, pump, aws_calls):
    from tests.integration.profiles.helpers import member as profile_member

    viewer = profile_member(login, pump, "w-viewer", gender="male", drain=False,
                            seeking={"gender": "female", "age_min": 25, "age_max": 38, "cities": ["hz"],
                                     "must_have": [], "nice_to_have": []})
    for n in range(6):
        profile_member(login, pump, f"w-browse-{n}", drain=False, birth_year=1990 + n)
    pump.drain()
    browse = _calls(aws_calls, "http:GET /profiles/browse", lambda: viewer.get("/profiles/browse?limit=20"))
    _check("GET /profiles/browse", browse)
