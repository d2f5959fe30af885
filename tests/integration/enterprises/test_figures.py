"""Enterprise figures for the union console: month by month, one level down, as XLSX.

Given enterprises in 南浔 whose features publish their domain events, when the roll-up has
counted them, then the district, the city and the province see the sums month by month
(levels carried over quiet months), a drill-down page lists each child with its own figures,
and the export is a spreadsheet of the same numbers; other scopes and bad months get a 4xx."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from chalicelib.platform import events
from tests.conftest import body

from .conftest import NANXUN

SANXING, HENGDA = f"{NANXUN}/e-sanxing", f"{NANXUN}/e-hengda"


def _at(month: str) -> str:
    return f"{month}-15T02:00:00.000Z"


def _publish(feature: str, detail_type: str, org: str, data: dict, month: str) -> None:
    event = events.DomainEvent(org=org, data=data, time=_at(month))
    from chalicelib.platform.aws import client

    client("events").put_events(Entries=[events.entry(feature, detail_type, event)])


@pytest.fixture
def enterprises(register):
    assert register().status_code == 201
    assert register(code="91330503MA2B3C4D6R", slug="e-hengda", name="湖州恒达丝绸有限公司").status_code == 201


def test_the_district_sees_its_enterprises_figures_month_by_month(enterprises, nanxun, login, pump, aws_calls):
    _publish("dorms", "DormRoomsImported", SANXING, {"building_id": "b1", "created": 10, "skipped": 0, "beds": 40},
             "2026-09")
    _publish("dorms", "DormCheckedIn", SANXING, {"application_id": "a1"}, "2026-09")
    _publish("dorms", "DormCheckedIn", HENGDA, {"application_id": "a2"}, "2026-11")
    _publish("centres", "CentreVisitRecorded", HENGDA, {"room_day": "r1#2026-11-15", "user_id": "w1",
                                                        "org_path": HENGDA, "month": "2026-11"}, "2026-11")
    _publish("subsidy", "SubsidyReviewed", SANXING, {"app_id": "s1", "state": "approved", "paid_fen": 120000},
             "2026-10")
    pump.drain()

    view = body(nanxun.get("/enterprises/figures?month_from=2026-08&month_to=2026-11"))
    assert (view["org_path"], view["org_name"]) == (NANXUN, "湖州市南浔区总工会")
    assert {m["key"] for m in view["metrics"]} >= {"dorm_beds", "people_served", "subsidy_amount_paid"}
    by_month = {m["month"]: m["figures"] for m in view["months"]}
    assert list(by_month) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert by_month["2026-08"]["dorm_beds"] == 0
    assert (by_month["2026-09"]["dorm_beds"], by_month["2026-09"]["dorm_beds_occupied"]) == (40, 1)
    assert (by_month["2026-10"]["dorm_beds_occupied"], by_month["2026-10"]["subsidy_amount_paid"]) == (1, 120000)
    assert (by_month["2026-11"]["dorm_beds_occupied"], by_month["2026-11"]["people_served"]) == (2, 1)
    assert by_month["2026-11"]["subsidy_amount_paid"] == 0      # a flow: only in the month it happened

    aws_calls.clear()
    page = body(nanxun.get("/enterprises/figures/children?month=2026-11&limit=1"))
    assert len(page["items"]) == 1 and page["next_token"]
    # one page of the org tree and one item per child: bounded by the page, whatever the district's size
    read = aws_calls.for_work("http:GET /enterprises/figures/children")
    figure_reads = [c for c in read if c.table and c.table.endswith("enterprise-figures")]
    assert sum(c.items_read for c in figure_reads) <= 2 * 1
    assert sum(c.items_read for c in read if c.table and c.table.endswith("-orgs")) <= 2
    rest = body(nanxun.get(f"/enterprises/figures/children?month=2026-11&limit=1&next_token={page['next_token']}"))
    items = {i["org_path"]: i for i in page["items"] + rest["items"]}
    assert items[SANXING]["kind"] == "enterprise" and items[SANXING]["org_name"] == "浙江三行电气科技有限公司工会"
    assert (items[SANXING]["figures"]["dorm_beds"], items[SANXING]["figures"]["dorm_beds_occupied"]) == (40, 1)
    assert items[HENGDA]["figures"]["people_served"] == 1

    province = login("platform_admin", "pa-province", "zj")
    cities = body(province.get("/enterprises/figures/children?org=zj&month=2026-11&limit=100"))
    huzhou = next(i for i in cities["items"] if i["org_path"] == "zj/huz")
    assert huzhou["kind"] == "city" and huzhou["figures"]["dorm_beds"] == 40

    exported = nanxun.get("/enterprises/figures/export?month_from=2026-09&month_to=2026-11",
                          headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("组织", "组织路径", "月份") and len(rows) == 4
    assert rows[3][2] == "2026-11" and rows[3][3 + 3] == 2    # dorm_beds_occupied


REFUSALS = [
    ("org=zj/ls/jinyun&month_from=2026-01&month_to=2026-02", 404, "ORG_NOT_FOUND"),
    ("org=zj/huz/nanxun/e-nowhere&month_from=2026-01&month_to=2026-02", 404, "ORG_NOT_FOUND"),
    ("month_from=2026-13&month_to=2026-02", 422, "VALIDATION_FAILED"),
    ("month_from=2026-05&month_to=2026-02", 422, "FIGURES_RANGE_INVALID"),
]


def test_figures_and_export_outside_ones_scope_or_with_bad_months_are_refused(nanxun):
    for query, status, code in REFUSALS:
        for path in ("/enterprises/figures", "/enterprises/figures/export"):
            response = nanxun.get(f"{path}?{query}")
            assert response.status_code == status, (path, response.body)
            assert body(response)["code"] == code and body(response)["message"]
        if status == 404:
            org = query.split("&", 1)[0]
            refused = nanxun.get(f"/enterprises/figures/children?{org}&month=2026-01")
            assert (refused.status_code, body(refused)["code"]) == (404, "ORG_NOT_FOUND")
