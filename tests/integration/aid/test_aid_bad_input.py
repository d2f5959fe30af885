"""Bad input gets a clear 4xx and changes nothing: absurd amounts, an admin outside the
scope, a step out of order, another worker's application; the bank card stays sealed."""
from __future__ import annotations

from chalicelib.aid.models import AidApplication, AidStep
from tests.conftest import body
from tests.integration.aid.support import CARD, DISTRICT, ENTERPRISE, draft, step, submitted


def _unchanged(app_id: str, steps: int) -> None:
    assert len(list(AidStep.query(app_id))) == steps


def test_absurd_or_negative_amounts_are_refused(login):
    worker = login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫")
    base = {"aid_type": "serious_illness", "household_size": 4, "household_income_fen": 4_800_000,
            "requested_fen": 500_000, "description": "父亲确诊尿毒症，需长期透析，家庭困难。"}
    for bad in ({"household_income_fen": -1}, {"requested_fen": 0}, {"requested_fen": 10**12},
                {"household_size": 0}, {"aid_type": "lottery"}, {"bank_card": "6222020200112233440"}):
        response = worker.post("/aid/applications", {**base, **bad})
        assert response.status_code == 422, bad
        assert body(response)["message"]
    over_type_cap = worker.post("/aid/applications", {**base, "aid_type": "education", "requested_fen": 600_000})
    assert over_type_cap.status_code == 422 and body(over_type_cap)["code"] == "AID_OVER_CAP"
    assert body(worker.get("/aid/my-applications"))["items"] == []


def test_admins_outside_the_scope_and_other_workers_do_not_see_the_application(login):
    worker = login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫")
    app = submitted(worker)
    strangers = [login("worker", user_id="w-other", org_path=ENTERPRISE),
                 login("enterprise_admin", user_id="other-ent", org_path="zj/huz/nanxun/e-other"),
                 login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu")]
    for stranger in strangers:
        assert stranger.get(f"/aid/applications/{app['app_id']}").status_code == 404
    outside = step(strangers[2], app, "enterprise_review", "approve")
    assert outside.status_code == 404 and body(outside)["code"] == "AID_NOT_FOUND"
    assert strangers[2].get("/aid/queue?org=zj/huz/nanxun").status_code == 404
    as_worker = worker.post(f"/aid/applications/{app['app_id']}/steps",
                            {"from_state": "enterprise_review", "action": "approve"})
    assert as_worker.status_code == 403
    _unchanged(app["app_id"], 1)


def test_a_step_out_of_order_is_refused_and_changes_nothing(login):
    worker = login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫")
    district = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    app = submitted(worker)
    stale = step(district, app, "district_review", "approve", amount_fen=100_000)
    assert stale.status_code == 409 and body(stale)["code"] == "AID_STEP_TAKEN"
    early_pay = district.post(f"/aid/applications/{app['app_id']}/disburse",
                              {"amount_fen": 100_000, "reference": "ICBC0001"})
    assert early_pay.status_code == 409 and body(early_pay)["code"] == "AID_STEP_OUT_OF_ORDER"
    again = worker.post(f"/aid/applications/{app['app_id']}/submit")
    assert again.status_code == 409
    bad_action = district.post(f"/aid/applications/{app['app_id']}/steps",
                               {"from_state": "enterprise_review", "action": "escalate"})
    assert bad_action.status_code == 422
    _unchanged(app["app_id"], 1)
    assert body(worker.get(f"/aid/applications/{app['app_id']}"))["state"] == "enterprise_review"


def test_a_draft_is_private_and_the_bank_card_is_never_stored_in_plain_text(login):
    worker = login("worker", user_id="w-chen", org_path=ENTERPRISE, name="陈宏鑫")
    district = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    app = draft(worker)
    assert district.get("/aid/queue?state=draft").status_code == 422
    raw = AidApplication.get(app["app_id"]).serialize()
    assert CARD not in str(raw) and CARD[-4:] in raw["bank_card_masked"]["S"]
    from chalicelib.platform import pii

    assert pii.unseal(raw["bank_card_sealed"]["S"]) == CARD


def test_a_worker_without_an_enterprise_cannot_apply(login):
    loose = login("worker", user_id="w-loose", org_path="zj/huz/nanxun")
    response = loose.post("/aid/applications", {
        "aid_type": "family_hardship", "household_size": 3, "household_income_fen": 3_000_000,
        "requested_fen": 200_000, "description": "家庭生活困难，需要工会帮扶。"})
    assert response.status_code == 422 and body(response)["code"] == "AID_NO_ENTERPRISE"
