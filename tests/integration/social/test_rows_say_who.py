"""A list row says who it is about: posts, comments, friends and reports carry the member's
nickname and picture, so a client draws a page without one call per row.

Given two 光年间 members with profiles (阿旺 and 小林), when they befriend, post, comment and
report, then every row names them; a member without a profile shows as 光年间会员; a report the
safety rules filed names the rules as its reporter; after 阿旺 renames herself, her rows follow."""
from __future__ import annotations

from tests.conftest import body
from tests.integration.profiles.helpers import member as profiled
from tests.integration.profiles.helpers import profile
from tests.integration.social.conftest import befriend


def test_posts_comments_friends_and_reports_name_their_members(login, pump):
    wang = profiled(login, pump, "xiaowang", nickname="阿旺")
    lin = profiled(login, pump, "xiaolin", nickname="小林", gender="male")
    befriend(wang, lin)
    posted = wang.post("/social/posts", {"text": "周末去九溪徒步，有人一起吗？"})
    assert posted.status_code == 201 and body(posted)["author_name"] == "阿旺"
    pump.drain()

    row = body(lin.get("/social/feed?kind=friends"))["items"][0]
    assert (row["author"], row["author_name"]) == ("xiaowang", "阿旺")
    said = lin.post(f"/social/posts/{row['post_id']}/comments", {"text": "我去！"})
    assert body(said)["author_name"] == "小林"
    assert [(c["author_name"], c["text"]) for c in body(wang.get(f"/social/posts/{row['post_id']}/comments"))["items"]
            ] == [("小林", "我去！")]
    assert body(wang.get(f"/social/posts/{row['post_id']}"))["author_name"] == "阿旺"
    assert [(m["user_id"], m["nickname"]) for m in body(wang.get("/social/friends"))["items"]] == [("xiaolin", "小林")]

    reported = lin.post("/social/reports", {"kind": "post", "target_id": row["post_id"], "reason_code": "advertising"})
    assert reported.status_code in (200, 201), reported.body
    staff = login("platform_admin", user_id="root", org_path="zj")
    queued = body(staff.get("/social/moderation/reports"))["items"][0]
    assert (queued["reporter_name"], queued["target_member_name"]) == ("小林", "阿旺")

    assert wang.put("/profiles/me", profile(nickname="旺仔")).status_code == 200
    pump.drain()
    assert body(lin.get("/social/feed?kind=friends"))["items"][0]["author_name"] == "旺仔"
    assert body(lin.get("/social/friends"))["items"][0]["nickname"] == "旺仔"


def test_a_member_without_a_profile_shows_as_a_member_and_the_safety_rules_as_reporter(member, login, pump):
    wang, lin = member("xiaowang", "xiaolin")
    befriend(wang, lin)
    assert body(wang.get("/social/friends"))["items"][0]["nickname"] == "光年间会员"
    held = wang.post("/messaging/messages", {"to": "xiaolin", "client_id": "cli-scam-01",
                                             "text": "中奖了！领取奖金请先转账手续费到我的银行卡"})
    assert held.status_code == 202
    pump.drain()
    staff = login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu")
    queued = body(staff.get("/social/moderation/reports"))["items"]
    assert queued and queued[0]["reporter_name"] == "安全规则" and queued[0]["target_member_name"] == "光年间会员"
