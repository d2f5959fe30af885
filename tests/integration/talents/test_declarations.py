"""三行电气's enterprise union declares its skilled workers for 南浔's 2026 round: a draft with a
certificate, then submitted; every bad declaration is refused with a code and changes nothing."""
from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.platform.outbox import OutboxEvent
from chalicelib.talents.models import TalentCounter, TalentDeclaration, TalentRound
from tests.conftest import body

from .conftest import SANXING, Person, declare, open_round, people, put_on_roster


def _stored(round_id: str) -> list[dict[str, Any]]:
    """Everything the round holds: its declarations and counters (for "nothing changed")."""
    decls = sorted((d.serialize() for d in TalentDeclaration.by_enterprise.query(f"{round_id}#{SANXING}")),
                   key=lambda d: d["declaration_id"]["S"])
    counters = [c.serialize() for c in TalentCounter.query(f"progress#{round_id}")]
    return [*decls, *counters]


def _events(detail_type: str) -> list[dict[str, Any]]:
    return [json.loads(e.detail) for e in OutboxEvent.scan() if e.detail_type == detail_type]


def test_a_draft_with_a_certificate_is_submitted_and_announced_once(cast):
    # given a round in 南浔 and 陈宏鑫 on 三行电气's roster
    rnd = open_round(cast)
    chen = Person("陈宏鑫", "330106200103047714")
    put_on_roster(SANXING, [chen])

    # when the enterprise admin saves a draft and asks to upload his certificate
    draft = declare(cast.sanxing, rnd["round_id"], chen)
    assert draft.status_code == 201, draft.body
    view = body(draft)
    assert view["state"] == "draft" and view["level_name"] == "二级/技师" and view["occupation_name"] == "电工"
    assert view["id_masked"] == "330106********7714" and view["real_name"] == "陈宏鑫"
    declaration_id = view["declaration_id"]
    ticket = body(cast.sanxing.post(f"/talents/declarations/{declaration_id}/attachments", {
        "kind": "certificate", "filename": "电工技师证书.pdf", "content_type": "application/pdf", "size_bytes": 2048}))
    assert ticket["fields"]["Content-Type"] == "application/pdf"
    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings

    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket["key"], Body=b"%PDF-1.4")
    # and nothing is announced while it is a draft
    assert _events("TalentDeclared") == []

    # and submits it
    submitted = body(cast.sanxing.post(f"/talents/declarations/{declaration_id}/submit"))

    # then it waits for the district, the certificate counted, one TalentDeclared event published
    assert submitted["state"] == "submitted" and "区县工会审核" in submitted["next_step"]
    assert [(a["kind_name"], a["uploaded"]) for a in submitted["attachments"]] == [("技能证书", True)]
    [event] = _events("TalentDeclared")
    assert event["data"] == {"declaration_id": declaration_id, "round_id": rnd["round_id"], "year": 2026,
                             "org_path": SANXING, "occupation_code": "6-31-01-03", "level": "technician"}
    # and the ID number is stored only sealed, hashed and masked
    stored = json.dumps(TalentDeclaration.get(declaration_id).serialize(), ensure_ascii=False)
    assert "330106200103047714" not in stored and "陈宏鑫" not in stored
    # and the district sees the enterprise's progress against its quota
    progress = body(cast.district.get(f"/talents/rounds/{rnd['round_id']}/progress"))
    assert [(r["org_path"], r["org_name"], r["declared"], r["submitted"], r["quota"]) for r in progress["items"]] == \
        [(SANXING, "浙江三行电气科技有限公司工会", 1, 1, 5)]
    # and the enterprise lists its declarations, the district its queue
    mine = body(cast.sanxing.get(f"/talents/rounds/{rnd['round_id']}/declarations"))
    assert [r["declaration_id"] for r in mine["items"]] == [declaration_id]
    queue = body(cast.district.get(f"/talents/rounds/{rnd['round_id']}/review?state=submitted"))
    assert [(r["real_name"], r["id_masked"]) for r in queue["items"]] == [("陈宏鑫", "330106********7714")]


def _expire(round_id: str) -> None:
    TalentRound.get(round_id).update(actions=[TalentRound.deadline.set("2026-01-01")])


REFUSALS = [
    # (what, status, code, prepare(cast, round, person) -> request body)
    ("not on the roster", 422, "TALENT_NOT_ON_ROSTER", lambda c, r, p: p.body(real_name="李不在")),
    ("name differs from the roster", 422, "TALENT_NAME_MISMATCH", lambda c, r, p: p.body(real_name="王大锤")),
    ("ID checksum wrong", 422, "ID_NUMBER_CHECKSUM",
     lambda c, r, p: p.body(id_number=p.number[:-1] + ("0" if p.number[-1] != "0" else "1"))),
    ("occupation not in the classification", 422, "TALENT_OCCUPATION_UNKNOWN",
     lambda c, r, p: p.body(occupation_code="6-99-99-99")),
    ("level not a level", 422, "VALIDATION_FAILED", lambda c, r, p: p.body(level="master")),
]


@pytest.mark.parametrize(("what", "status", "code", "make"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_declaration_is_refused_and_nothing_changes(cast, what, status, code, make):
    rnd = open_round(cast)
    [person, other] = people(2)
    put_on_roster(SANXING, [person])
    assert declare(cast.sanxing, rnd["round_id"], other).status_code == 422   # warm-up: other is not on the roster
    payload = make(cast, rnd, person)
    if what == "not on the roster":
        payload = other.body()
    before = _stored(rnd["round_id"])
    refused = cast.sanxing.post(f"/talents/rounds/{rnd['round_id']}/declarations", payload)
    assert refused.status_code == status, refused.body
    assert body(refused)["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in body(refused)["message"])
    assert _stored(rnd["round_id"]) == before


def test_a_second_declaration_of_one_person_in_one_round_is_refused(cast):
    rnd = open_round(cast)
    [person] = people(1)
    put_on_roster(SANXING, [person])
    assert declare(cast.sanxing, rnd["round_id"], person).status_code == 201
    before = _stored(rnd["round_id"])
    again = declare(cast.sanxing, rnd["round_id"], person, level="senior", submit=True)
    assert again.status_code == 409 and body(again)["code"] == "TALENT_ALREADY_DECLARED"
    assert _stored(rnd["round_id"]) == before
    assert _events("TalentDeclared") == []


def test_past_the_deadline_nothing_is_declared_or_submitted(cast):
    rnd = open_round(cast)
    [early, late] = people(2)
    put_on_roster(SANXING, [early, late])
    draft = body(declare(cast.sanxing, rnd["round_id"], early))
    _expire(rnd["round_id"])
    before = _stored(rnd["round_id"])
    for refused in (declare(cast.sanxing, rnd["round_id"], late),
                    cast.sanxing.post(f"/talents/declarations/{draft['declaration_id']}/submit")):
        assert refused.status_code == 409 and body(refused)["code"] == "TALENT_ROUND_CLOSED"
        assert "截止" in body(refused)["message"]
    assert _stored(rnd["round_id"]) == before


def test_over_the_quota_nothing_is_submitted(cast):
    rnd = open_round(cast, quota_per_enterprise=2)
    crew = people(4)
    put_on_roster(SANXING, crew)
    for p in crew[:2]:
        assert declare(cast.sanxing, rnd["round_id"], p, submit=True).status_code == 201
    draft = body(declare(cast.sanxing, rnd["round_id"], crew[3]))        # a draft takes no place
    before = _stored(rnd["round_id"])
    for refused in (declare(cast.sanxing, rnd["round_id"], crew[2], submit=True),
                    cast.sanxing.post(f"/talents/declarations/{draft['declaration_id']}/submit")):
        assert refused.status_code == 409 and body(refused)["code"] == "TALENT_QUOTA_EXCEEDED"
    assert _stored(rnd["round_id"]) == before


def test_outside_ones_org_there_is_nothing_to_see_or_touch(cast):
    rnd = open_round(cast)
    [person] = people(1)
    put_on_roster(SANXING, [person])
    declaration_id = body(declare(cast.sanxing, rnd["round_id"], person))["declaration_id"]
    before = _stored(rnd["round_id"])
    # another enterprise in 南浔 cannot read, edit or submit 三行电气's declaration
    for response in (cast.linghu.get(f"/talents/declarations/{declaration_id}"),
                     cast.linghu.patch(f"/talents/declarations/{declaration_id}", {"level": "junior"}),
                     cast.linghu.post(f"/talents/declarations/{declaration_id}/submit"),
                     cast.other_district.post(f"/talents/declarations/{declaration_id}/decision",
                                              {"action": "approve"})):
        assert response.status_code == 404 and body(response)["code"] == "TALENT_DECLARATION_NOT_FOUND"
    # nor declare 三行电气's people (they are not on its own roster)
    theirs = declare(cast.linghu, rnd["round_id"], person)
    assert theirs.status_code == 422 and body(theirs)["code"] == "TALENT_NOT_ON_ROSTER"
    # an enterprise in another district does not see 南浔's round at all
    away = declare(cast.outsider, rnd["round_id"], person)
    assert away.status_code == 404 and body(away)["code"] == "TALENT_ROUND_NOT_FOUND"
    assert _stored(rnd["round_id"]) == before
