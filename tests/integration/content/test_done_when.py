"""Issue 14's "done when": a district admin writes a legal-education article, a second reviewer
approves it, it publishes at its time, a worker finds it by a Chinese keyword, and the worker's
inbox shows it (through the district's announcement) beside their dorm and aid notices."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.aid.support import submitted
from tests.integration.content.support import CITY, DISTRICT, ENTERPRISE, LEGAL, PUBLISH, iso_in, later
from tests.integration.dorms.conftest import dorm, nanxun, worker_with_profile  # noqa: F401  (fixtures)
from tests.integration.inbox.support import verified_members


def test_done_when(dorm, login, pump, fakes):  # noqa: F811
    verified_members("sx", ENTERPRISE, 3)
    verified_members("chen", ENTERPRISE, 1, start=50)  # chen-00000: 陈宏鑫, a verified member at 三行电气
    chen_id = "chen-00000"
    # his dorm: auto-approved as a new hire, checked in — the dorm notices
    assert dorm.admin.put("/dorms/rules", {"org_path": ENTERPRISE, "auto_approve_new_hire_days": 7}).status_code == 200
    chen = worker_with_profile(login, chen_id, entry_date=clock.today_shanghai().isoformat())
    assert chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"}).status_code == 201
    pump.drain()
    assert chen.post("/dorms/me/check-in", {}).status_code == 200
    # his hardship-aid application — the aid notice
    submitted(chen)
    pump.drain()

    author = dorm.union  # 南浔区总工会
    reviewer = login("union_admin", user_id="nanxun-reviewer", org_path=DISTRICT)
    city = login("union_admin", user_id="huzhou-reviewer", org_path=CITY)
    article = body(author.post("/content/manage/articles", {**LEGAL, "publish_at": iso_in(timedelta(hours=1))}))
    path = f"/content/manage/articles/{article['article_id']}"
    author.post(f"{path}/submit")
    assert author.post(f"{path}/approve").status_code == 403  # never the author
    reviewer.post(f"{path}/approve")
    assert body(city.post(f"{path}/approve"))["status"] == "scheduled"

    sent = author.post("/inbox/announcements", {  # announced for the same time
        "title": f"普法：{LEGAL['title']}", "body": LEGAL["summary"], "audience_org": DISTRICT,
        "link": f"pages/content/article?id={article['article_id']}", "send_at": article["publish_at"]})
    assert sent.status_code == 201 and body(sent)["status"] == "scheduled", sent.body

    with later(timedelta(hours=1, minutes=1)):
        assert pump.run_schedule(PUBLISH) == {"published": 1}
        assert pump.run_schedule("inbox_events_inbox_send_due_announcements") == {"started": 1}
        pump.drain()

    found = body(chen.get("/content/search?q=试用期"))["items"]
    assert [f["article_id"] for f in found] == [article["article_id"]]

    inbox = body(chen.get("/inbox"))["items"]
    kinds = [i["kind"] for i in inbox]
    assert kinds[0] == "announcement" and article["article_id"] in inbox[0]["link"]
    assert {"dorms", "aid"} <= set(kinds)
    assert "宿舍申请已通过" in [i["title"] for i in inbox if i["kind"] == "dorms"]
    assert "帮扶申请已提交" in [i["title"] for i in inbox if i["kind"] == "aid"]
    unread = body(chen.get("/inbox/unread"))
    assert unread["by_kind"]["announcement"] == 1 and unread["by_kind"]["aid"] == 1
    assert unread["total"] == len(inbox)
    assert body(author.get(f"/inbox/announcements/{body(sent)['ann_id']}"))["delivered"] == 4
