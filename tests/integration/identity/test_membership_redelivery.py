"""The membership Lambda is idempotent through the member's own versioned commit: the same
FaceVerified event delivered twice verifies her once, publishes one MemberVerified and
sends one message (no idempotency record on top)."""
from __future__ import annotations

import json

from chalicelib.identity.specs import MEMBERSHIP_QUEUE
from chalicelib.platform.aws import client
from chalicelib.platform.queues import queue_url
from local.pump import _context, _sqs_record, resolve
from tests.conftest import Session, body
from tests.integration.identity.conftest import LIGHTYEAR, XIHU, make_id, roster_csv

WANG_ID = make_id("330106", "19960512", "246")
WANG_ALIPAY = "2088102150470001"


def test_a_redelivered_face_verified_event_verifies_her_once(fakes, api, login, orgs, pump, upload_roster, spy):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    upload_roster(admin, XIHU, roster_csv([["王小丽", WANG_ID, "杭州光年科技有限公司", LIGHTYEAR, "在会",
                                            "13857101234"]]))
    signed_in = api.post("/auth/alipay", headers={"Content-Type": "application/json"},
                         body=json.dumps({"auth_code": fakes.alipay_auth_code(WANG_ALIPAY)}))
    wang = Session(api, body(signed_in))
    pump.drain()
    fakes.set_face_result(WANG_ID, True, None)
    certify = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": WANG_ID}))["certify_id"]
    fakes.complete_certify(certify)
    assert body(wang.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"}))["status"] \
        == "passed"
    source = next(s for s in pump.sqs_sources() if s.queue == MEMBERSHIP_QUEUE.name)
    pump.pump_outbox()  # the FaceVerified event, staged with the pass, reaches the bus
    for rule in pump.rule_sources():  # EventBridge → the membership queue (and the others)
        pump.pump_rule(rule)
    sqs, url = client("sqs"), queue_url(MEMBERSHIP_QUEUE.name)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    assert len(received) == 1

    # when the membership Lambda gets the same event twice (SQS delivers at least once)
    handler = resolve(source.handler_string)
    event = {"Records": [_sqs_record(received[0], f"arn:aws:sqs:cn-north-1:123456789012:{MEMBERSHIP_QUEUE.name}")]}
    answers = [handler(event, _context(source.name)) for _ in range(2)]

    # then both runs succeed, and she is verified once: one event, one message
    assert all(a == {"batchItemFailures": []} for a in answers)
    pump.drain()  # the notification queue
    assert body(wang.get("/identity/me"))["state"] == "member_verified"
    assert len(spy.of("MemberVerified")) == 1
    told = [m for m in fakes.sent_messages if m["recipient"] == WANG_ALIPAY]
    assert [m["template_id"] for m in told] == ["gnj-membership-result"]


def test_members_moved_in_from_1_0_are_announced_so_guangnianjian_knows_them(aws, pump):
    """A 1.0 member arrives verified and pledged: identity announces each one (MemberActivated,
    through the outbox), so social counts them active like a member verified here — and a
    re-run of the migration announces nobody twice."""
    from chalicelib.identity import logic
    from chalicelib.social import standing

    records = [{"user_id": "legacy-1", "id_number": "330102199001011234", "real_name": "王小明",
                "org_path": "zj/hz/xihu/e-ant", "enterprise": "蚂蚁", "pledged": True},
               {"user_id": "legacy-2", "id_number": "330102199202022343", "real_name": "李小红",
                "org_path": "zj/hz/xihu/e-ant", "enterprise": "蚂蚁", "pledged": False}]
    assert logic.load_verified_members(records, source="光年间1.0", roster_scope="zj/hz/xihu/legacy") == 2
    pump.drain()
    assert standing.is_active("legacy-1") and not standing.is_active("legacy-2")  # not pledged: not 光年间 yet
    assert logic.load_verified_members(records, source="光年间1.0", roster_scope="zj/hz/xihu/legacy") == 0
