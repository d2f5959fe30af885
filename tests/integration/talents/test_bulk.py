"""三行电气 declares by the XLSX template: good rows are declared and submitted, bad rows come
back with their row number and a Chinese reason, and uploading the same file again declares
nobody twice."""
from __future__ import annotations

from chalicelib.talents.models import TalentDeclaration
from tests.conftest import body

from .conftest import LINGHU, SANXING, declare, open_round, people, put_on_roster, upload_and_declare, xlsx


def test_bad_rows_are_listed_and_the_same_file_twice_declares_nobody_twice(cast):
    rnd = open_round(cast, quota_per_enterprise=4)
    crew = people(6)
    put_on_roster(SANXING, crew[:5])          # crew[5] is not on 三行电气's roster
    put_on_roster(LINGHU, [crew[4]])
    assert declare(cast.linghu, rnd["round_id"], crew[4], submit=True).status_code == 201  # 菱湖 declared him first
    text = "十年电气装配经验，获评企业岗位能手。"
    bad_id = crew[1].number[:-1] + ("0" if crew[1].number[-1] != "0" else "1")
    rows = [
        [crew[0].name, crew[0].number, "6-31-01-03", "二级/技师", text],          # 2: good
        [crew[1].name, bad_id, "6-31-01-03", "技师", text],                       # 3: checksum
        [crew[2].name, crew[2].number, "6-99-99-99", "高级工", text],             # 4: unknown occupation
        [crew[3].name, crew[3].number, "6-18-02-04", "特级", text],               # 5: unknown level
        [crew[5].name, crew[5].number, "6-18-02-04", "三级", text],               # 6: not on the roster
        [crew[4].name, crew[4].number, "6-18-02-04", "三级", text],               # 7: declared by 菱湖
        [crew[0].name, crew[0].number, "6-18-02-04", "三级", text],               # 8: same person as row 2
        ["张冒名", crew[2].number, "6-18-02-04", "三级", text],       # 9: name differs from roster
        [crew[3].name, crew[3].number, "6-18-02-04", "senior", text],             # 10: good
        [None, None, None, None, None],                                           # 11: blank, skipped
        [crew[2].name, crew[2].number, "6-18-01-01", "四级/中级工", "太短"],      # 12: recommendation too short
    ]
    content = xlsx(rows)

    first = upload_and_declare(cast.sanxing, rnd["round_id"], content)
    assert first.status_code == 200, first.body
    result = body(first)
    assert (result["rows"], result["declared"], result["already_declared"]) == (10, 2, 0)
    assert [(r["row"], r["code"]) for r in result["rejected"]] == [
        (3, "ID_NUMBER_CHECKSUM"), (4, "TALENT_OCCUPATION_UNKNOWN"), (5, "TALENT_LEVEL_UNKNOWN"),
        (6, "TALENT_NOT_ON_ROSTER"), (7, "TALENT_ALREADY_DECLARED"), (8, "TALENT_DUPLICATE_ROW"),
        (9, "TALENT_NAME_MISMATCH"), (12, "TALENT_RECOMMENDATION_LENGTH")]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["reason"]) for r in result["rejected"])
    assert "第 2 行" in result["rejected"][5]["reason"]

    # the same file again: nobody new, the two counted as already declared, same rejections
    second = body(upload_and_declare(cast.sanxing, rnd["round_id"], content))
    assert (second["declared"], second["already_declared"]) == (0, 2)
    assert second["rejected"] == result["rejected"]
    mine = body(cast.sanxing.get(f"/talents/rounds/{rnd['round_id']}/declarations"))["items"]
    assert sorted((r["real_name"], r["level_name"], r["state"]) for r in mine) == sorted([
        (crew[0].name, "二级/技师", "submitted"), (crew[3].name, "三级/高级工", "submitted")])
    progress = {r["org_path"]: r for r in body(cast.district.get(f"/talents/rounds/{rnd['round_id']}/progress"))["items"]}
    assert (progress[SANXING]["declared"], progress[SANXING]["submitted"]) == (2, 2)


def test_rows_beyond_the_quota_are_rejected_with_the_quota_named(cast):
    rnd = open_round(cast, quota_per_enterprise=2)
    crew = people(3)
    put_on_roster(SANXING, crew)
    rows = [[p.name, p.number, "6-31-01-03", "三级", "十年电气装配经验，获评企业岗位能手。"] for p in crew]
    result = body(upload_and_declare(cast.sanxing, rnd["round_id"], xlsx(rows)))
    assert result["declared"] == 2
    assert [(r["row"], r["code"]) for r in result["rejected"]] == [(4, "TALENT_QUOTA_EXCEEDED")]
    assert "2 人" in result["rejected"][0]["reason"]


def test_a_file_that_is_not_the_template_changes_nothing(cast):
    rnd = open_round(cast)
    crew = people(1)
    put_on_roster(SANXING, crew)
    wrong = upload_and_declare(cast.sanxing, rnd["round_id"],
                               xlsx([[crew[0].name, crew[0].number]], header=["姓名", "证件号"]))
    assert wrong.status_code == 422 and body(wrong)["code"] == "TALENT_BULK_COLUMNS"
    garbage = upload_and_declare(cast.sanxing, rnd["round_id"], b"not a spreadsheet")
    assert garbage.status_code == 422 and body(garbage)["code"] == "TALENT_BULK_FILE"
    missing = cast.sanxing.post(f"/talents/rounds/{rnd['round_id']}/bulk/tu-00000000000000000000")
    assert missing.status_code == 404 and body(missing)["code"] == "TALENT_UPLOAD_NOT_FOUND"
    assert list(TalentDeclaration.by_enterprise.query(f"{rnd['round_id']}#{SANXING}")) == []
