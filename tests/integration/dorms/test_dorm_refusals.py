"""Bad input on the dorm side: a clear 4xx with a code and a Chinese message, and nothing changed."""
from __future__ import annotations

from chalicelib.dorms.models import DormBed, Tenancy
from tests.conftest import body
from tests.integration.dorms.conftest import NEIGHBOUR, SANXING, worker_with_profile


def _bed(dorm, room, bed):
    return DormBed.get(dorm.building_id, f"{room}#{bed:02d}")


def test_a_man_applying_for_a_bed_in_the_womens_quad_is_refused(dorm, login):
    chen = worker_with_profile(login, "chen-hongxin", gender="male")
    refused = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "401", "bed_no": 1})
    assert refused.status_code == 422 and body(refused)["code"] == "DORM_GENDER_MISMATCH"
    assert "性别" in body(refused)["message"]
    assert _bed(dorm, "401", 1).status == "free"
    assert Tenancy.count(hash_key="chen-hongxin") == 0


def test_a_full_room_and_a_taken_bed_are_refused(dorm, login):
    first = worker_with_profile(login, "worker-one")
    assert first.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"}).status_code == 201
    second = worker_with_profile(login, "worker-two")
    full = second.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"})
    assert full.status_code == 409 and body(full)["code"] == "DORM_ROOM_FULL" and "住满" in body(full)["message"]
    taken = second.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301", "bed_no": 1})
    assert taken.status_code == 409 and body(taken)["code"] == "DORM_BED_TAKEN"
    assert Tenancy.count(hash_key="worker-two") == 0


def test_a_worker_cannot_use_another_enterprises_dorm_unless_it_is_shared_with_them(dorm, login):
    outsider = worker_with_profile(login, "hengtong-1", org_path=NEIGHBOUR)
    refused = outsider.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302"})
    assert refused.status_code == 404 and body(refused)["code"] == "DORM_BUILDING_NOT_FOUND"
    assert outsider.get(f"/dorms/buildings/{dorm.building_id}/free-beds").status_code == 404
    assert {_bed(dorm, "302", n).status for n in (1, 2)} == {"free"}

    park = dorm.admin.post("/dorms/buildings", {"org_path": SANXING, "name": "园区共享公寓",
                                                "shared_with": [NEIGHBOUR]})
    assert park.status_code == 201
    park_id = body(park)["building_id"]
    dorm.admin.post(f"/dorms/buildings/{park_id}/rooms/import",
                    {"rooms": [{"room_no": "101", "room_type": "single", "gender": "male", "floor": 1}]})
    assert [b["name"] for b in body(outsider.get("/dorms/buildings"))["items"]] == ["园区共享公寓"]
    assert outsider.post("/dorms/applications", {"building_id": park_id, "room_no": "101"}).status_code == 201


def test_a_second_application_while_holding_one_is_refused(dorm, login):
    chen = worker_with_profile(login, "chen-hongxin")
    assert chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302"}).status_code == 201
    again = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "303"})
    assert again.status_code == 409 and body(again)["code"] == "DORM_ALREADY_HOLDING"
    assert "重复申请" in body(again)["message"]
    assert {_bed(dorm, "303", n).status for n in (1, 2)} == {"free"}


def test_a_worker_whose_own_first_request_took_the_last_bed_is_told_so_not_room_full(dorm, login):
    # given room 301 with one free bed, and a worker who taps "apply" twice
    chen = worker_with_profile(login, "chen-hongxin")
    won = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"})
    assert won.status_code == 201
    held = body(won)
    # when the second request arrives, the room is full — with his own hold
    again = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"})
    bed = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301",
                                            "bed_no": held["bed_no"]})
    # then he is told he already holds that bed, not that the room is full
    for refused in (again, bed):
        assert refused.status_code == 409 and body(refused)["code"] == "DORM_ALREADY_HOLDING"
        assert f"301 室 {held['bed_no']} 号床" in body(refused)["message"]
        assert body(refused)["details"] == [{"application_id": held["application_id"],
                                             "building_id": dorm.building_id, "room_no": "301",
                                             "bed_no": held["bed_no"], "status": "holding",
                                             "since": body(refused)["details"][0]["since"]}]
    # and nothing changed: one hold, on the bed the first request took
    assert Tenancy.get("chen-hongxin").application_id == held["application_id"]
    assert _bed(dorm, "301", held["bed_no"]).application_id == held["application_id"]


def test_two_simultaneous_requests_of_one_worker_hold_one_bed_and_the_loser_says_why(dorm, login, live_api):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    chen = worker_with_profile(login, "chen-hongxin")
    for room in ("302", "303"):  # two free beds each: both requests may find a free bed
        with ThreadPoolExecutor(max_workers=2) as pool:
            request = {"building_id": dorm.building_id, "room_no": room}
            answers = list(pool.map(lambda payload: requests.post(
                f"{live_api}/dorms/applications", headers=chen.headers, timeout=30, json=payload), [request] * 2))
        statuses = sorted(a.status_code for a in answers)
        if room == "303":  # he holds a bed in 302 already: both refused
            assert statuses == [409, 409]
        else:
            assert statuses == [201, 409]
        for refused in (a for a in answers if a.status_code == 409):
            assert refused.json()["code"] == "DORM_ALREADY_HOLDING"
            assert refused.json()["details"][0]["room_no"] == "302"
    assert sorted(_bed(dorm, "302", n).status for n in (1, 2)) == ["free", "held"]
    assert {_bed(dorm, "303", n).status for n in (1, 2)} == {"free"}


def test_applying_without_a_dorm_profile_or_with_malformed_input_is_refused(dorm, login):
    bare = login("worker", user_id="no-profile", org_path=SANXING)
    no_profile = bare.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302"})
    assert no_profile.status_code == 422 and body(no_profile)["code"] == "DORM_PROFILE_REQUIRED"
    chen = worker_with_profile(login, "chen-hongxin")
    for bad in ({"building_id": dorm.building_id, "room_no": "302", "bed_no": 9},
                {"building_id": "../etc", "room_no": "302"}, {"room_no": "302"}):
        refused = chen.post("/dorms/applications", bad)
        assert refused.status_code == 422, bad
    missing = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "999"})
    assert missing.status_code == 404 and body(missing)["code"] == "DORM_ROOM_NOT_FOUND"
    assert Tenancy.count(hash_key="chen-hongxin") == 0


def test_a_rejection_needs_a_reason_and_a_worker_cannot_decide(dorm, login, pump):
    chen = worker_with_profile(login, "chen-hongxin")
    app_id = body(chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302"}))[
        "application_id"]
    pump.drain()
    no_reason = dorm.union.post(f"/dorms/applications/{app_id}/decision", {"approve": False})
    assert no_reason.status_code == 422
    assert chen.post(f"/dorms/applications/{app_id}/decision", {"approve": True}).status_code == 403
    other_union = login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu")
    assert other_union.post(f"/dorms/applications/{app_id}/decision", {"approve": True}).status_code == 404
    assert body(chen.get("/dorms/me"))["application"]["status"] == "pending"


def test_photos_must_be_uploaded_through_the_signed_form_of_the_same_building(dorm):
    form = dorm.admin.post(f"/dorms/buildings/{dorm.building_id}/photos", {"content_type": "image/jpeg"})
    assert form.status_code == 201
    key = body(form)["key"]
    assert key.startswith(f"dorms/{dorm.building_id}/") and body(form)["fields"]["key"] == key
    ok = dorm.admin.patch(f"/dorms/buildings/{dorm.building_id}/rooms/302", {"photos": [key]})
    assert ok.status_code == 200 and body(ok)["photos"] == [key]
    forged = dorm.admin.patch(f"/dorms/buildings/{dorm.building_id}/rooms/302", {"photos": ["dorms/other/x.jpg"]})
    assert forged.status_code == 422 and body(forged)["code"] == "DORM_PHOTO_INVALID"
