"""The local stack's demo of 光年间's spaces: 陈宏鑫 (demo-worker, hiking among his sports) finds
周末徒步 on the topic square and follows it, is offered the 徒步 planet from his hobbies, joins
it and posts there; 三行电气's members find their forum's boards."""
from __future__ import annotations

from tests.conftest import body


def test_the_demo_member_follows_a_topic_joins_the_suggested_hiking_planet_and_posts(login, pump, monkeypatch):
    from local.demo import accounts, profiles, social
    from tests.members import set_standing

    # the profiles demo as it is, for 陈宏鑫 alone (the other profiles' photos cost seconds here)
    monkeypatch.setattr(profiles, "MEMBERS", [m for m in profiles.MEMBERS if m[0] == "demo-worker"])

    set_standing("demo-worker", org_path="zj/huz/nanxun/e-sanxing")  # identity's demo, without its 2,600 members
    for module in (accounts, profiles, social):
        module.seed()
    pump.drain()
    social.seed()                                          # seeding twice changes nothing
    me = login("worker", user_id="demo-worker")

    square = body(me.get("/social/topics"))["items"]
    hiking = next(t for t in square if t["name"] == "周末徒步")
    assert {"周末徒步", "读书会", "西湖夜跑"} <= {t["name"] for t in square} and hiking["posts"] == 1
    assert body(me.put(f"/social/topics/{hiking['topic_id']}/follow"))["followed_by_me"] is True
    assert [t["name"] for t in body(me.get("/social/me/topics"))["items"]] == ["周末徒步"]

    suggested = body(me.get("/social/me/planet-suggestions"))["items"]
    assert [(p["name"], p["interest_name"]) for p in suggested] == [("西湖徒步星球", "徒步")]
    planet_id = suggested[0]["planet_id"]
    assert body(me.post(f"/social/planets/{planet_id}/join"))["my_role"] == "member"
    assert me.post(f"/social/planets/{planet_id}/posts", {"text": "第一次参加，周六见！"}).status_code == 201
    assert body(me.get(f"/social/planets/{planet_id}/posts"))["items"][0]["text"] == "第一次参加，周六见！"
    assert [b["name"] for b in body(me.get("/social/forum/boards"))["items"]] == ["食堂建议", "宿舍生活"]
