"""三行电气's enterprise union declares its skilled workers for 南浔's 2026 round: a draft with a
certificate, then submitted; every bad declaration is refused with a code and changes nothing."""
from __future__ import annotations

import json
from typing import Any

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


def test_each_bad_declaration_is_refused_with_its_code_and_nothing_changes(cast):
    # given a round and a person on 三行电气's roster, already declared once (a draft)
    rnd = open_round(cast)
    [person, stranger] = people(2)
    put_on_roster(SANXING, [person])
    assert declare(cast.sanxing, rnd["round_id"], person).status_code == 201
    wrong_check = person.number[:-1] + ("0" if person.number[-1] != "0" else "1")
    cases = [
        ("not on the roster", stranger.body(), 422, "TALENT_NOT_ON_ROSTER"),
        ("name differs from the roster", person.body(real_name="王大锤"), 422, "TALENT_NAME_MISMATCH"),
        ("ID checksum wrong", person.body(id_number=wrong_check), 422, "ID_NUMBER_CHECKSUM"),
        ("ID birth date impossible", person.body(id_number="330503198802301234"), 422, "ID_NUMBER_BIRTH_DATE"),
        ("occupation not in the classification", person.body(occupation_code="6-99-99-99"), 422,
         "TALENT_OCCUPATION_UNKNOWN"),
        ("level not a level", person.body(level="master"), 422, "VALIDATION_FAILED"),
        ("a second declaration of one person in one round", person.body(level="senior", submit=True), 409,
         "TALENT_ALREADY_DECLARED"),
    ]
    before = _stored(rnd["round_id"])
    for what, payload, status, code in cases:
        # when the enterprise admin sends it
        refused = cast.sanxing.post(f"/talents/rounds/{rnd['round_id']}/declarations", payload)
        # then it is refused with its code and a Chinese message, and nothing stored changed
        assert (refused.status_code, body(refused)["code"]) == (status, code), (what, refused.body)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body(refused)["message"]), what
        assert _stored(rnd["round_id"]) == before, what
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
