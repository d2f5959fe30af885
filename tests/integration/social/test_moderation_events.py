"""A moderation action and its MemberModerated event are one unit (the transactional outbox):
the report, the member's standing and the event are written together — the event reaches the
bus once even when the Lambda dies right after the write, and not at all when another staff
member handled the report a moment earlier."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.social import moderation
from chalicelib.social.models import Report, Standing, Tally
from chalicelib.social.schemas import ModerationAction
from tests.bus import EventSpy, killed_after_commit
from tests.conftest import body

XIHU = "zj/hz/xihu"


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)


@pytest.fixture
def report_id(member: Any) -> str:
    reporter, _ = member("xiaoli", "a-rude")
    filed = reporter.post("/social/reports", {"kind": "member", "target_id": "a-rude", "reason_code": "scam",
                                              "note": "一直找我借钱"})
    assert filed.status_code == 201, filed.body
    return str(body(filed)["report_id"])


def _moderated(spy: EventSpy) -> list[dict[str, Any]]:
    return [e["detail"]["data"] for e in spy.of("MemberModerated")]


def test_a_warning_announces_itself_once_even_when_the_lambda_dies_right_after_the_write(
        login, report_id, spy, monkeypatch):
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    with killed_after_commit(monkeypatch):
        acted = staff.post(f"/social/moderation/reports/{report_id}/actions", {"action": "warn", "reason": "言语骚扰"})
    assert acted.status_code == 500
    assert Report.get(report_id).status == "actioned" and int(Standing.get("a-rude").warnings) == 1
    assert [(d["user_id"], d["action"]) for d in _moderated(spy)] == [("a-rude", "warn")]


def test_an_action_that_lost_to_another_staff_member_changes_nothing_and_announces_nothing(
        login, report_id, spy, monkeypatch):
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    other = Principal(user_id="xihu-staff-2", role=Role.UNION_ADMIN, org_path=XIHU)
    read = moderation._scoped_report  # moderate reads the report through its module's name
    interfered: list[bool] = []

    def read_then_another_staff_member_acts(principal: Principal, wanted: str) -> Report:
        found = read(principal, wanted)
        if not interfered:
            interfered.append(True)
            moderation.moderate(other, wanted, ModerationAction(action="warn", reason="先警告一次"))
        return found

    monkeypatch.setattr(moderation, "_scoped_report", read_then_another_staff_member_acts)
    late = staff.post(f"/social/moderation/reports/{report_id}/actions",
                      {"action": "suspend", "reason": "多次骚扰", "days": 7})

    assert late.status_code == 409 and body(late)["code"] == "REPORT_ALREADY_HANDLED"
    stored, standing = Report.get(report_id), Standing.get("a-rude")
    assert (stored.action, stored.action_by) == ("warn", "xihu-staff-2")
    assert int(standing.warnings) == 1 and (standing.sanction or "none") == "none"
    assert [d["action"] for d in _moderated(spy)] == ["warn"]


def test_a_report_counts_and_announces_once_even_when_the_lambda_dies_and_the_member_reports_again(
        member, spy, monkeypatch):
    reporter, _ = member("xiaoli", "a-rude")
    report = {"kind": "member", "target_id": "a-rude", "reason_code": "scam", "note": "一直找我借钱"}
    with killed_after_commit(monkeypatch):
        assert reporter.post("/social/reports", report).status_code == 500
    again = reporter.post("/social/reports", report)  # she tries again: the report was filed

    assert again.status_code == 201
    assert int(Tally.get("a-rude", clock.today_shanghai().isoformat()).reports) == 1
    reported = [e["detail"]["data"] for e in spy.of("MemberReported")]
    assert [(d["report_id"], d["member"]) for d in reported] == [(body(again)["report_id"], "a-rude")]
