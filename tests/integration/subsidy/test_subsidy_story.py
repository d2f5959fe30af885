"""A Yuyao enterprise previews, submits and gets its 产改20条 subsidy approved line by line,
within the district's yearly budget; one-offs are never paid twice; bad claims change nothing."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from chalicelib.platform import clock
from chalicelib.subsidy import logic
from chalicelib.subsidy.worked_examples import seed_policy
from tests.conftest import body

YUYAO = "zj/nb/yuyao"
ENTERPRISE = "zj/nb/yuyao/e-shunyu"
YEAR = clock.today_shanghai().year


@pytest.fixture
def policy(aws):
    return logic.publish_policy(seed_policy(), by="test")


@pytest.fixture
def cast(login, policy):
    enterprise = login("enterprise_admin", user_id="shunyu-admin", org_path=ENTERPRISE, name="舜宇工会 王主席")
    union = login("union_admin", user_id="yuyao-admin", org_path=YUYAO, name="余姚产改办")
    assert union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR,
                                          "total_fen": 50_000_000}).status_code == 200
    return enterprise, union


def evidence(session, name="证书.pdf"):
    ticket = body(session.post("/subsidy/uploads", {"filename": name, "content_type": "application/pdf"}))
    sent = requests.post(ticket["url"], data=ticket["fields"], files={"file": (name, b"%PDF-1.4", "application/pdf")},
                         timeout=10)
    assert sent.status_code in (200, 204)
    return ticket["key"]


def claim(session, *items):
    return {"items": [{**item, "evidence": [evidence(session)]} for item in items]}


TRAINING = {"measure": "training", "subject": "CERT-330281-0001", "cost_fen": 450_000}
CENTRE = {"measure": "training_centre", "subject": "舜宇工匠学院"}
CONTEST = {"measure": "competition", "subject": "宁波市数控车工技能竞赛", "cost_fen": 7_500_000, "level": "ningbo"}
IDEA = {"measure": "golden_idea", "subject": "注塑模具冷却水路改良"}


def test_an_enterprise_previews_submits_and_gets_every_line_explained_and_approved(cast, pump):
    enterprise, union = cast
    preview = enterprise.post("/subsidy/preview", {"items": [TRAINING, CENTRE, CONTEST, IDEA]})
    assert preview.status_code == 200, preview.body
    lines = body(preview)["lines"]
    assert [ln["amount_fen"] for ln in lines] == [300_000, 10_000_000, 6_000_000, 150_000]
    assert body(preview)["total_fen"] == 16_450_000
    assert lines[0]["capped"] and "3,000.00元" in lines[0]["explanation"]
    assert "宁波市" in lines[2]["clause"] and lines[2]["cap_fen"] == 6_000_000

    submitted = enterprise.post("/subsidy/applications", claim(enterprise, TRAINING, CENTRE, CONTEST, IDEA))
    assert submitted.status_code == 202 and body(submitted)["state"] == "calculating"
    app_id = body(submitted)["app_id"]
    pump.drain()
    computed = body(enterprise.get(f"/subsidy/applications/{app_id}"))
    assert computed["state"] == "pending_review" and computed["total_fen"] == 16_450_000
    assert [ln["explanation"] for ln in computed["lines"]] == [ln["explanation"] for ln in lines]
    queue = body(union.get("/subsidy/queue"))["items"]
    assert [a["app_id"] for a in queue] == [app_id]

    decisions = [{"item_id": "L1", "approve": True}, {"item_id": "L2", "approve": True},
                 {"item_id": "L3", "approve": False, "reason": "竞赛承办合同未加盖公章"},
                 {"item_id": "L4", "approve": True}]
    reviewed = union.post(f"/subsidy/applications/{app_id}/review", {"decisions": decisions})
    assert reviewed.status_code == 200, reviewed.body
    done = body(reviewed)
    assert done["state"] == "approved" and done["paid_fen"] == 10_450_000
    assert [(ln["decision"], ln["paid_fen"]) for ln in done["lines"]] == [
        ("approved", 300_000), ("approved", 10_000_000), ("rejected", 0), ("approved", 150_000)]
    assert done["lines"][2]["reason"] == "竞赛承办合同未加盖公章"
    budget = body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))
    assert budget["committed_fen"] == 10_450_000 and budget["remaining_fen"] == 39_550_000

    again = body(enterprise.post("/subsidy/preview", {"items": [CENTRE, IDEA, {**IDEA, "subject": "新点子"}]}))
    assert [ln["amount_fen"] for ln in again["lines"]] == [0, 0, 150_000]
    assert "已享受过" in again["lines"][0]["explanation"]


def test_an_application_that_would_overrun_the_budget_waits_and_is_paid_when_the_budget_is_raised(cast, pump):
    enterprise, union = cast
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 100_000})
    app_id = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    approve_all = {"decisions": [{"item_id": "L1", "approve": True}]}
    waiting = body(union.post(f"/subsidy/applications/{app_id}/review", approve_all))
    assert waiting["state"] == "waiting_budget" and "待追加预算" in waiting["budget_note"]
    assert body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))["committed_fen"] == 0
    later = body(enterprise.post("/subsidy/applications", claim(enterprise, IDEA)))["app_id"]
    pump.drain()
    assert body(union.post(f"/subsidy/applications/{later}/review", approve_all))["state"] == "waiting_budget"
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 10_100_000})
    pump.drain()  # the budget Lambda pays what now fits, oldest decision first
    paid = body(enterprise.get(f"/subsidy/applications/{app_id}"))
    assert paid["state"] == "approved" and paid["paid_fen"] == 10_000_000
    assert body(enterprise.get(f"/subsidy/applications/{later}"))["state"] == "waiting_budget"  # 1,500 > 1,000 left
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 20_000_000})
    pump.drain()
    assert body(enterprise.get(f"/subsidy/applications/{later}"))["paid_fen"] == 150_000


def test_a_new_version_applies_to_applications_submitted_after_it_and_may_cut_to_the_budget(cast, pump, login):
    enterprise, union = cast
    old_app = body(enterprise.post("/subsidy/applications", claim(enterprise, IDEA)))["app_id"]
    platform = login("platform_admin", user_id="root", org_path="zj")
    newer = seed_policy().model_copy(update={"version": f"{YEAR}.1", "effective_from": date(YEAR, 1, 1),
                                             "over_budget": "cut"})
    published = platform.post("/subsidy/policies", newer.model_dump(mode="json"))
    assert published.status_code == 201
    assert platform.post("/subsidy/policies", newer.model_dump(mode="json")).status_code == 409
    new_app = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    assert body(enterprise.get(f"/subsidy/applications/{old_app}"))["policy_version"] == "2023.1"
    assert body(enterprise.get(f"/subsidy/applications/{new_app}"))["policy_version"] == f"{YEAR}.1"
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 4_000_000})
    cut = body(union.post(f"/subsidy/applications/{new_app}/review",
                          {"decisions": [{"item_id": "L1", "approve": True}]}))
    assert cut["state"] == "approved" and cut["paid_fen"] == 4_000_000 and "核减" in cut["budget_note"]


def test_bad_claims_get_a_clear_4xx_and_nothing_is_stored(cast, login):
    enterprise, union = cast
    for bad, code in (({"measure": "training", "subject": "C-1", "cost_fen": -100}, "VALIDATION_FAILED"),
                      ({"measure": "training", "subject": "C-1", "cost_fen": 10**13}, "VALIDATION_FAILED"),
                      ({"measure": "housing_allowance", "subject": "x"}, "SUBSIDY_MEASURE_NOT_IN_POLICY"),
                      ({"measure": "competition", "subject": "赛", "cost_fen": 100}, "SUBSIDY_LEVEL_REQUIRED"),
                      ({"measure": "training", "subject": "C-1"}, "SUBSIDY_COST_REQUIRED")):
        for path in ("/subsidy/preview", "/subsidy/applications"):
            response = enterprise.post(path, {"items": [{**bad, "evidence": []}]})
            assert response.status_code == 422 and body(response)["code"] == code, (bad, response.body)
            assert body(response)["message"]
    no_evidence = enterprise.post("/subsidy/applications", {"items": [IDEA]})
    assert no_evidence.status_code == 422 and body(no_evidence)["code"] == "SUBSIDY_EVIDENCE_MISSING"
    never_uploaded = enterprise.post("/subsidy/applications", {"items": [
        {**IDEA, "evidence": [f"subsidy/{ENTERPRISE}/nothing-here.pdf"]}]})
    assert body(never_uploaded)["code"] == "SUBSIDY_EVIDENCE_MISSING"
    other = login("enterprise_admin", user_id="other-admin", org_path="zj/nb/yuyao/e-other")
    borrowed = other.post("/subsidy/applications", {"items": [{**IDEA, "evidence": [evidence(enterprise)]}]})
    assert body(borrowed)["code"] == "SUBSIDY_EVIDENCE_MISSING"
    assert body(enterprise.get("/subsidy/applications"))["items"] == []
    assert body(union.get("/subsidy/queue?state=calculating"))["items"] == []


def test_staff_outside_the_scope_and_steps_out_of_order_are_refused(cast, pump, login):
    enterprise, union = cast
    app_id = body(enterprise.post("/subsidy/applications", claim(enterprise, IDEA)))["app_id"]
    early = union.post(f"/subsidy/applications/{app_id}/review", {"decisions": [{"item_id": "L1", "approve": True}]})
    assert early.status_code == 409 and body(early)["code"] == "SUBSIDY_STEP_OUT_OF_ORDER"
    pump.drain()
    nanxun = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    assert nanxun.get(f"/subsidy/applications/{app_id}").status_code == 404
    assert nanxun.post(f"/subsidy/applications/{app_id}/reject", {"reason": "越权"}).status_code == 404
    assert enterprise.post(f"/subsidy/applications/{app_id}/review",
                           {"decisions": [{"item_id": "L1", "approve": True}]}).status_code == 403
    incomplete = union.post(f"/subsidy/applications/{app_id}/review", {"decisions": [{"item_id": "L9", "approve": True}]})
    assert incomplete.status_code == 422 and body(incomplete)["code"] == "SUBSIDY_DECISIONS_INCOMPLETE"
    no_reason = union.post(f"/subsidy/applications/{app_id}/review", {"decisions": [{"item_id": "L1", "approve": False}]})
    assert no_reason.status_code == 422
    rejected = union.post(f"/subsidy/applications/{app_id}/reject", {"reason": "金点子未经余姚市总工会评定"})
    assert body(rejected)["state"] == "rejected"
    assert union.post(f"/subsidy/applications/{app_id}/reject", {"reason": "再次驳回"}).status_code == 409


def test_a_one_off_claimed_in_two_applications_is_paid_once_even_when_reviewed_at_once(cast, pump, live_api):
    enterprise, union = cast
    first = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    second = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    assert body(enterprise.get(f"/subsidy/applications/{second}"))["total_fen"] == 10_000_000  # neither paid yet

    def approve(app_id):
        return requests.post(f"{live_api}/subsidy/applications/{app_id}/review", headers=union.headers, timeout=30,
                             json={"decisions": [{"item_id": "L1", "approve": True}]})

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(approve, [first, second]))
    # Crossing decisions: one is told to re-review (409). When the machine runs them one after the
    # other, the later one was recomputed (the one-off already paid) before it was approved.
    assert sorted(r.status_code for r in results) in ([200, 200], [200, 409])
    for loser in (r.json() for r in results if r.status_code == 409):
        assert loser["code"] in ("SUBSIDY_RECALCULATED", "SUBSIDY_CONFLICT")
    budget = body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))
    assert budget["committed_fen"] == 10_000_000


def test_impossible_dates_and_empty_districts_are_refused_not_crashed(login):
    """Found by the fuzz: a date like 7342-78-60 and an empty district path used to reach the
    data layer and answer 500."""
    worker = login("worker", user_id="w-fuzz")
    bad_date = worker.get("/subsidy/policy?org=zj/nb/yuyao&on=7342-78-60")
    assert bad_date.status_code == 422 and body(bad_date)["details"][0]["field"] == "on"
    platform = login("platform_admin", user_id="root", org_path="zj")
    policy = seed_policy().model_dump(mode="json")
    empty = platform.post("/subsidy/policies", {**policy, "district_path": ""})
    assert empty.status_code == 422 and body(empty)["code"] == "VALIDATION_FAILED"


def test_a_budget_or_a_claimed_cost_that_is_not_whole_fen_in_range_is_refused_and_changes_nothing(cast):
    enterprise, union = cast
    where = f"/subsidy/budgets?org={YUYAO}&year={YEAR}"
    before = body(union.get(where))
    for total in (True, "50000000", 1.5, 10**10 + 1, -1):
        refused = union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": total})
        assert refused.status_code == 422 and body(refused)["code"] == "VALIDATION_FAILED", (total, refused.body)
        preview = enterprise.post("/subsidy/preview", {"items": [{**CENTRE, "cost_fen": total}]})
        assert preview.status_code == 422 and body(preview)["code"] == "VALIDATION_FAILED", (total, preview.body)
    assert body(union.get(where)) == before


# --- the budget queue and one-offs (issue 19 §1) ------------------------------------------

OTHER = "zj/nb/yuyao/e-other"
APPROVE_ALL = {"decisions": [{"item_id": "L1", "approve": True}, {"item_id": "L2", "approve": True}]}


def _approve(union, app_id, lines=2):
    return union.post(f"/subsidy/applications/{app_id}/review",
                      {"decisions": [{"item_id": f"L{n}", "approve": True} for n in range(1, lines + 1)]})


def _ledger(key):
    from chalicelib.subsidy.models import SubsidyLedger

    try:
        row = SubsidyLedger.get(key, consistent_read=True)
    except SubsidyLedger.DoesNotExist:
        return None
    return (row.app_id, row.state)


def test_an_application_computed_before_its_one_off_was_paid_elsewhere_is_recomputed_and_can_be_approved(cast, pump):
    """Given two applications of one enterprise both computed with the training centre, when
    the second is paid first, then the first is computed again at once (the centre pays
    nothing now) and approving it pays the rest (it answered 409 "refresh and re-review" for
    ever before, and refreshing did not recompute)."""
    enterprise, union = cast
    first = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE, IDEA)))["app_id"]
    second = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    assert body(union.get(f"/subsidy/applications/{first}"))["total_fen"] == 10_150_000
    assert body(_approve(union, second, lines=1))["paid_fen"] == 10_000_000

    refreshed = body(union.get(f"/subsidy/applications/{first}"))
    assert refreshed["state"] == "pending_review" and refreshed["total_fen"] == 150_000
    assert refreshed["lines"][0]["amount_fen"] == 0 and refreshed["lines"][0]["duplicate"]
    assert "重新计算" in refreshed["budget_note"]
    approved = _approve(union, first)
    assert approved.status_code == 200 and body(approved)["state"] == "approved"
    assert body(approved)["paid_fen"] == 150_000
    assert body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))["committed_fen"] == 10_150_000


@pytest.mark.parametrize("taken", ["before the approval", "between its check and its commit"])
def test_approving_an_application_whose_one_off_was_taken_a_moment_ago_recomputes_it_and_answers_409(
        cast, pump, monkeypatch, taken):
    """Given an application computed with a training certificate that another application of
    the enterprise was paid for a moment before the approval (the two decisions crossed), then
    the approval answers 409 SUBSIDY_RECALCULATED and pays nothing, the refreshed application
    shows the new amounts, and approving it again succeeds."""
    from chalicelib.subsidy.models import SubsidyLedger

    enterprise, union = cast
    app_id = body(enterprise.post("/subsidy/applications", claim(enterprise, TRAINING, IDEA)))["app_id"]
    pump.drain()
    assert body(union.get(f"/subsidy/applications/{app_id}"))["total_fen"] == 450_000
    SubsidyLedger(f"once#{ENTERPRISE}#training|ever|{TRAINING['subject']}", app_id="sub-crossed",
                  amount_fen=300_000).save()
    if taken == "between its check and its commit":  # the check read the ledger before the other payment landed
        real, reads = logic._once_holders, []
        monkeypatch.setattr(logic, "_once_holders", lambda app: reads.append(app) or ({} if len(reads) == 1 else real(app)))

    stale = _approve(union, app_id)
    assert stale.status_code == 409 and body(stale)["code"] == "SUBSIDY_RECALCULATED" and body(stale)["message"]
    assert body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))["committed_fen"] == 0
    refreshed = body(union.get(f"/subsidy/applications/{app_id}"))
    assert refreshed["state"] == "pending_review" and refreshed["total_fen"] == 150_000
    assert body(_approve(union, app_id))["paid_fen"] == 150_000


def test_a_waiting_application_reserves_its_one_off_so_a_later_claim_cannot_take_it(cast, pump):
    """Given the training centre in an application waiting for budget, then another application
    of the enterprise that also claims it is computed again without it (approving it pays
    nothing for the centre), and raising the budget pays the waiting application in full."""
    enterprise, union = cast
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 10_100_000})
    waiting = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE, CONTEST)))["app_id"]
    later = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    assert body(_approve(union, waiting))["state"] == "waiting_budget"  # 16,000,000 > 10,100,000
    key = f"once#{ENTERPRISE}#training_centre|ever|*"
    assert _ledger(key) == (waiting, "reserved")

    assert body(union.get(f"/subsidy/applications/{later}"))["total_fen"] == 0  # it would have fitted before
    approved = body(_approve(union, later, lines=1))
    assert approved["state"] == "approved" and approved["paid_fen"] == 0
    assert body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))["committed_fen"] == 0

    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 20_000_000})
    pump.drain()
    paid = body(union.get(f"/subsidy/applications/{waiting}"))
    assert paid["state"] == "approved" and paid["paid_fen"] == 16_000_000
    assert _ledger(key) == (waiting, "paid")


def test_rejecting_a_waiting_application_frees_the_one_off_it_reserved(cast, pump):
    enterprise, union = cast
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 100_000})
    waiting = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE)))["app_id"]
    pump.drain()
    assert body(_approve(union, waiting, lines=1))["state"] == "waiting_budget"
    assert body(enterprise.post("/subsidy/preview", {"items": [CENTRE]}))["total_fen"] == 0  # reserved
    assert body(union.post(f"/subsidy/applications/{waiting}/reject", {"reason": "材料不全"}))["state"] == "rejected"
    assert _ledger(f"once#{ENTERPRISE}#training_centre|ever|*") is None
    assert body(enterprise.post("/subsidy/preview", {"items": [CENTRE]}))["total_fen"] == 10_000_000


def test_a_blocked_waiting_application_never_stops_the_district_queue(cast, pump, login):
    """Given (as data written before this fix) an application waiting with the training centre
    that another application of its enterprise was paid since, and another enterprise's
    application waiting behind it, when the budget is raised, then the blocked one goes back
    to review recomputed and the other enterprise is paid (nothing was released before)."""
    from chalicelib.subsidy.models import SubsidyLedger

    enterprise, union = cast
    other = login("enterprise_admin", user_id="other-admin", org_path=OTHER, name="另一企业工会")
    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 100_000})
    blocked = body(enterprise.post("/subsidy/applications", claim(enterprise, CENTRE, IDEA)))["app_id"]
    pump.drain()
    assert body(_approve(union, blocked))["state"] == "waiting_budget"
    SubsidyLedger(f"once#{ENTERPRISE}#training_centre|ever|*").delete()  # no reservation (written before the fix)
    behind = body(other.post("/subsidy/applications", claim(other, IDEA)))["app_id"]
    pump.drain()
    assert body(_approve(union, behind, lines=1))["state"] == "waiting_budget"
    # The centre was paid to another application of the enterprise in the meantime.
    SubsidyLedger(f"once#{ENTERPRISE}#training_centre|ever|*", app_id="sub-paid-elsewhere",
                  amount_fen=10_000_000).save()

    union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR, "total_fen": 20_000_000})
    pump.drain()
    assert body(other.get(f"/subsidy/applications/{behind}"))["state"] == "approved"
    recomputed = body(union.get(f"/subsidy/applications/{blocked}"))
    assert recomputed["state"] == "pending_review" and recomputed["total_fen"] == 150_000
    assert body(_approve(union, blocked))["paid_fen"] == 150_000
    assert body(union.get(f"/subsidy/budgets?org={YUYAO}&year={YEAR}"))["committed_fen"] == 300_000
