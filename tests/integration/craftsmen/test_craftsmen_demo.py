"""The local stack's demo: 陈宏鑫's craftsman file at 三行电气 in 南浔 exports as a PDF with
Chinese text — for the district union, for his enterprise union and for himself."""
from __future__ import annotations

from tests.conftest import body

from .conftest import pdf_text


def test_a_craftsmans_file_exports_as_a_pdf_with_chinese_text(login):
    from local.demo import craftsmen

    # given the demo (a second start of the stack adds nothing)
    craftsmen.seed()
    craftsmen.seed()

    # when 南浔区总工会 finds the file among 南浔's craftsmen and exports it
    district = login("union_admin", user_id="demo-nanxun-admin")
    rows = body(district.get("/craftsmen/files?org=zj/huz/nanxun"))["items"]
    assert [(r["real_name"], r["org_name"]) for r in rows] == [("陈宏鑫", "浙江三行电气科技有限公司工会")]
    assert rows[0]["id_masked"] == "330106********7714"
    file = body(district.get(f"/craftsmen/files/{rows[0]['file_id']}"))
    assert (file["verified_entries"], file["unverified_entries"], file["training_hours"]) == (5, 1, 48)
    ticket = body(district.get(f"/craftsmen/files/{rows[0]['file_id']}/pdf"))

    # then the PDF reads, in Chinese, who he is and what he achieved, verified or not
    text = pdf_text(ticket["url"])
    for words in ("南浔工匠档案", "陈宏鑫", "330106********7714", "浙江三行电气科技有限公司工会", "湖州市电工职业技能竞赛",
                  "一等奖", "开关柜母线一次对位操作法", "装配线工装快换改进", "未核验", "南浔区总工会杨老师", "48学时"):
        assert words in text, words
    assert "330106200103047714" not in text  # the ID number is masked on paper too
    assert ticket["filename"] == "南浔工匠档案-陈宏鑫.pdf"

    # and 陈宏鑫 reads and downloads his own file from the mini-program
    chen = login("worker", user_id="demo-worker")
    mine = body(chen.get("/craftsmen/me"))
    assert mine["file_id"] == file["file_id"] and len(mine["entries"]) == 6
    assert "陈宏鑫" in pdf_text(body(chen.get("/craftsmen/me/pdf"))["url"])
