"""A worker files a wage-arrears case; 缙云 accepts it, a mediator holds a session and both
parties confirm the agreement inside fifteen days. Refusals leave the case as it was."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.mediation.models import MediationCase
from chalicelib.platform import clock
from tests.conftest import body

from .conftest import WAGE_CASE, accept_and_assign, file_wage_case, mediation_room, tomorrow


@pytest.fixture(autouse=True)
def _clock() -> Any:
    yield
    clock.reset()


def _stored(case_id: str) -> dict[str, Any]:
    return MediationCase.get(case_id, consistent_read=True).attribute_values


def test_wage_arrears_settled_with_an_agreement_inside_fifteen_days(cast):
    # given a worker's wage-arrears request against their employer
    case = file_wage_case(cast)
    case_id = case["case_id"]
    assert case["state"] == "filed"
    assert clock.parse(case["deadline_at"]) - clock.parse(case["filed_at"]) == timedelta(days=15)

    # and evidence uploaded through a presigned POST limited to its type and size
    ticket = body(cast.worker.post(f"/mediation/cases/{case_id}/evidence",
                                   {"filename": "工资条.jpg", "content_type": "image/jpeg", "size_bytes": 204800}))
    assert ticket["fields"]["Content-Type"] == "image/jpeg" and ticket["max_bytes"] == 204800

    # when the district accepts it, assigns a mediator, who books the centre's mediation room through
    # the booking engine and proposes an agreement
    accept_and_assign(cast, case_id)
    room = mediation_room(cast)
    booked = cast.mediator.post(f"/mediation/cases/{case_id}/sessions",
                                {"venue_id": room, "date": tomorrow(), "start": "09:00", "note": "请携带工资条原件"})
    assert booked.status_code == 201, booked.body
    session = body(booked)["sessions"][0]
    assert session["venue_id"] == room and session["booking_id"]
    slots = body(cast.mediator.get(f"/bookings/venues/{room}/slots?date={tomorrow()}"))
    nine = next(s for s in slots["days"][0]["slots"] if s["start"] == "09:00")
    assert (nine["taken"], nine["free"]) == (6, 0)                 # the room is the case's for that hour
    text = "被申请人于 2026 年 12 月 10 日前一次性支付拖欠工资 12000 元。"
    assert cast.mediator.post(f"/mediation/cases/{case_id}/agreement", {"text": text}).status_code == 200

    # and both parties confirm it
    first = body(cast.worker.post(f"/mediation/cases/{case_id}/agreement/confirm"))
    assert first["state"] == "agreement_proposed" and first["confirmed_by"] == ["applicant"]
    done = body(cast.employer.post(f"/mediation/cases/{case_id}/agreement/confirm"))

    # then the case is settled with the agreement text, before its deadline
    assert done["state"] == "settled" and done["agreement"] == text
    assert set(done["confirmed_by"]) == {"applicant", "respondent"}
    assert clock.now() < clock.parse(done["deadline_at"])
    assert [s["room"] for s in done["sessions"]] == ["新建镇职工服务中心 调解室"]
    assert clock.to_shanghai(clock.parse(done["sessions"][0]["starts_at"])).strftime("%H:%M") == "09:00"
    assert [e["filename"] for e in done["evidence"]] == ["工资条.jpg"]
    # and the deadline schedule no longer looks at it
    assert _stored(case_id).get("due_kind") is None


def test_decline_needs_a_reason_and_a_referral(cast):
    case_id = file_wage_case(cast)["case_id"]
    before = _stored(case_id)
    refused = cast.district.post(f"/mediation/cases/{case_id}/decision", {"action": "decline"})
    assert refused.status_code == 422 and body(refused)["code"] == "MEDIATION_DECLINE_REASON_MISSING"
    assert _stored(case_id) == before
    declined = body(cast.district.post(f"/mediation/cases/{case_id}/decision", {
        "action": "decline", "reason": "该争议已进入劳动仲裁程序", "referral": "缙云县劳动人事争议仲裁委员会"}))
    assert declined["state"] == "declined" and declined["referral"] == "缙云县劳动人事争议仲裁委员会"
    # the worker sees why and where to go
    mine = body(cast.worker.get(f"/mediation/cases/{case_id}"))
    assert mine["decline_reason"] == "该争议已进入劳动仲裁程序"


@pytest.mark.parametrize(("payload", "code"), [
    ({**WAGE_CASE, "respondent_kind": "worker", "respondent_user_id": "w-wang", "respondent_org": None},
     "MEDIATION_AGAINST_SELF"),
    ({**WAGE_CASE, "respondent_org": None}, "MEDIATION_RESPONDENT_MISSING"),
    ({**WAGE_CASE, "category": "lottery"}, "VALIDATION_FAILED"),
])
def test_bad_requests_are_refused_and_nothing_is_filed(cast, payload, code):
    response = cast.worker.post("/mediation/cases", payload)
    assert response.status_code == 422 and body(response)["code"] == code
    assert body(cast.worker.get("/mediation/my-cases"))["items"] == []


def test_an_enterprise_cannot_file_against_itself(cast):
    response = cast.employer.post("/mediation/cases", {**WAGE_CASE, "category": "contract_termination"})
    assert response.status_code == 422 and body(response)["code"] == "MEDIATION_AGAINST_SELF"
    assert body(cast.employer.get("/mediation/my-cases"))["items"] == []


@pytest.mark.parametrize(("payload", "code"), [
    ({"filename": "合同.exe", "content_type": "application/x-msdownload", "size_bytes": 1000}, "VALIDATION_FAILED"),
    ({"filename": "录像.pdf", "content_type": "application/pdf", "size_bytes": 50 * 1024 * 1024},
     "MEDIATION_EVIDENCE_TOO_LARGE"),
])
def test_evidence_of_the_wrong_type_or_size_is_refused(cast, payload, code):
    case_id = file_wage_case(cast)["case_id"]
    before = _stored(case_id)
    response = cast.worker.post(f"/mediation/cases/{case_id}/evidence", payload)
    assert response.status_code == 422 and body(response)["code"] == code
    assert _stored(case_id) == before


def test_a_session_cannot_be_booked_after_the_case_closed(cast):
    case_id = file_wage_case(cast)["case_id"]
    accept_and_assign(cast, case_id)
    assert cast.mediator.post(f"/mediation/cases/{case_id}/failure", {
        "reason": "双方分歧较大", "arbitration_referral": "缙云县劳动人事争议仲裁委员会"}).status_code == 200
    before = _stored(case_id)
    room = mediation_room(cast)
    response = cast.mediator.post(f"/mediation/cases/{case_id}/sessions",
                                  {"venue_id": room, "date": tomorrow(), "start": "09:00"})
    assert response.status_code == 409 and body(response)["code"] == "MEDIATION_CASE_CLOSED"
    assert _stored(case_id) == before
    nine = next(s for s in body(cast.mediator.get(f"/bookings/venues/{room}/slots?date={tomorrow()}"))["days"][0][
        "slots"] if s["start"] == "09:00")
    assert nine["taken"] == 0                                      # and the room's slot was not held
    assert body(cast.worker.get(f"/mediation/cases/{case_id}"))["arbitration_referral"] == "缙云县劳动人事争议仲裁委员会"


def test_a_mediator_must_be_staff_of_the_district(cast):
    case_id = file_wage_case(cast)["case_id"]
    cast.district.post(f"/mediation/cases/{case_id}/decision", {"action": "accept"})
    before = _stored(case_id)
    response = cast.district.post(f"/mediation/cases/{case_id}/mediator", {"mediator_id": cast.other_district.user_id})
    assert response.status_code == 422 and body(response)["code"] == "MEDIATION_MEDIATOR_INVALID"
    assert _stored(case_id) == before


def test_two_cases_cannot_hold_the_mediation_room_at_the_same_hour(cast):
    first, second = file_wage_case(cast)["case_id"], file_wage_case(cast)["case_id"]
    for case_id in (first, second):
        accept_and_assign(cast, case_id)
    room = mediation_room(cast)
    slot = {"venue_id": room, "date": tomorrow(), "start": "10:00"}
    assert cast.mediator.post(f"/mediation/cases/{first}/sessions", slot).status_code == 201
    before = _stored(second)
    refused = cast.mediator.post(f"/mediation/cases/{second}/sessions", slot)
    assert refused.status_code == 409 and body(refused)["code"] == "BOOKING_SLOT_FULL"
    assert _stored(second) == before and _stored(second).get("sessions", []) == []
