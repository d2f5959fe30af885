"""南浔区总工会 reviews 三行电气's declarations: sends one back, the enterprise corrects and
resubmits it, approves it; an optional 湖州 city step; two reviewers deciding at once; the same
person declared by several requests at once."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from chalicelib.platform.outbox import OutboxEvent
from chalicelib.talents.models import Talent, TalentDeclaration
from tests.conftest import body

from .conftest import SANXING, declare, open_round, people, put_on_roster


def _submitted(cast: Any, rnd: dict[str, Any], count: int = 1, start: int = 0) -> list[str]:
    crew = people(count, start)
    put_on_roster(SANXING, crew)
    return [body(declare(cast.sanxing, rnd["round_id"], p, submit=True))["declaration_id"] for p in crew]


def _decide(session: Any, declaration_id: str, action: str, reason: str | None = None) -> Any:
    payload = {"action": action, **({"reason": reason} if reason else {})}
    return session.post(f"/talents/declarations/{declaration_id}/decision", payload)


def _approved_events() -> list[dict[str, Any]]:
    return [json.loads(e.detail) for e in OutboxEvent.scan() if e.detail_type == "TalentApproved"]


def test_sent_back_corrected_resubmitted_and_approved_into_the_pool(cast, pump):
    rnd = open_round(cast)
    [declaration_id] = _submitted(cast, rnd)

    # when the district sends it back with a reason
    returned = body(_decide(cast.district, declaration_id, "return", "请补充技师证书扫描件"))
    assert returned["state"] == "returned" and returned["decisions"][0]["reason"] == "请补充技师证书扫描件"
    assert returned["decisions"][0]["by_name"] == "南浔区总工会 杨老师"
    # then the enterprise admin is told, in their inbox, why
    pump.drain()
    inbox = body(cast.sanxing.get("/inbox"))
    assert [i["title"] for i in inbox["items"]] == ["技能人才申报被退回修改"]
    assert "请补充技师证书扫描件" in inbox["items"][0]["body"]

    # when the enterprise corrects the level and resubmits
    edited = body(cast.sanxing.patch(f"/talents/declarations/{declaration_id}", {"level": "senior_technician"}))
    assert edited["level_name"] == "一级/高级技师" and edited["state"] == "returned"
    again = body(cast.sanxing.post(f"/talents/declarations/{declaration_id}/submit"))
    assert again["state"] == "submitted"
    # and the district approves it
    approved = body(_decide(cast.district, declaration_id, "approve"))

    # then it is in the pool, announced once, and the progress counts it
    assert approved["state"] == "approved" and approved["next_step"].startswith("已入选")
    assert Talent.get(declaration_id).level == "senior_technician"
    [event] = _approved_events()
    assert event["data"]["org_path"] == SANXING and event["data"]["round_id"] == rnd["round_id"]
    assert event["data"]["occupation_code"] == "6-31-01-03" and event["data"]["level"] == "senior_technician"
    progress = body(cast.district.get(f"/talents/rounds/{rnd['round_id']}/progress"))["items"][0]
    assert (progress["submitted"], progress["approved"]) == (1, 1)
    # and a decided declaration cannot be edited any more
    late = cast.sanxing.patch(f"/talents/declarations/{declaration_id}", {"level": "junior"})
    assert late.status_code == 409 and body(late)["code"] == "TALENT_NOT_EDITABLE"


def test_the_city_confirms_when_the_round_asks_for_it(cast):
    rnd = open_round(cast, city_step=True)
    [declaration_id] = _submitted(cast, rnd)
    passed = body(_decide(cast.district, declaration_id, "approve"))
    assert passed["state"] == "city_review" and _approved_events() == []
    # the district cannot take the city's step, the city sees it in its queue
    refused = _decide(cast.district, declaration_id, "approve")
    assert refused.status_code == 403 and body(refused)["code"] == "TALENT_NOT_YOUR_STEP"
    queue = body(cast.city.get(f"/talents/rounds/{rnd['round_id']}/review?state=city_review"))
    assert [r["declaration_id"] for r in queue["items"]] == [declaration_id]
    done = body(_decide(cast.city, declaration_id, "approve"))
    assert done["state"] == "approved" and [d["step"] for d in done["decisions"]] == ["district", "city"]
    assert len(_approved_events()) == 1


def test_return_or_reject_without_a_reason_changes_nothing(cast):
    rnd = open_round(cast)
    [declaration_id] = _submitted(cast, rnd)
    before = TalentDeclaration.get(declaration_id).serialize()
    for action in ("return", "reject"):
        refused = _decide(cast.district, declaration_id, action)
        assert refused.status_code == 422 and body(refused)["code"] == "TALENT_REASON_REQUIRED"
    assert TalentDeclaration.get(declaration_id).serialize() == before
    rejected = body(_decide(cast.district, declaration_id, "reject", "推荐材料与实际岗位不符"))
    assert rejected["state"] == "rejected"
    # a decided declaration: a second decision is a 409 that says who decided what
    again = _decide(cast.colleague, declaration_id, "approve")
    assert again.status_code == 409 and body(again)["code"] == "TALENT_ALREADY_DECIDED"
    assert "杨老师" in body(again)["message"] and "不通过" in body(again)["message"]


def test_two_reviewers_deciding_at_once_one_wins_the_other_is_told(cast, live_api):
    rnd = open_round(cast)
    for declaration_id in _submitted(cast, rnd, count=3):
        moves = [(cast.district, {"action": "approve"}), (cast.colleague, {"action": "return", "reason": "请补充材料"})]

        def act(move: Any, declaration_id: str = declaration_id) -> tuple[int, Any]:
            session, payload = move
            r = requests.post(f"{live_api}/talents/declarations/{declaration_id}/decision", json=payload,
                              headers=session.headers, timeout=30)
            return r.status_code, r.json()

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(act, moves))
        assert sorted(s for s, _ in results) == [200, 409], results
        winner = next(b for s, b in results if s == 200)
        loser = next(b for s, b in results if s == 409)
        assert loser["code"] == "TALENT_ALREADY_DECIDED" and winner["state_name"] in loser["message"]
        stored = TalentDeclaration.get(declaration_id)
        assert stored.state == winner["state"] and len(stored.decisions) == 1
    assert len(_approved_events()) == sum(1 for _ in Talent.by_city.query("zj/huz"))


def test_one_person_declared_by_several_requests_at_once_is_declared_once(cast, live_api):
    rnd = open_round(cast)
    [person] = people(1)
    put_on_roster(SANXING, [person])

    def post(_: int) -> tuple[int, Any]:
        r = requests.post(f"{live_api}/talents/rounds/{rnd['round_id']}/declarations",
                          json=person.body(submit=True), headers=cast.sanxing.headers, timeout=30)
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(6)))
    assert sorted(s for s, _ in results) == [201] + [409] * 5, results
    assert {b["code"] for s, b in results if s == 409} == {"TALENT_ALREADY_DECLARED"}
    progress = body(cast.district.get(f"/talents/rounds/{rnd['round_id']}/progress"))["items"]
    assert [(r["declared"], r["submitted"]) for r in progress] == [(1, 1)]
    assert sum(1 for e in OutboxEvent.scan() if e.detail_type == "TalentDeclared") == 1
