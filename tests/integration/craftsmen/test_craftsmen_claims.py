"""Verified achievements in a craftsman's file become items of the enterprise's 产改20条
application without typing them again: the policy computes the amount, and one entry is
claimed at most once — also when the enterprise clicks twice at the same moment. A rejected
application releases what it claimed."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.craftsmen.models import CraftsmanEntry
from chalicelib.subsidy.models import SubsidyApplication
from tests.conftest import body

from .conftest import COMPETITION, IDEA, METHOD, NANXUN, SANXING, add_entry, open_file, verified_entry


def _nanxun_policy() -> None:
    """南浔's 产改20条 as a version of the seed policy: city-level competitions instead of 宁波市级."""
    from chalicelib.subsidy import logic as subsidy
    from chalicelib.subsidy.policy import Measure
    from chalicelib.subsidy.worked_examples import seed_policy

    seed = seed_policy()
    measures = tuple(Measure(**{**m.model_dump(), "level_caps": {"national": 20_000_000, "provincial": 10_000_000,
                                                                "city": 6_000_000}})
                     if m.code == "competition" else m for m in seed.measures)
    subsidy.publish_policy(seed.model_copy(update={"district_path": NANXUN, "policy_id": "nanxun-chan-gai",
                                                   "measures": measures}), by="test")


def _applications() -> list[SubsidyApplication]:
    return list(SubsidyApplication.by_enterprise.query(SANXING))


def _entries(file_id: str) -> list[dict[str, Any]]:
    return [e.to_simple_dict() for e in CraftsmanEntry.query(file_id, consistent_read=True)]


def test_verified_entries_are_claimed_once_and_the_policy_computes_them(cast, pump):
    # given 张建国's verified competition result, operation method and golden idea, and 南浔's policy
    _nanxun_policy()
    file_id = open_file(cast)
    competition, method, idea = (verified_entry(cast, file_id, e) for e in (COMPETITION, METHOD, IDEA))

    # when the enterprise claims them (the competition's documented cost is what the policy caps)
    claim = {"items": [{"file_id": file_id, "entry_id": competition["entry_id"], "cost_fen": 12_000_000},
                       {"file_id": file_id, "entry_id": method["entry_id"]},
                       {"file_id": file_id, "entry_id": idea["entry_id"]}]}
    response = cast.enterprise.post("/craftsmen/claims", claim)
    assert response.status_code == 201, response.body
    claimed = body(response)
    assert claimed["state"] == "calculating" and "GET /subsidy/applications/" in claimed["next_step"]
    pump.drain()

    # then the subsidy application carries them and its rules decided the amounts
    application = body(cast.enterprise.get(f"/subsidy/applications/{claimed['app_id']}"))
    assert application["state"] == "pending_review"
    assert [(ln["measure"], ln["subject"], ln["amount_fen"]) for ln in application["lines"]] == [
        ("competition", "浙江省钳工职业技能竞赛", 10_000_000),      # 省级 capped at 10万元
        ("operation_method", "精密导轨刮研三步法", 200_000),
        ("golden_idea", "夹具定位销快换", 150_000)]
    assert all(item["evidence"] and "张建国" in item["note"] for item in application["items"])
    shown = body(cast.enterprise.get(f"/craftsmen/files/{file_id}"))["entries"]
    assert {(e["claimed_app_id"], e["claimable"]) for e in shown} == {(claimed["app_id"], False)}

    # and claiming one of them again, or changing it, is refused and changes nothing
    before, apps = _entries(file_id), len(_applications())
    again = cast.enterprise.post("/craftsmen/claims", {"items": [{"file_id": file_id, "entry_id": idea["entry_id"]}]})
    assert (again.status_code, body(again)["code"]) == (409, "CRAFTSMEN_ALREADY_CLAIMED")
    edit = cast.enterprise.put(f"/craftsmen/files/{file_id}/entries/{idea['entry_id']}", {**IDEA, "version": 2})
    assert (edit.status_code, body(edit)["code"]) == (409, "CRAFTSMEN_ENTRY_CLAIMED")
    assert _entries(file_id) == before and len(_applications()) == apps

    # when 南浔区总工会 rejects the application, its entries may be claimed again
    rejected = cast.district.post(f"/subsidy/applications/{claimed['app_id']}/reject", {"reason": "材料不全，请补充后重新申报"})
    assert rejected.status_code == 200, rejected.body
    retry = cast.enterprise.post("/craftsmen/claims", {"items": [{"file_id": file_id, "entry_id": idea["entry_id"]}]})
    assert retry.status_code == 201, retry.body
    assert CraftsmanEntry.get(file_id, f"C#{idea['entry_id']}").claimed_app_id == body(retry)["app_id"]


def test_what_cannot_be_claimed_is_refused_and_nothing_changes(cast):
    _nanxun_policy()
    file_id = open_file(cast)
    unverified = add_entry(cast, file_id, METHOD)
    certificate = verified_entry(cast, file_id, {"kind": "certificate", "title": "钳工一级/高级技师证书",
                                                 "number": "S0000330500002510009"})
    idea = verified_entry(cast, file_id, IDEA)
    before, apps = _entries(file_id), len(_applications())

    refusals = [
        (cast.enterprise, unverified["entry_id"], 409, "CRAFTSMEN_ENTRY_NOT_VERIFIED"),
        (cast.enterprise, certificate["entry_id"], 422, "CRAFTSMEN_ENTRY_NOT_CLAIMABLE"),
        (cast.other_enterprise, idea["entry_id"], 404, "CRAFTSMEN_FILE_NOT_FOUND"),   # another enterprise's entry
        (cast.enterprise, "ce-0000000000000000", 404, "CRAFTSMEN_ENTRY_NOT_FOUND"),
    ]
    for session, entry_id, status, code in refusals:
        response = session.post("/craftsmen/claims", {"items": [{"file_id": file_id, "entry_id": entry_id}]})
        assert (response.status_code, body(response)["code"]) == (status, code), (entry_id, response.body)
        assert body(response)["message"]
    twice = cast.enterprise.post("/craftsmen/claims", {"items": [{"file_id": file_id, "entry_id": idea["entry_id"]}] * 2})
    assert twice.status_code == 422
    assert _entries(file_id) == before and len(_applications()) == apps == 0


def test_concurrent_claims_of_one_entry_settle_on_one_application(cast, live_api):
    import requests

    _nanxun_policy()
    file_id = open_file(cast)
    idea = verified_entry(cast, file_id, IDEA)
    claim = {"items": [{"file_id": file_id, "entry_id": idea["entry_id"]}]}

    def send(_: int) -> Any:
        return requests.post(f"{live_api}/craftsmen/claims", json=claim, headers=cast.enterprise.headers, timeout=30)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(send, range(6)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {"CRAFTSMEN_ALREADY_CLAIMED"}
    winner = next(r.json()["app_id"] for r in responses if r.status_code == 201)
    assert [a.app_id for a in _applications()] == [winner]
    assert CraftsmanEntry.get(file_id, f"C#{idea['entry_id']}").claimed_app_id == winner
