"""动态: members post text and photos; followers, friends and everyone (recommended) read
their timelines; a page read stays bounded by the page size; delete, like, comment."""
from __future__ import annotations

import requests

from tests.conftest import body
from tests.integration.social.conftest import befriend


def texts(response) -> list[str]:
    return [p["text"] for p in body(response)["items"]]


def post(session, text: str, photos: list[str] | None = None):
    return session.post("/social/posts", {"text": text, "photos": photos or []})


def test_posts_reach_followers_friends_and_recommendations(member, pump):
    wang, li, fan, stranger = member("xiaowang", "xiaoli", "fan", "stranger")
    befriend(wang, li)
    fan.put("/social/following/xiaowang")

    created = post(wang, "周末在西湖边跑了10公里 🏃")
    assert created.status_code == 201 and body(created)["status"] == "visible"
    pump.drain()

    assert texts(li.get("/social/feed?kind=following")) == ["周末在西湖边跑了10公里 🏃"]
    assert texts(li.get("/social/feed?kind=friends")) == ["周末在西湖边跑了10公里 🏃"]
    assert texts(fan.get("/social/feed?kind=following")) == ["周末在西湖边跑了10公里 🏃"]
    assert texts(fan.get("/social/feed?kind=friends")) == []
    assert texts(stranger.get("/social/feed?kind=following")) == []
    assert texts(stranger.get("/social/feed?kind=recommended")) == ["周末在西湖边跑了10公里 🏃"]
    assert texts(fan.get("/social/feed?kind=recommended")) == []  # already followed
    assert texts(stranger.get("/social/members/xiaowang/posts")) == ["周末在西湖边跑了10公里 🏃"]


def test_like_comment_and_delete(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    post_id = body(post(wang, "今天读书角新到了一批书"))["post_id"]
    pump.drain()

    liked = li.put(f"/social/posts/{post_id}/like")
    assert body(liked) == {"post_id": post_id, "liked": True, "likes": 1}
    assert body(li.put(f"/social/posts/{post_id}/like"))["likes"] == 1  # liking twice counts once
    assert body(li.get(f"/social/posts/{post_id}"))["liked_by_me"] is True
    commented = li.post(f"/social/posts/{post_id}/comments", {"text": "周六一起去？"})
    assert commented.status_code == 201
    assert [c["text"] for c in body(wang.get(f"/social/posts/{post_id}/comments"))["items"]] == ["周六一起去？"]
    assert body(wang.get(f"/social/posts/{post_id}"))["comments"] == 1
    scam = li.post(f"/social/posts/{post_id}/comments", {"text": "加我微信带你投资稳赚"})
    assert scam.status_code == 422 and body(scam)["code"] == "COMMENT_REJECTED"
    assert body(li.delete(f"/social/posts/{post_id}/like"))["likes"] == 0

    assert li.delete(f"/social/posts/{post_id}").status_code == 404  # not hers
    assert wang.delete(f"/social/posts/{post_id}").status_code == 200
    assert li.get(f"/social/posts/{post_id}").status_code == 404
    assert texts(li.get("/social/feed?kind=following")) == []


def test_photos_go_through_the_upload_path_and_are_limited_to_nine(member, pump):
    wang = member("xiaowang")
    upload = wang.post("/social/photos", {"content_type": "image/jpeg"})
    assert upload.status_code == 201
    ticket = body(upload)
    assert ticket["key"].startswith("social/posts/xiaowang/")
    sent = requests.post(ticket["url"], data=ticket["fields"],
                         files={"file": ("run.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")}, timeout=10)
    assert sent.status_code in (200, 204)

    created = post(wang, "跑步打卡", [ticket["key"]])
    assert created.status_code == 201 and body(created)["photos"] == [ticket["key"]]
    never_uploaded = post(wang, "跑步打卡", ["social/posts/xiaowang/nothing.jpg"])
    assert never_uploaded.status_code == 422 and body(never_uploaded)["code"] == "PHOTO_NOT_FOUND"
    someone_elses = post(wang, "跑步打卡", ["social/posts/xiaoli/x.jpg"])
    assert someone_elses.status_code == 422
    ten = post(wang, "太多了", [f"social/posts/xiaowang/{i}.jpg" for i in range(10)])
    assert ten.status_code == 422
    empty = post(wang, "   ")
    assert empty.status_code == 422


def test_a_feed_page_reads_no_more_than_the_page_needs(member, pump, aws_calls):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    for i in range(12):
        post(wang, f"第{i}条动态")
    pump.drain()
    aws_calls.clear()
    first = body(li.get("/social/feed?kind=following&limit=5"))
    assert texts_of(first) == [f"第{i}条动态" for i in range(11, 6, -1)]
    reads = sum(c.items_read for c in aws_calls.for_work("http:GET /social/feed"))
    assert reads <= 5 * 6, reads  # timeline entries + posts + edge/standing checks, per item
    second = body(li.get(f"/social/feed?kind=following&limit=5&cursor={first['next_cursor']}"))
    assert texts_of(second) == [f"第{i}条动态" for i in range(6, 1, -1)]


def texts_of(page) -> list[str]:
    return [p["text"] for p in page["items"]]


def test_block_takes_effect_on_the_next_request_everywhere(member, pump):
    """No message, post or profile relation of the blocked member is served afterwards."""
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    post_id = body(post(wang, "今天天气真好"))["post_id"]
    li_post = body(post(li, "加班中"))["post_id"]
    conv = body(wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "blk-0001", "text": "晚安"}))
    pump.drain()
    assert texts(li.get("/social/feed?kind=following")) == ["加班中", "今天天气真好"]

    assert li.put("/social/blocks/xiaowang").status_code == 200

    assert texts(li.get("/social/feed?kind=following")) == ["加班中"]
    assert texts(li.get("/social/feed?kind=recommended")) == []
    assert li.get(f"/social/posts/{post_id}").status_code == 404
    assert wang.get(f"/social/posts/{li_post}").status_code == 404
    assert li.get("/social/members/xiaowang/posts").status_code == 404
    assert wang.get("/social/members/xiaoli/relation").status_code == 404
    assert li.get(f"/messaging/conversations/{conv['conversation_id']}/messages").status_code == 404
    assert wang.get(f"/messaging/conversations/{conv['conversation_id']}/messages").status_code == 404
    assert body(li.get("/messaging/inbox"))["items"] == []
    assert body(wang.get("/messaging/inbox"))["items"] == []
    refused = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "blk-0002", "text": "?"})
    assert refused.status_code == 403 and body(refused)["code"] == "BLOCKED_BY_RECIPIENT"
