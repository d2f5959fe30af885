"""劳动争议调解仲裁法 art. 14: fifteen days from receipt. The schedule warns the mediator before
the limit and, at the limit, tells the worker of their right to arbitration — once, however often
it runs — unless both parties agreed in writing to extend."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts import logic as accounts_logic
from chalicelib.mediation.models import MediationCase
from chalicelib.platform import clock
from tests.conftest import body

from .conftest import accept_and_assign, file_wage_case, later

SCHEDULE = "mediation_events_mediation_deadlines"


@pytest.fixture(autouse=True)
def _clock() -> Any:
    yield
    clock.reset()


def _notices(case_id: str) -> list[tuple[str, str]]:
    return [(n.kind, n.to_user) for n in MediationCase.get(case_id, consistent_read=True).notices]


def test_mediator_warned_then_worker_told_of_arbitration_once(cast, pump, monkeypatch):
    pushed: list[tuple[str, str]] = []
    monkeypatch.setattr(accounts_logic, "notify_person",
                        lambda user, template, data, page=None: pushed.append((user, template)) or "sent")
    case_id = file_wage_case(cast)["case_id"]
    accept_and_assign(cast, case_id)

    with later(days=11):                                 # four days left: nothing yet
        pump.run_schedule(SCHEDULE)
    assert _notices(case_id) == []

    with later(days=12, hours=1):                        # inside the last three days: the mediator is warned
        pump.run_schedule(SCHEDULE)
        pump.run_schedule(SCHEDULE)
        pump.drain()
    assert _notices(case_id) == [("deadline_warning", cast.mediator.user_id)]

    with later(days=15, hours=1):                        # past the fifteenth day: the worker is told, once
        for _ in range(3):
            pump.run_schedule(SCHEDULE)
        pump.drain()
    assert _notices(case_id) == [("deadline_warning", cast.mediator.user_id),
                                 ("arbitration_right", cast.worker.user_id)]
    assert pushed == [(cast.mediator.user_id, "mediation_deadline_warning"),
                      (cast.worker.user_id, "mediation_arbitration_right")]
    assert body(cast.worker.get(f"/mediation/cases/{case_id}"))["arbitration_right_notified"] is True
    told = body(cast.worker.get("/inbox?kind=mediation"))["items"]     # in the worker's one inbox, once
    assert [(i["title"], i["meta"]["case_id"]) for i in told] == [("您可以申请劳动仲裁", case_id)]
    assert [i["title"] for i in body(cast.mediator.get("/inbox?kind=mediation"))["items"]] == ["调解期限即将届满"]


def test_a_written_extension_by_both_parties_holds_the_notice_back(cast, pump, monkeypatch):
    pushed: list[str] = []
    monkeypatch.setattr(accounts_logic, "notify_person",
                        lambda user, template, data, page=None: pushed.append(template) or "sent")
    case_id = file_wage_case(cast)["case_id"]
    accept_and_assign(cast, case_id)
    one = body(cast.worker.post(f"/mediation/cases/{case_id}/extension", {"days": 10}))
    assert one["extension_agreed_by"] == ["applicant"]
    both = body(cast.employer.post(f"/mediation/cases/{case_id}/extension", {"days": 10}))
    assert clock.parse(both["deadline_at"]) - clock.parse(one["filed_at"]) == timedelta(days=25)

    with later(days=16):                                 # the old limit has passed: no notice
        pump.run_schedule(SCHEDULE)
        pump.drain()
    assert "mediation_arbitration_right" not in pushed
    with later(days=26):                                 # past the agreed limit
        pump.run_schedule(SCHEDULE)
        pump.run_schedule(SCHEDULE)
        pump.drain()
    assert pushed.count("mediation_arbitration_right") == 1


def test_one_party_alone_cannot_extend(cast, pump, monkeypatch):
    pushed: list[str] = []
    monkeypatch.setattr(accounts_logic, "notify_person",
                        lambda user, template, data, page=None: pushed.append(template) or "sent")
    case_id = file_wage_case(cast)["case_id"]
    cast.worker.post(f"/mediation/cases/{case_id}/extension", {"days": 10})
    with later(days=15, hours=1):
        pump.run_schedule(SCHEDULE)
        pump.drain()
    assert pushed == ["mediation_arbitration_right"]
