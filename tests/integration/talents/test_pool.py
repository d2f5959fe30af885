"""The talent pool: 南浔's approved talents found by occupation, level, district and enterprise,
each one Query of one index (the Scan guard is on), and the counts per district against the
programme's target."""
from __future__ import annotations

from typing import Any

from tests.conftest import body

from .conftest import LINGHU, SANXING, declare, open_round, people, put_on_roster


def _approve(cast: Any, session: Any, rnd: dict[str, Any], person: Any, **fields: Any) -> str:
    declaration_id = body(declare(session, rnd["round_id"], person, submit=True, **fields))["declaration_id"]
    response = cast.district.post(f"/talents/declarations/{declaration_id}/decision", {"action": "approve"})
    assert response.status_code == 200, response.body
    return declaration_id


def test_the_pool_by_occupation_level_district_and_enterprise(cast, aws_calls):
    rnd = open_round(cast)
    crew = people(5)
    put_on_roster(SANXING, crew[:3])
    put_on_roster(LINGHU, crew[3:])
    welder = _approve(cast, cast.sanxing, rnd, crew[0], occupation_code="6-18-02-04", level="senior")
    electrician = _approve(cast, cast.sanxing, rnd, crew[1])                                   # 电工 技师
    _approve(cast, cast.linghu, rnd, crew[3], occupation_code="6-18-02-04", level="technician")
    declare(cast.sanxing, rnd["round_id"], crew[2], submit=True)                              # not yet approved
    _approve(cast, cast.linghu, rnd, crew[4], occupation_code="4-03-02-01", level="junior")

    def ids(**query: str) -> set[str]:
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        page = body(cast.district.get(f"/talents/pool?{qs}"))
        assert "items" in page, page
        return {(r["org_path"], r["occupation_name"], r["level_name"]) for r in page["items"]}

    assert ids(occupation_code="6-18-02-04") == {(SANXING, "焊工", "三级/高级工"), (LINGHU, "焊工", "二级/技师")}
    assert ids(level="technician") == {(SANXING, "电工", "二级/技师"), (LINGHU, "焊工", "二级/技师")}
    assert ids(occupation_code="6-18-02-04", level="technician") == {(LINGHU, "焊工", "二级/技师")}
    assert ids(org=SANXING) == {(SANXING, "焊工", "三级/高级工"), (SANXING, "电工", "二级/技师")}
    assert len(ids()) == 4 and len(body(cast.city.get("/talents/pool?org=zj/huz/nanxun"))["items"]) == 4
    # a row shows who it is, masked where it must be
    row = next(r for r in body(cast.district.get(f"/talents/pool?org={SANXING}"))["items"] if r["talent_id"] == welder)
    assert row["real_name"] == crew[0].name and row["id_masked"] == crew[0].number[:6] + "********" + crew[0].number[-4:]
    # paged: two at a time, nothing lost or repeated
    first = body(cast.district.get("/talents/pool?limit=2"))
    second = body(cast.district.get(f"/talents/pool?limit=2&cursor={first['next_cursor']}"))
    assert len({r["talent_id"] for r in first["items"] + second["items"]}) == 4 and electrician
    # another district's union sees none of it
    away = cast.other_district.get(f"/talents/pool?org={SANXING}")
    assert away.status_code == 404 and body(away)["code"] == "ORG_NOT_FOUND"
    assert body(cast.other_district.get("/talents/pool"))["items"] == []
    # and every listing was a Query, never a Scan
    pool_calls = [c for c in aws_calls.for_work() if c.table and c.table.endswith("talents-pool")]
    assert pool_calls and {c.operation for c in pool_calls} == {"Query"}


def test_counts_per_district_against_the_target(cast):
    rnd = open_round(cast)
    crew = people(2)
    put_on_roster(SANXING, crew)
    for person in crew:
        _approve(cast, cast.sanxing, rnd, person)
    counts = body(cast.city.get("/talents/pool/counts"))
    assert counts["items"] == [{"org_path": "zj/huz/nanxun", "approved": 2, "target": 1000, "percent": 0.2}]
    # the district sets its own target
    refused = cast.district.put("/talents/pool/targets", {"org_path": "zj/huz", "target": 800})
    assert refused.status_code == 422 and body(refused)["code"] == "TALENT_TARGET_ORG_LEVEL"
    mine = body(cast.district.put("/talents/pool/targets", {"org_path": "zj/huz/nanxun", "target": 400}))
    assert mine["items"] == [{"org_path": "zj/huz/nanxun", "approved": 2, "target": 400, "percent": 0.5}]
    outside = cast.other_district.put("/talents/pool/targets", {"org_path": "zj/huz/nanxun", "target": 1})
    assert outside.status_code == 404
    assert body(cast.city.get("/talents/pool/counts"))["total"] == 2
