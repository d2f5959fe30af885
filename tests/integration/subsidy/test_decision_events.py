"""A subsidy decision and its event are one unit (the transactional outbox): SubsidyReviewed or
SubsidyRejected reaches the bus once when the decision is stored, and not at all when another
reviewer decided the same application a moment earlier (the stored version moved on)."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.platform.auth import Principal, Role
from chalicelib.subsidy import logic
from chalicelib.subsidy.models import SubsidyApplication
from tests.bus import EventSpy, killed_after_commit
from tests.conftest import body
from tests.integration.subsidy.test_subsidy_story import ENTERPRISE, IDEA, YEAR, YUYAO, claim


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)


@pytest.fixture
def cast(aws: Any, login: Any) -> tuple[Any, Any]:
    from chalicelib.subsidy.worked_examples import seed_policy

    logic.publish_policy(seed_policy(), by="test")
    enterprise = login("enterprise_admin", user_id="shunyu-admin", org_path=ENTERPRISE, name="舜宇工会 王主席")
    union = login("union_admin", user_id="yuyao-admin", org_path=YUYAO, name="余姚产改办")
    assert union.put("/subsidy/budgets", {"district_path": YUYAO, "year": YEAR,
                                          "total_fen": 50_000_000}).status_code == 200
    return enterprise, union


def _computed(enterprise: Any, pump: Any) -> str:
    app_id = body(enterprise.post("/subsidy/applications", claim(enterprise, IDEA)))["app_id"]
    pump.drain()
    return str(app_id)


def test_an_approval_announces_itself_once_even_when_the_lambda_dies_right_after_the_write(cast, pump, spy,
                                                                                            monkeypatch):
    enterprise, union = cast
    app_id = _computed(enterprise, pump)
    with killed_after_commit(monkeypatch):
        reviewed = union.post(f"/subsidy/applications/{app_id}/review",
                              {"decisions": [{"item_id": "L1", "approve": True}]})
    assert reviewed.status_code == 500  # the reviewer saw the function die
    assert SubsidyApplication.get(app_id).state == "approved"  # the decision was stored
    events = [e for e in spy.of("SubsidyReviewed") if e["detail"]["data"]["app_id"] == app_id]
    assert len(events) == 1 and events[0]["detail"]["data"]["state"] == "approved"


def test_a_decision_that_lost_to_another_reviewer_changes_nothing_and_announces_nothing(cast, pump, spy,
                                                                                          monkeypatch):
    enterprise, union = cast
    app_id = _computed(enterprise, pump)
    read = logic._reviewable
    other = Principal(user_id="yuyao-admin-2", role=Role.UNION_ADMIN, org_path=YUYAO, name="余姚产改办 李老师")
    interfered: list[bool] = []

    def read_then_another_reviewer_rejects(principal: Principal, wanted: str) -> SubsidyApplication:
        app = read(principal, wanted)
        if not interfered:
            interfered.append(True)
            logic.reject(other, wanted, "材料不全")  # lands between our read and our write
        return app

    monkeypatch.setattr(logic, "_reviewable", read_then_another_reviewer_rejects)
    late = union.post(f"/subsidy/applications/{app_id}/review", {"decisions": [{"item_id": "L1", "approve": True}]})

    assert late.status_code == 409 and body(late)["code"] == "SUBSIDY_CONFLICT"
    stored = SubsidyApplication.get(app_id)
    assert (stored.state, stored.decided_by, stored.paid_fen) == ("rejected", "yuyao-admin-2", None)
    assert [e["detail"]["data"]["app_id"] for e in spy.of("SubsidyRejected")] == [app_id]
    assert spy.of("SubsidyReviewed") == [], "no event for the approval that was not stored"
