"""A subsidy submission and its SubsidySubmitted event are one unit (the transactional outbox).

The story: a Yuyao enterprise submits a claim; the API Lambda dies the instant the transaction
that stores the application commits. The application is stored, the audit trail still shows
its submission, once, and the calculator (which starts from that event) still computes it.
"""
from __future__ import annotations

from typing import Any

from chalicelib.subsidy import logic
from chalicelib.subsidy.models import SubsidyApplication
from chalicelib.subsidy.worked_examples import seed_policy
from tests.conftest import body
from tests.integration.platform.test_outbox import crash_after_commit, deliveries  # noqa: F401  (fixtures)
from tests.integration.subsidy.test_subsidy_story import ENTERPRISE, IDEA, claim


def test_a_submission_killed_right_after_the_commit_still_reaches_the_audit_trail_once(
        login: Any, pump: Any, deliveries: Any, crash_after_commit: Any) -> None:  # noqa: F811
    logic.publish_policy(seed_policy(), by="test")
    platform = login("platform_admin", user_id="root", org_path="zj")
    enterprise = login("enterprise_admin", user_id="shunyu-admin", org_path=ENTERPRISE, name="舜宇工会 王主席")
    submission = claim(enterprise, IDEA)

    crash_after_commit["armed"] = True
    killed = enterprise.post("/subsidy/applications", submission)
    crash_after_commit["armed"] = False
    assert killed.status_code == 500  # the enterprise saw the function die
    stored = list(SubsidyApplication.by_enterprise.query(ENTERPRISE))
    assert len(stored) == 1 and stored[0].items[0].subject == IDEA["subject"]  # the write committed

    pump.drain()

    trail = body(platform.get(f"/audit/events?org={ENTERPRISE}&limit=100"))["items"]
    submitted = [e for e in trail if e["detail_type"] == "SubsidySubmitted"]
    assert len(submitted) == 1
    assert submitted[0]["actor_id"] == "shunyu-admin"
    assert deliveries[submitted[0]["event_id"]] == 1
    assert SubsidyApplication.get(stored[0].app_id).state == "pending_review"  # the same event reached the calculator
