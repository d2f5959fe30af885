"""What each consumed domain event adds to the enterprise figures, and that every event the
roll-up consumes is one a feature really publishes (talents' are agreed by name)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.enterprises.figures import KEYS, deltas_of
from chalicelib.enterprises.specs import CONSUMED
from chalicelib.platform.events import DomainEvent

ROOT = Path(__file__).resolve().parents[3] / "chalicelib"
ORG = "zj/huz/nanxun/e-sanxing"


def _event(data: dict, org: str = ORG, time: str = "2026-11-30T17:00:00.000Z") -> DomainEvent:
    return DomainEvent(org=org, data=data, time=time)


@pytest.mark.parametrize(("feature", "detail_type", "data", "expected"), [
    ("identity", "MemberVerified", {"user_id": "u1", "org_path": ORG}, {"verified_members": 1}),
    ("dorms", "DormRoomsImported", {"beds": 40}, {"dorm_beds": 40}),
    ("dorms", "DormRoomsImported", {"beds": 40, "occupied_beds": 3}, {"dorm_beds": 40, "dorm_beds_occupied": 3}),
    ("dorms", "DormCheckedIn", {"application_id": "a"}, {"dorm_beds_occupied": 1}),
    ("dorms", "DormCheckedOut", {"application_id": "a"}, {"dorm_beds_occupied": -1}),
    ("aid", "AidStepTaken", {"org_path": ORG, "from_state": "draft", "to_state": "enterprise_review"},
     {"aid_cases_open": 1}),
    ("aid", "AidStepTaken", {"org_path": ORG, "from_state": "district_review", "to_state": "public_notice"}, {}),
    ("aid", "AidStepTaken", {"org_path": ORG, "from_state": "approved", "to_state": "disbursed", "amount_fen": 500000},
     {"aid_cases_open": -1, "aid_amount_paid": 500000}),
    ("aid", "AidStepTaken", {"org_path": ORG, "from_state": "needs_changes", "to_state": "withdrawn"},
     {"aid_cases_open": -1}),
    ("subsidy", "SubsidyCalculated", {"app_id": "s", "total_fen": 30000}, {"subsidy_amount_claimed": 30000}),
    ("subsidy", "SubsidyRecalculated", {"total_fen": 20000, "previous_total_fen": 30000},
     {"subsidy_amount_claimed": -10000}),
    ("subsidy", "SubsidyReviewed", {"state": "approved", "paid_fen": 20000}, {"subsidy_amount_paid": 20000}),
    ("subsidy", "SubsidyReviewed", {"state": "waiting_budget", "paid_fen": None}, {}),
    ("talents", "TalentDeclared", {"org_path": ORG, "talent_id": "t"}, {"talents_declared": 1}),
    ("talents", "TalentApproved", {"org_path": ORG, "talent_id": "t"}, {"talents_approved": 1}),
    ("bookings", "BookingVenueBooked", {"entry_id": "e"}, {"bookings": 1}),
    ("bookings", "BookingSignedUp", {"entry_id": "e"}, {"bookings": 1}),
    ("centres", "CentreVisitRecorded", {"org_path": ORG, "month": "2026-11"}, {"people_served": 1}),
    ("mediation", "MediationCaseClosed", {"org_path": ORG, "outcome": "settled", "closed_at": "2026-11-02T01:00:00Z"},
     {"mediations": 1}),
    ("mediation", "MediationCaseClosed", {"org_path": ORG, "outcome": "referred"}, {}),
])
def test_each_event_adds_what_it_means(feature, detail_type, data, expected):
    changes = deltas_of(f"gonghui.{feature}", detail_type, _event(data, time="2026-11-15T02:00:00.000Z"))
    assert changes == ([(ORG, "2026-11", expected)] if expected else [])
    assert set(expected) <= set(KEYS)


def test_the_month_is_shanghais_and_the_events_own_where_it_has_one():
    # 17:00 UTC on 30 November is already 1 December in Shanghai
    assert deltas_of("gonghui.dorms", "DormCheckedIn", _event({}))[0][1] == "2026-12"
    assert deltas_of("gonghui.centres", "CentreVisitRecorded",
                     _event({"org_path": ORG, "month": "2026-11"}))[0][1] == "2026-11"
    closed = deltas_of("gonghui.bookings", "BookingAttendanceClosed",
                       _event({"org": ORG, "day": "2026-10-31", "sessions": 1, "attended": 23}))
    assert closed == [(ORG, "2026-10", {"events_held": 1, "participants": 23})]


def test_a_roster_change_counts_each_org_of_the_chunk():
    changes = deltas_of("gonghui.identity", "RosterMembersChanged", _event(
        {"changes": [{"org_path": ORG, "added": 3, "left": 1}, {"org_path": "zj/huz/nanxun/e-b", "added": 1,
                                                                 "left": 1}]}, org="zj/huz/nanxun"))
    assert changes == [(ORG, "2026-12", {"roster_members": 2})]


def test_every_consumed_event_is_published_somewhere():
    source = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")
                       if "enterprises" not in p.relative_to(ROOT).parts)
    for feature, types in CONSUMED.items():
        if feature == "talents":  # published by the talents feature (built alongside; agreed by name)
            continue
        for detail_type in types:
            assert re.search(rf'"{detail_type}"', source), f"{feature} publishes no {detail_type}"
