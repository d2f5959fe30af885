"""Money and approvals under contention: two admins on one step, a payment delivered three
times, a second payment with another reference, the yearly cap held by DynamoDB."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import requests

from chalicelib.platform.aws import client
from chalicelib.platform.queues import queue_url
from tests.conftest import body
from tests.integration.aid.support import DISTRICT, ENTERPRISE, step, submitted


def _cast(login):
    worker = login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫")
    enterprise = login("enterprise_admin", user_id="sanxing-admin", org_path=ENTERPRISE, name="沈嘉俊")
    district_a = login("union_admin", user_id="nanxun-a", org_path=DISTRICT, name="杨雪莉")
    district_b = login("union_admin", user_id="nanxun-b", org_path=DISTRICT, name="王建")
    return worker, enterprise, district_a, district_b


def _approved(login, pump):
    """An application approved after its public notice, ready to pay."""
    from chalicelib.aid import logic

    worker, enterprise, district_a, district_b = _cast(login)
    app = submitted(worker)
    step(enterprise, app, "enterprise_review", "approve")
    step(district_a, app, "district_review", "approve", amount_fen=600_000)
    pump.drain()
    from datetime import timedelta

    from chalicelib.platform import clock

    clock.travel(timedelta(days=6))
    try:
        assert logic.close_due_notices() == 1
    finally:
        clock.travel(-timedelta(days=6))
    return worker, district_a, district_b, app


def test_two_admins_acting_on_the_same_step_at_once_exactly_one_wins(live_api, login):
    worker, enterprise, district_a, district_b = _cast(login)
    for _ in range(3):
        app = submitted(worker)
        step(enterprise, app, "enterprise_review", "approve")
        decisions = [(district_a, {"from_state": "district_review", "action": "approve", "amount_fen": 300_000}),
                     (district_b, {"from_state": "district_review", "action": "reject", "opinion": "材料不实，不予救助"})]

        def act(pair, app_id=app["app_id"]):
            session, payload = pair
            r = requests.post(f"{live_api}/aid/applications/{app_id}/steps", json=payload,
                              headers=session.headers, timeout=30)
            return r.status_code, r.json()

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(act, decisions))
        statuses = sorted(s for s, _ in results)
        assert statuses == [200, 409], results
        loser = next(b for s, b in results if s == 409)
        assert loser["code"] == "AID_STEP_TAKEN" and loser["message"]
        final = body(worker.get(f"/aid/applications/{app['app_id']}"))
        assert [t["action"] for t in final["timeline"]] == ["submit", "approve", next(
            p["action"] for (_, p), (s, _) in zip(decisions, results, strict=True) if s == 200)]
        if final["state"] == "public_notice":  # the approval won: this year's room is used
            step(district_a, app, "public_notice", "reject", "撤回批准，便于下一轮演练")


def test_a_disbursement_delivered_three_times_pays_once(login, pump):
    worker, district_a, _, app = _approved(login, pump)
    message = json.dumps({"app_id": app["app_id"], "amount_fen": 600_000, "reference": "ICBC202611290042",
                          "paid_by": "finance-nanxun"})
    url = queue_url("gonghui-local-aid-disbursements")
    for _ in range(3):
        client("sqs").send_message(QueueUrl=url, MessageBody=message)
    pump.drain()
    assert pump.stats["aid_events_record_disbursements"].delivered == 3
    assert pump.stats["aid_events_record_disbursements"].failed == 0

    seen = body(worker.get(f"/aid/applications/{app['app_id']}"))
    assert seen["state"] == "disbursed" and seen["disbursed_fen"] == 600_000
    assert [t["action"] for t in seen["timeline"]].count("disburse") == 1
    from chalicelib.aid.models import AidPayment

    assert [(p.amount_fen, p.reference) for p in AidPayment.query(app["app_id"])] == [(600_000, "ICBC202611290042")]
    assert body(district_a.get("/aid/figures"))["disbursed_fen"] == 600_000

    same = district_a.post(f"/aid/applications/{app['app_id']}/disburse",
                           {"amount_fen": 600_000, "reference": "ICBC202611290042"})
    assert same.status_code == 200, "the same payment reported again is a no-op"
    other = district_a.post(f"/aid/applications/{app['app_id']}/disburse",
                            {"amount_fen": 600_000, "reference": "ICBC202611299999"})
    assert other.status_code == 409 and body(other)["code"] == "AID_ALREADY_DISBURSED"


def test_three_deliveries_of_one_payment_at_the_same_moment_record_it_once_without_errors(login, pump):
    from chalicelib.aid import logic
    from chalicelib.aid.models import AidPayment
    from chalicelib.platform.events import Actor

    _, _, _, app = _approved(login, pump)

    def deliver(_):
        return logic.record_disbursement(app["app_id"], 600_000, "ICBC202611290077", source="queue",
                                         actor=Actor(user_id="finance", role="system"), actor_name="财务")

    with ThreadPoolExecutor(max_workers=3) as pool:
        recorded = list(pool.map(deliver, range(3)))
    assert sorted(recorded) == [False, False, True]
    assert len(list(AidPayment.query(app["app_id"]))) == 1


def test_concurrent_disburse_requests_record_one_payment(live_api, login, pump):
    _, district_a, district_b, app = _approved(login, pump)

    def pay(pair):
        session, ref = pair
        return requests.post(f"{live_api}/aid/applications/{app['app_id']}/disburse",
                             json={"amount_fen": 600_000, "reference": ref}, headers=session.headers, timeout=30)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(pay, [(district_a, "REF-A-0001"), (district_b, "REF-B-0002")]))
    assert sorted(r.status_code for r in results) == [200, 409]
    from chalicelib.aid.models import AidPayment

    assert len(list(AidPayment.query(app["app_id"]))) == 1


def test_the_yearly_cap_per_worker_and_type_holds(login, pump):
    worker, enterprise, district_a, _ = _cast(login)
    app = submitted(worker, requested_fen=2_000_000)
    step(enterprise, app, "enterprise_review", "approve")
    over = step(district_a, app, "district_review", "approve", amount_fen=2_000_001)
    assert over.status_code == 422 and body(over)["code"] == "AID_YEARLY_CAP_REACHED"
    assert step(district_a, app, "district_review", "approve", amount_fen=1_500_000).status_code == 200
    step(district_a, app, "public_notice", "reject", "公示期间核实发现重复申请")  # frees the lock, gives the room back
    second = submitted(worker, requested_fen=2_000_000)
    step(enterprise, second, "enterprise_review", "approve")
    assert step(district_a, second, "district_review", "approve", amount_fen=2_000_000).status_code == 200
    third_draft = worker.post("/aid/applications", {
        "aid_type": "serious_illness", "household_size": 4, "household_income_fen": 4_800_000,
        "requested_fen": 2_000_001, "description": "再次申请大病救助，医疗费用仍然很高。"})
    assert third_draft.status_code == 422  # beyond any type's cap: refused by the schema


def test_a_step_event_delivered_twice_is_counted_and_told_once(login, pump):
    from chalicelib.aid.events import STEP_QUEUE
    from chalicelib.aid.models import AidStep
    from chalicelib.platform.events import DomainEvent

    worker, enterprise, _, _ = _cast(login)
    app = submitted(worker)
    pump.drain()
    event = DomainEvent(event_id=f"{app['app_id']}-1", org=ENTERPRISE, data={
        "app_id": app["app_id"], "user_id": worker.user_id, "aid_type": "serious_illness", "year": app["created_at"][:4],
        "org_path": ENTERPRISE, "seq": 1, "action": "submit", "from_state": "draft", "to_state": "enterprise_review",
        "opinion": "", "amount_fen": None, "days_in_state": 0, "assigned_path": ENTERPRISE,
        "at": AidStep.get(app["app_id"], 1).at})
    # the same event again, as EventBridge may redeliver it
    notifications = body(worker.get("/aid/notifications"))["items"]
    envelope = {"source": "gonghui.aid", "detail-type": "AidStepTaken", "detail": event.model_dump(mode="json")}
    client("sqs").send_message(QueueUrl=queue_url(STEP_QUEUE.name), MessageBody=json.dumps(envelope))
    pump.drain()
    figures = body(enterprise.get("/aid/figures"))
    assert figures["by_state"] == {"enterprise_review": 1} and figures["by_type"] == {"serious_illness": 1}
    assert len(body(worker.get("/aid/notifications"))["items"]) == len(notifications) == 1
