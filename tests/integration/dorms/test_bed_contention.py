"""Contention settled by DynamoDB: real concurrent HTTP requests against the live server.

100 workers apply at the same instant for the 10 free beds of five double rooms, in 20 rounds
each on fresh beds: every round exactly 10 holds, 90 clear refusals, no server error, no bed
held twice. Two admins deciding the same application at once: exactly one wins."""
from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from chalicelib.dorms import logic
from chalicelib.dorms.models import DormBed, DormProfile, Tenancy
from chalicelib.dorms.schemas import NewBuilding, RoomImport
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role, issue_token
from tests.conftest import body
from tests.integration.dorms.conftest import SANXING, rooms_sheet

ROUNDS = 20
APPLICANTS = 100
ROOMS = 5  # double rooms: 10 free beds
ADMIN = Principal(user_id="sanxing-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)


def _fresh_building(round_no: int) -> str:
    building = logic.create_building(ADMIN, NewBuilding(org_path=SANXING, name=f"工匠之家 {round_no + 1} 号楼"))
    logic.import_rooms(ADMIN, building.building_id, RoomImport.model_validate(rooms_sheet(101, ROOMS)))
    return building.building_id


def _applicants() -> list[tuple[str, dict[str, str]]]:
    """100 workers with a dorm profile (written in batches) and a bearer token each."""
    people = []
    with DormProfile.batch_write() as batch:
        for i in range(APPLICANTS):
            worker = Principal(user_id=f"applicant-{i:03d}", role=Role.WORKER, org_path=SANXING)
            batch.save(DormProfile(worker.user_id, gender="male", hometown="重庆", updated_at=clock.now_iso()))
            token, _ = issue_token(worker)
            people.append((worker.user_id, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}))
    return people


@pytest.fixture
def sanxing(nanxun: Any) -> None:
    """三行电气 exists (registered by the 南浔 union in the ``nanxun`` fixture)."""


@pytest.fixture
def quiet_access_log(caplog: pytest.LogCaptureFixture) -> None:
    """2,000 requests' INFO access-log lines, kept by pytest's log capture, would slow every
    later round; the load test keeps warnings and errors only."""
    caplog.set_level(logging.WARNING, logger="gonghui")


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_100_applicants_for_10_free_beds_get_exactly_10_holds_in_each_of_20_rounds(
        round_no, live_api, sanxing, quiet_access_log, capsys):
    """Each round runs on a fresh account: moto copies every table a transaction touches (for
    its rollback), so one long-lived account makes every later round slower than DynamoDB is."""
    people = _applicants()
    started = time.perf_counter()
    building_id = _fresh_building(round_no)
    prepared = time.perf_counter()

    def apply(person: tuple[str, dict[str, str]]) -> tuple[str, int, Any]:
        user_id, headers = person
        room = str(101 + int(user_id[-3:]) % ROOMS)
        r = requests.post(f"{live_api}/dorms/applications", headers=headers, timeout=60,
                          json={"building_id": building_id, "room_no": room})
        return user_id, r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=APPLICANTS) as pool:
        results = list(pool.map(apply, people))
    answered = time.perf_counter()
    statuses = Counter(status for _, status, _ in results)
    holds = [answer for _, status, answer in results if status == 201]
    refusals = [answer for _, status, answer in results if status == 409]
    with capsys.disabled():
        errors = sum(n for s, n in statuses.items() if s >= 500)
        print(f"\nround {round_no + 1:>2}: holds {len(holds)}, refusals {len(refusals)}, server errors {errors}, "
              f"setup {(prepared - started) * 1000:.0f} ms, 100 requests {(answered - prepared) * 1000:.0f} ms")

    assert statuses == {201: 10, 409: 90}, statuses
    assert {r["code"] for r in refusals} <= {"DORM_ROOM_FULL", "DORM_BED_TAKEN"}
    assert all(r["message"] for r in refusals)
    held_beds = {(h["room_no"], h["bed_no"]) for h in holds}
    assert len(held_beds) == 10  # no bed held twice
    beds = list(DormBed.query(building_id))
    assert {b.status for b in beds} == {"held"}
    assert {b.application_id for b in beds} == {h["application_id"] for h in holds}
    winners = {h["user_id"] for h in holds}
    assert {t.user_id for t in Tenancy.batch_get(list(winners))} == winners


def _pending_application(dorm: Any, login: Any, pump: Any, user_id: str, room: str, bed: int) -> str:
    from tests.integration.dorms.conftest import worker_with_profile

    worker = worker_with_profile(login, user_id)
    applied = worker.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": room, "bed_no": bed})
    assert applied.status_code == 201, applied.body
    pump.drain()
    return str(body(applied)["application_id"])


def test_two_admins_approving_and_rejecting_the_same_application_at_once_exactly_one_wins(
        live_api, dorm, login, pump):
    outcomes = []
    for i, (room, bed) in enumerate([("302", 1), ("302", 2), ("303", 1), ("303", 2), ("301", 2)]):
        app_id = _pending_application(dorm, login, pump, f"racer-{i}-{uuid.uuid4().hex[:6]}", room, bed)
        calls = [(dorm.union, {"approve": True}), (dorm.admin, {"approve": False, "reason": "房间另有安排"})]
        if i % 2:
            calls.reverse()

        def decide(call: tuple[Any, dict[str, Any]], app_id: str = app_id) -> tuple[bool, int, dict[str, Any]]:
            admin, decision = call
            r = requests.post(f"{live_api}/dorms/applications/{app_id}/decision", json=decision,
                              headers=admin.headers, timeout=30)
            return decision["approve"], r.status_code, r.json()

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(decide, calls))
        assert sorted(status for _, status, _ in results) == [200, 409], results
        loser = next(answer for _, status, answer in results if status == 409)
        assert loser["code"] == "DORM_ALREADY_DECIDED" and "其他管理员" in loser["message"]
        approved = next(approve for approve, status, _ in results if status == 200)
        bed_item = DormBed.get(dorm.building_id, f"{room}#{bed:02d}")
        if approved:
            assert bed_item.status == "held" and bed_item.application_id == app_id
        else:
            assert bed_item.status == "free" and bed_item.application_id is None
        outcomes.append("approved" if approved else "rejected")
    assert len(outcomes) == 5
