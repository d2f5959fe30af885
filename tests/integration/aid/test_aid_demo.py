"""The local stack's demo: 陈宏鑫 logs in and sees his serious-illness aid followed through
every step by the demo staff, the enterprise union has his 金秋助学 in its queue, and a
colleague's application is on public notice."""
from __future__ import annotations

from tests.conftest import body


def test_the_demo_worker_sees_every_step_taken_by_demo_staff(login, pump):
    from local.demo import accounts, aid

    accounts.seed()
    aid.seed()
    aid.seed()  # a second start of the stack adds nothing
    pump.drain()
    worker = login("worker", user_id="demo-worker")
    mine = body(worker.get("/aid/my-applications"))["items"]
    assert sorted(a["state"] for a in mine) == ["disbursed", "enterprise_review"]
    paid = next(a for a in mine if a["state"] == "disbursed")
    detail = body(worker.get(f"/aid/applications/{paid['app_id']}"))
    assert [t["action_name"] for t in detail["timeline"]] == [
        "提交申请", "审核通过", "审核通过", "公示期满无异议", "发放帮扶金"]
    assert detail["bank_card"].startswith("6217 ****")
    assert len(body(worker.get("/aid/notifications"))["items"]) == 6  # five steps + the 金秋助学 submission
    assert [n["applicant"] for n in body(worker.get("/aid/notices"))["items"]] == ["李*"]
    enterprise = login("enterprise_admin", user_id="demo-sanxing-admin")
    assert [a["aid_type"] for a in body(enterprise.get("/aid/queue"))["items"]] == ["education"]
    figures = body(login("union_admin", user_id="demo-nanxun-admin").get("/aid/figures"))
    assert figures["disbursed_fen"] == 1_000_000 and figures["by_state"]["public_notice"] == 1
