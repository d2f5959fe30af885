"""Face verification under bad input and attack: wrong ID numbers never reach Alipay, the
client's word is never taken, another member's certify id is refused, replays change
nothing, attempts per day are limited — and ten simultaneous callbacks record one result."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from chalicelib.identity import logic
from chalicelib.identity.models import CertifyAttempt, Transition
from tests.conftest import body
from tests.integration.identity.conftest import XIHU, make_id

LI_ID = make_id("330102", "19930101", "555")


def _start(session, number, name="李晓"):
    return session.post("/identity/face/start", {"real_name": name, "id_number": number})


def test_invalid_id_numbers_are_refused_before_alipay_is_called(fakes, login):
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    cases = {
        "33010219930101555": "ID_NUMBER_FORMAT",                      # 17 digits
        LI_ID[:-1] + ("1" if LI_ID[-1] != "1" else "2"): "ID_NUMBER_CHECKSUM",
        make_id("330102", "19930230", "555"): "ID_NUMBER_BIRTH_DATE",  # 30 February
        make_id("990102", "19930101", "555"): "ID_NUMBER_REGION",
    }
    for number, code in cases.items():
        refused = _start(li, number)
        assert refused.status_code == 422, (number, refused.body)
        assert body(refused)["code"] == code and body(refused)["message"]
    assert _start(li, LI_ID, name="李晓1").status_code == 422   # a name with digits
    started = _start(li, LI_ID)
    assert body(started)["attempts_left_today"] == 4  # refused numbers used no attempt


def test_a_mismatched_face_check_fails_with_alipays_reason_and_a_replay_changes_nothing(fakes, login, spy):
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, False, "身份信息与人脸不匹配")
    certify = body(_start(li, LI_ID))["certify_id"]
    fakes.complete_certify(certify)
    failed = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert failed.status_code == 200
    assert body(failed)["status"] == "failed" and body(failed)["fail_reason"] == "身份信息与人脸不匹配"
    assert body(failed)["state"] == "registered"
    replay = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert body(replay) == body(failed)
    assert len(spy.of("FaceVerificationFailed")) == 1 and spy.of("FaceVerified") == []


def test_the_clients_word_is_never_taken_and_other_members_certify_ids_are_refused(fakes, login, spy):
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, True, None)
    certify = body(_start(li, LI_ID))["certify_id"]

    claimed = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert claimed.status_code == 409 and body(claimed)["code"] == "CERTIFY_NOT_COMPLETED"
    cancelled = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "6001"})
    assert cancelled.status_code == 200 and body(cancelled)["status"] == "pending"
    forged = li.post("/identity/face/callback", {"certify_id": "f" * 32, "result_code": "9000"})
    assert forged.status_code == 404 and body(forged)["code"] == "CERTIFY_NOT_FOUND"

    fakes.complete_certify(certify)
    thief = login("worker", user_id="w-thief", org_path=XIHU)
    stolen = thief.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert stolen.status_code == 404 and body(stolen)["code"] == "CERTIFY_NOT_FOUND"
    assert body(thief.get("/identity/me"))["state"] == "registered"
    assert CertifyAttempt.get(certify).status == "pending"  # nothing changed

    passed = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "6002"})
    assert body(passed)["status"] == "passed"  # Alipay says passed, whatever the page said
    again = _start(li, LI_ID)
    assert again.status_code == 409 and body(again)["code"] == "ALREADY_FACE_VERIFIED"
    assert len(spy.of("FaceVerified")) == 1


def test_probing_id_numbers_tells_a_stranger_nothing_and_spends_their_attempts(fakes, login):
    """Given 李晓 is verified with her ID number, when a stranger starts face checks with her
    number and with a number nobody holds, then both answers look the same (no
    ``ID_NUMBER_TAKEN`` oracle), each probe spends one of the stranger's daily attempts, and
    only a face check Alipay passed for her number learns it is taken — as a failed check."""
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, True, None)
    certify = body(_start(li, LI_ID))["certify_id"]
    fakes.complete_certify(certify)
    assert body(li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"}))["status"] == "passed"

    stranger = login("worker", user_id="w-prober", org_path=XIHU)
    free_id = make_id("330102", "19940202", "666")
    taken, free = _start(stranger, LI_ID), _start(stranger, free_id)
    assert taken.status_code == free.status_code == 201, (taken.body, free.body)
    assert set(body(taken)) == set(body(free))
    assert [body(taken)["attempts_left_today"], body(free)["attempts_left_today"]] == [4, 3]
    for _ in range(3):
        _start(stranger, LI_ID)
    exhausted = _start(stranger, LI_ID)
    assert exhausted.status_code == 429 and body(exhausted)["code"] == "FACE_ATTEMPTS_EXCEEDED"

    # Alipay itself passing the stranger's face against her number is where it is settled
    probe = body(taken)["certify_id"]
    fakes.complete_certify(probe)
    outcome = body(stranger.post("/identity/face/callback", {"certify_id": probe, "result_code": "9000"}))
    assert outcome["status"] == "failed" and "其他账号" in outcome["fail_reason"]
    assert body(stranger.get("/identity/me"))["state"] == "registered"
    assert body(li.get("/identity/me"))["state"] != "registered"


def test_face_checks_per_member_per_day_are_limited(fakes, login):
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    left = [body(_start(li, LI_ID))["attempts_left_today"] for _ in range(logic.DAILY_FACE_ATTEMPTS)]
    assert left == [4, 3, 2, 1, 0]
    refused = _start(li, LI_ID)
    assert refused.status_code == 429 and body(refused)["code"] == "FACE_ATTEMPTS_EXCEEDED"


def test_pledge_needs_membership_and_the_current_text(fakes, login):
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    li.get("/identity/me")
    early = li.post("/identity/pledge", {"version": logic.CURRENT_PLEDGE, "agree": True})
    assert early.status_code == 409 and body(early)["code"] == "MEMBERSHIP_NOT_VERIFIED"
    outdated = li.post("/identity/pledge", {"version": "2020.1", "agree": True})
    assert outdated.status_code == 409 and body(outdated)["code"] == "PLEDGE_OUTDATED"
    assert li.post("/identity/pledge", {"version": logic.CURRENT_PLEDGE, "agree": False}).status_code == 422


def test_ten_simultaneous_callbacks_record_one_outcome_and_publish_one_face_verified(fakes, live_api, login, spy):
    """Given the mini-program fires its callback ten times at once (retries, double taps),
    then every caller sees "passed", and there is one recorded outcome and one event."""
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, True, None)
    certify = body(_start(li, LI_ID))["certify_id"]
    fakes.complete_certify(certify)

    def callback(_: int) -> tuple[int, str]:
        r = requests.post(f"{live_api}/identity/face/callback", headers=li.headers, timeout=60,
                          json={"certify_id": certify, "result_code": "9000"})
        return r.status_code, r.json().get("status", r.text)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(callback, range(10)))
    assert results == [(200, "passed")] * 10
    assert len(spy.of("FaceVerified")) == 1
    steps = [t.to_state for t in Transition.query(li.user_id)]
    assert steps.count("face_verified") == 1
    assert CertifyAttempt.get(certify).status == "passed"


def test_a_forged_alipay_answer_is_refused_and_changes_nothing(fakes, login, spy):
    """Given someone in the middle alters Alipay's query answer, then its signature does not
    verify: the callback gets a 502 with a clear code, nothing is recorded, and the next
    genuine answer settles it."""
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, True, None)
    certify = body(_start(li, LI_ID))["certify_id"]
    fakes.complete_certify(certify)
    fakes.alipay.tamper_next_response()
    forged = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert forged.status_code == 502 and body(forged)["code"] == "ALIPAY_BAD_SIGNATURE", forged.body
    assert CertifyAttempt.get(certify).status == "pending"
    assert body(li.get("/identity/me"))["state"] == "registered" and spy.of("FaceVerified") == []
    genuine = li.post("/identity/face/callback", {"certify_id": certify, "result_code": "9000"})
    assert body(genuine)["status"] == "passed"
