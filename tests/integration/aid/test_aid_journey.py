"""A worker at 三行电气 applies for serious-illness aid and follows it through every step:
enterprise union review, district union review, the public notice, approval and payment."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.aid.support import CARD, DISTRICT, ENTERPRISE, draft, step, submitted, upload


@pytest.fixture(autouse=True)
def _clock():
    clock.reset()
    yield
    clock.reset()


@contextmanager
def later(**delta):
    """Run the schedules as if ``delta`` had passed (tokens are checked against the real
    clock, so the HTTP calls stay outside)."""
    clock.travel(timedelta(**delta))
    try:
        yield
    finally:
        clock.travel(-timedelta(**delta))


@pytest.fixture
def people(login):
    return {
        "worker": login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫"),
        "colleague": login("worker", user_id="w-li", org_path=ENTERPRISE, name="李娜"),
        "enterprise": login("enterprise_admin", user_id="sanxing-admin", org_path=ENTERPRISE, name="沈嘉俊"),
        "district": login("union_admin", user_id="nanxun-admin", org_path=DISTRICT, name="杨雪莉"),
    }


def test_a_worker_applies_and_follows_the_application_to_payment(people, pump):
    worker, enterprise, district = people["worker"], people["enterprise"], people["district"]
    app = draft(worker)
    assert app["state"] == "draft" and app["per_capita_income_fen"] == 1_200_000
    assert app["bank_card"] == f"{CARD[:4]} **** **** {CARD[-4:]}"
    refused = worker.post(f"/aid/applications/{app['app_id']}/submit")
    assert refused.status_code == 422 and body(refused)["code"] == "AID_DOCUMENTS_MISSING"
    assert "医院诊断证明" in body(refused)["message"]

    app = submitted(worker)
    assert app["state"] == "enterprise_review" and app["assigned_path"] == ENTERPRISE
    queue = body(enterprise.get("/aid/queue?state=enterprise_review"))["items"]
    assert [a["app_id"] for a in queue] == [app["app_id"]]

    assert step(enterprise, app, "enterprise_review", "approve", "情况属实").status_code == 200
    too_high = step(enterprise, app, "district_review", "approve", amount_fen=800_000)
    assert too_high.status_code == 403 and body(too_high)["code"] == "AID_STEP_NOT_IN_SCOPE"
    approved = step(district, app, "district_review", "approve", "同意救助", amount_fen=800_000)
    assert approved.status_code == 200 and body(approved)["state"] == "public_notice"
    # the notice opens in the background: the answer says so instead of an unexplained empty end date
    assert body(approved)["notice_ends_at"] is None and "后台开启" in body(approved)["next_step"]

    pump.drain()
    notice = body(worker.get(f"/aid/applications/{app['app_id']}"))
    assert notice["notice_ends_at"], "the aid-step Lambda opened the public notice"
    assert "notice_ends_at 结束" in notice["next_step"]
    on_notice = body(people["colleague"].get("/aid/notices"))["items"]
    assert [(n["applicant"], n["approved_fen"]) for n in on_notice] == [("陈*鑫", 800_000)]

    with later(days=6):
        pump.run_schedule("aid_events_close_public_notices")
        pump.drain()
    assert body(worker.get(f"/aid/applications/{app['app_id']}"))["state"] == "approved"

    paid = district.post(f"/aid/applications/{app['app_id']}/disburse",
                         {"amount_fen": 800_000, "reference": "ICBC20261129001"})
    assert paid.status_code == 200, paid.body
    pump.drain()

    final = body(worker.get(f"/aid/applications/{app['app_id']}"))
    assert final["state"] == "disbursed" and final["payment_reference"] == "ICBC20261129001"
    assert [t["action"] for t in final["timeline"]] == [
        "submit", "approve", "approve", "close_notice", "disburse"]
    assert [t["actor_name"] for t in final["timeline"][1:3]] == ["沈嘉俊", "杨雪莉"]
    assert final["timeline"][1]["opinion"] == "情况属实"
    told = [n["title"] for n in body(worker.get("/aid/notifications"))["items"]]
    assert {"帮扶金已发放", "帮扶申请已提交", "帮扶申请已批准"} <= set(told) and len(told) == 5

    figures = body(district.get("/aid/figures"))
    assert figures["by_state"] == {"disbursed": 1}
    assert figures["by_type"] == {"serious_illness": 1}
    assert figures["disbursed_fen"] == 800_000
    assert figures["median_days_per_step"]["public_notice"] == 6.0


def test_needs_changes_goes_back_to_the_worker_and_returns_to_the_same_step(people, pump):
    worker, enterprise, district = people["worker"], people["enterprise"], people["district"]
    app = submitted(worker)
    step(enterprise, app, "enterprise_review", "approve")
    no_note = step(district, app, "district_review", "return")
    assert no_note.status_code == 422 and body(no_note)["code"] == "AID_OPINION_REQUIRED"
    returned = step(district, app, "district_review", "return", "请补充近三个月住院费用票据")
    assert body(returned)["state"] == "needs_changes"
    pump.drain()
    seen = body(worker.get(f"/aid/applications/{app['app_id']}"))
    assert seen["last_note"] == "请补充近三个月住院费用票据"
    assert "请补充近三个月住院费用票据" in body(worker.get("/aid/notifications"))["items"][0]["body"]

    upload(worker, app["app_id"], "hospital_bill")
    again = worker.post(f"/aid/applications/{app['app_id']}/submit")
    assert body(again)["state"] == "district_review", "back to the step that asked for changes"
    assert body(again)["timeline"][-1]["action"] == "resubmit"


def test_a_rejection_needs_a_reason_and_frees_the_worker_to_apply_again(people):
    worker, enterprise = people["worker"], people["enterprise"]
    app = submitted(worker)
    second = draft(worker)
    for kind in ("diagnosis", "household_register", "income_proof", "bank_card"):
        upload(worker, second["app_id"], kind)
    refused = worker.post(f"/aid/applications/{second['app_id']}/submit")
    assert refused.status_code == 409 and body(refused)["code"] == "AID_ALREADY_OPEN"
    assert body(worker.get(f"/aid/applications/{second['app_id']}"))["state"] == "draft"

    assert step(enterprise, app, "enterprise_review", "reject").status_code == 422
    rejected = step(enterprise, app, "enterprise_review", "reject", "家庭人均收入高于当地困难标准")
    assert body(rejected)["state"] == "rejected"
    assert worker.post(f"/aid/applications/{second['app_id']}/submit").status_code == 200


def test_an_objection_during_the_public_notice_sends_it_to_review(people, pump):
    worker, enterprise, district = people["worker"], people["enterprise"], people["district"]
    app = submitted(worker)
    step(enterprise, app, "enterprise_review", "approve")
    step(district, app, "district_review", "approve", amount_fen=500_000)
    pump.drain()
    own = worker.post(f"/aid/applications/{app['app_id']}/objections", {"text": "我对自己没有异议"})
    assert own.status_code == 403
    raised = people["colleague"].post(f"/aid/applications/{app['app_id']}/objections",
                                      {"text": "申请人家中另有商铺出租收入"})
    assert raised.status_code == 201
    with later(days=6):
        pump.run_schedule("aid_events_close_public_notices")
    seen = body(district.get(f"/aid/applications/{app['app_id']}"))
    assert seen["state"] == "objection_review"
    assert [o["text"] for o in seen["objections"]] == ["申请人家中另有商铺出租收入"]
    assert "objections" not in body(worker.get(f"/aid/applications/{app['app_id']}")) or \
        body(worker.get(f"/aid/applications/{app['app_id']}"))["objections"] == []
    final = step(district, app, "objection_review", "reject", "经核实，家庭收入超过困难标准")
    assert body(final)["state"] == "rejected"


def test_a_step_pending_too_long_escalates_to_the_next_level(people, pump):
    worker, enterprise, district = people["worker"], people["enterprise"], people["district"]
    app = submitted(worker)
    pump.run_schedule("aid_events_escalate_pending_steps")
    assert body(worker.get(f"/aid/applications/{app['app_id']}"))["assigned_path"] == ENTERPRISE

    with later(days=6):
        assert pump.run_schedule("aid_events_escalate_pending_steps") == {"escalated": 1}
    seen = body(district.get(f"/aid/applications/{app['app_id']}"))
    assert seen["state"] == "enterprise_review" and seen["assigned_path"] == DISTRICT and seen["escalations"] == 1
    assert seen["timeline"][-1]["action"] == "escalate"
    late = step(enterprise, app, "enterprise_review", "approve")
    assert late.status_code == 403 and body(late)["code"] == "AID_STEP_NOT_IN_SCOPE"
    assert step(district, app, "enterprise_review", "approve", "区总工会代为审核").status_code == 200


def test_scope_limits_set_by_the_district_shorten_the_wait(people, pump):
    worker, district = people["worker"], people["district"]
    assert district.put("/aid/settings", {"org_path": DISTRICT, "escalate_after_days": 2,
                                          "notice_days": 3}).status_code == 200
    app = submitted(worker)
    with later(days=2, hours=1):
        assert pump.run_schedule("aid_events_escalate_pending_steps") == {"escalated": 1}
    assert body(district.get(f"/aid/applications/{app['app_id']}"))["assigned_path"] == DISTRICT


def test_the_staff_queue_pages_with_cursors_and_filters_by_type(people, login):
    enterprise = people["enterprise"]
    for n, aid_type in enumerate(["serious_illness", "family_hardship", "serious_illness"]):
        submitted(login("worker", user_id=f"w-q{n}", org_path=ENTERPRISE, name=f"职工{n}"), aid_type=aid_type,
                  requested_fen=200_000)
    first = body(enterprise.get("/aid/queue?state=enterprise_review&limit=2"))
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = body(enterprise.get(f"/aid/queue?state=enterprise_review&limit=2&cursor={first['next_cursor']}"))
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    reused = enterprise.get(f"/aid/queue?state=district_review&limit=2&cursor={first['next_cursor']}")
    assert reused.status_code == 400 and body(reused)["code"] == "INVALID_CURSOR"
    only = body(enterprise.get("/aid/queue?state=enterprise_review&aid_type=family_hardship"))["items"]
    assert [a["aid_type_name"] for a in only] == ["生活困难帮扶"]
    assert only[0]["per_capita_income_fen"] == 1_200_000


def test_escalation_climbs_one_level_at_a_time_and_stops_at_the_province(people, pump):
    from chalicelib.aid.models import AidApplication

    app = submitted(people["worker"])
    climbed = []
    for n in range(1, 5):
        with later(days=6 * n):
            pump.run_schedule("aid_events_escalate_pending_steps")
        climbed.append(AidApplication.get(app["app_id"]).assigned_path)
    assert climbed == [DISTRICT, "zj/huz", "zj", "zj"]
    stuck = AidApplication.get(app["app_id"])
    assert stuck.escalations == 3 and stuck.due_kind is None


def test_a_worker_edits_the_draft_and_may_withdraw_before_a_decision(people):
    worker, enterprise = people["worker"], people["enterprise"]
    app = draft(worker, bank_card=None)
    edited = worker.patch(f"/aid/applications/{app['app_id']}", {"household_size": 5, "bank_card": CARD})
    assert edited.status_code == 200
    assert body(edited)["per_capita_income_fen"] == 960_000 and body(edited)["bank_card"].endswith(CARD[-4:])
    app = submitted(worker)
    assert worker.patch(f"/aid/applications/{app['app_id']}", {"household_size": 2}).status_code == 409
    withdrawn = worker.post(f"/aid/applications/{app['app_id']}/withdraw")
    assert body(withdrawn)["state"] == "withdrawn"
    assert step(enterprise, app, "enterprise_review", "approve").status_code == 409
    assert submitted(worker)["state"] == "enterprise_review", "withdrawing frees the worker to apply again"
