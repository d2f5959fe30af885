"""The issue's story on the demo world: the demo enterprise in 南浔 (三行电气) declares three
talents by XLSX, the district approves two and sends one back."""
from __future__ import annotations

import base64
import io

from openpyxl import load_workbook

from tests.conftest import body

from .conftest import upload_and_declare


def test_the_demo_enterprise_declares_three_by_xlsx_the_district_approves_two_and_sends_one_back(login, pump):
    from local.demo import talents as demo

    demo.seed()
    enterprise = login("enterprise_admin", "demo-enterprise-admin")
    district = login("union_admin", "demo-nanxun-admin")

    # given the open round of 南浔 the enterprise sees
    [rnd] = [r for r in body(enterprise.get("/talents/rounds"))["items"] if r["title"] == demo.ROUND_TITLE]
    assert rnd["open"] and rnd["org_name"] == "湖州市南浔区总工会"

    # when it fills the downloaded template with its three people and uploads it
    template = body(enterprise.get("/talents/template"))
    book = load_workbook(io.BytesIO(base64.b64decode(template["content_base64"])))
    assert book.sheetnames == ["申报表", "职业目录", "技能等级", "填写说明"]
    assert [c.value for c in book["申报表"][1]] == ["姓名", "身份证号", "职业编码", "技能等级", "推荐理由"]
    occupations = {r[0]: r[1] for r in book["职业目录"].iter_rows(min_row=2, values_only=True)}
    assert occupations["6-31-01-03"] == "电工" and occupations["6-18-02-04"] == "焊工"
    assert [r[0] for r in book["技能等级"].iter_rows(min_row=2, values_only=True)] == [
        "五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"]
    for row in demo.DEMO_TALENTS:
        book["申报表"].append(list(row))
    filled = io.BytesIO()
    book.save(filled)
    result = body(upload_and_declare(enterprise, rnd["round_id"], filled.getvalue()))
    assert (result["declared"], result["rejected"]) == (3, [])

    # and the district approves two and sends one back
    queue = body(district.get(f"/talents/rounds/{rnd['round_id']}/review?state=submitted"))["items"]
    assert sorted(r["real_name"] for r in queue) == ["沈建国", "钱卫东", "陆晓峰"]
    by_name = {r["real_name"]: r["declaration_id"] for r in queue}
    for name in ("沈建国", "钱卫东"):
        assert district.post(f"/talents/declarations/{by_name[name]}/decision",
                             {"action": "approve"}).status_code == 200
    back = district.post(f"/talents/declarations/{by_name['陆晓峰']}/decision",
                         {"action": "return", "reason": "请上传中级工证书扫描件"})
    assert back.status_code == 200

    # then two are in the pool, one is back with the enterprise with the reason, all three told
    pool = body(district.get("/talents/pool"))["items"]
    assert sorted((r["real_name"], r["occupation_name"], r["level_name"]) for r in pool) == [
        ("沈建国", "电工", "二级/技师"), ("钱卫东", "焊工", "三级/高级工")]
    mine = {r["real_name"]: r["state_name"] for r in
            body(enterprise.get(f"/talents/rounds/{rnd['round_id']}/declarations"))["items"]}
    assert mine == {"沈建国": "已通过，入选人才库", "钱卫东": "已通过，入选人才库", "陆晓峰": "已退回修改"}
    returned = body(enterprise.get(f"/talents/declarations/{by_name['陆晓峰']}"))
    assert returned["decisions"][-1]["reason"] == "请上传中级工证书扫描件"
    pump.drain()
    titles = sorted(i["title"] for i in body(enterprise.get("/inbox"))["items"] if i["kind"] == "talents")
    assert titles == ["技能人才申报已通过", "技能人才申报已通过", "技能人才申报被退回修改"]
    progress = body(district.get(f"/talents/rounds/{rnd['round_id']}/progress"))["items"]
    assert [(r["org_name"], r["submitted"], r["approved"], r["quota"]) for r in progress] == [
        ("浙江三行电气科技有限公司工会", 3, 2, 10)]
