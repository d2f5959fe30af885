"""企业论坛: the enterprise union admin opens boards; the enterprise's own members post threads
and reply (social's posts and comments, with the same safety scan); the admin pins, locks and
removes; people of another enterprise see nothing of it, union staff in scope can read it."""
from __future__ import annotations

from tests.conftest import body

SANXING = "zj/huz/nanxun/e-sanxing"
OTHER = "zj/hz/xihu/e-guangnian"


def test_an_enterprise_forum_from_board_to_locked_thread(member, login, pump):
    worker, colleague = member("sx-wang", "sx-li", org=SANXING)
    stranger = member("gn-zhao", org=OTHER)
    admin = login("enterprise_admin", user_id="sx-admin", org_path=SANXING)
    other_admin = login("enterprise_admin", user_id="gn-admin", org_path=OTHER)
    district = login("union_admin", user_id="nanxun-staff", org_path="zj/huz/nanxun")

    board = body(admin.post("/social/forum/boards", {"name": "食堂建议", "description": "菜品与服务"}))
    assert board["org_path"] == SANXING
    assert [b["name"] for b in body(worker.get("/social/forum/boards"))["items"]] == ["食堂建议"]
    assert body(stranger.get("/social/forum/boards"))["items"] == []  # their own enterprise has none

    thread = worker.post(f"/social/forum/boards/{board['board_id']}/threads",
                         {"title": "夜班食堂加个面食窗口？", "text": "夜班下班后只有盒饭"})
    assert thread.status_code == 201 and body(thread)["title"] == "夜班食堂加个面食窗口？"
    post_id = body(thread)["post_id"]
    second = body(colleague.post(f"/social/forum/boards/{board['board_id']}/threads",
                                 {"title": "空调温度", "text": "车间太热"}))["post_id"]
    reply = colleague.post(f"/social/posts/{post_id}/comments", {"text": "附议！"})
    assert reply.status_code == 201
    pump.drain()
    assert body(colleague.get("/social/feed?kind=recommended"))["items"] == []  # forum threads stay in the forum

    # another enterprise: nothing to see, nothing to post, nothing to moderate
    for refused in (stranger.get(f"/social/forum/boards/{board['board_id']}/threads"),
                    stranger.post(f"/social/forum/boards/{board['board_id']}/threads", {"title": "路过", "text": "看看"}),
                    stranger.get(f"/social/posts/{post_id}"),
                    stranger.post(f"/social/posts/{post_id}/comments", {"text": "路过"}),
                    other_admin.put(f"/social/forum/threads/{post_id}/lock", {"on": True})):
        assert refused.status_code == 404, refused.body
        assert body(refused)["code"] in ("BOARD_NOT_FOUND", "POST_NOT_FOUND", "THREAD_NOT_FOUND")
    assert stranger.get(f"/social/forum/boards?org={SANXING}").status_code == 404

    assert admin.put(f"/social/forum/threads/{second}/pin", {"on": True}).status_code == 200
    assert body(admin.put(f"/social/forum/threads/{post_id}/lock", {"on": True}))["locked"] is True
    locked = colleague.post(f"/social/posts/{post_id}/comments", {"text": "再顶一下"})
    assert locked.status_code == 409 and body(locked)["code"] == "THREAD_LOCKED"
    assert body(worker.get(f"/social/posts/{post_id}"))["comments"] == 1

    listed = body(district.get(f"/social/forum/boards/{board['board_id']}/threads"))["items"]
    assert [(p["title"], p["pinned"], p["locked"]) for p in listed] == [("空调温度", True, False),
                                                                        ("夜班食堂加个面食窗口？", False, True)]
    assert body(admin.post(f"/social/forum/threads/{second}/removal", {"reason": "与本版块无关"}))["status"] == "hidden"
    assert [p["title"] for p in body(worker.get(f"/social/forum/boards/{board['board_id']}/threads"))["items"]] \
        == ["夜班食堂加个面食窗口？"]
