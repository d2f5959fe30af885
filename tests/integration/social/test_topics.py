"""话题: union staff feature topics, members raise new ones with ``#话题#`` (reviewed before they
reach the square), the square orders topics by a heat kept by events (each event counted
once, however often it is delivered), a topic page lists its posts newest or hottest first,
and "my topics" counts what arrived since my last visit."""
from __future__ import annotations

import json
import math
import random

import pytest

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.events import DomainEvent, parse_eventbridge
from tests.conftest import body

XIHU = "zj/hz/xihu"
HELD_NAME = "USDT合约稳赚不赔"


def names(page) -> list[str]:
    return [t["name"] for t in body(page)["items"]]


def texts(page) -> list[str]:
    return [p["text"] for p in body(page)["items"]]


def feature(staff, name: str, description: str = "") -> str:
    created = staff.post("/social/topics", {"name": name, "description": description, "cover": "covers/x.jpg"})
    assert created.status_code == 201, created.body
    return body(created)["topic_id"]


def test_staff_feature_topics_members_raise_new_ones_and_the_square_orders_by_heat(member, login, pump):
    wang, li, zhe = member("xiaowang", "xiaoli", "azhe")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    hiking = feature(staff, "周末徒步", "杭州周边的徒步路线")
    reading = feature(staff, "读书会")

    # a member's post carries a featured topic and raises a new one
    first = body(wang.post("/social/posts", {"text": "#周末徒步# 宝石山到北高峰 #西湖夜跑#"}))
    assert first["topics"] and hiking in first["topics"] and len(first["topics"]) == 2
    book = body(li.post("/social/posts", {"text": "这周读《额尔古纳河右岸》 #读书会#"}))
    pump.drain()
    # one post each: the later is the warmer; the new topic waits for review
    assert names(zhe.get("/social/topics")) == ["读书会", "周末徒步"]
    assert book["topics"] == [reading]

    for reader in (li, zhe):
        assert reader.put(f"/social/posts/{first['post_id']}/like").status_code == 200
    assert zhe.post(f"/social/posts/{first['post_id']}/comments", {"text": "带上我！"}).status_code == 201
    pump.drain()
    square = body(zhe.get("/social/topics"))["items"]
    assert [t["name"] for t in square] == ["周末徒步", "读书会"]  # post + 2 likes + a comment
    assert square[0]["heat"] > square[1]["heat"] > 0

    queue = body(staff.get("/social/moderation/topics"))["items"]
    assert [t["name"] for t in queue] == ["西湖夜跑"]
    outsider = login("union_admin", user_id="nanxun-staff", org_path="zj/huz/nanxun")
    assert body(outsider.get("/social/moderation/topics"))["items"] == []
    takeover = outsider.post("/social/topics", {"name": "周末徒步", "description": "南浔的"})
    assert takeover.status_code == 409 and body(takeover)["code"] == "TOPIC_EXISTS"
    assert body(zhe.get(f"/social/topics/{hiking}"))["description"] == "杭州周边的徒步路线"
    assert zhe.get(f"/social/topics/{queue[0]['topic_id']}").status_code == 404
    approved = staff.post(f"/social/moderation/topics/{queue[0]['topic_id']}/review",
                          {"approve": True, "reason": "健康话题"})
    assert body(approved)["status"] == "approved" and body(approved)["status_name"] == "已上线"
    again = staff.post(f"/social/moderation/topics/{queue[0]['topic_id']}/review", {"approve": False})
    assert again.status_code == 409 and body(again)["code"] == "TOPIC_ALREADY_REVIEWED"
    assert "西湖夜跑" in names(zhe.get("/social/topics"))
    assert texts(zhe.get(f"/social/topics/{queue[0]['topic_id']}/posts")) == [first["text"]]


def test_a_topic_name_the_safety_rules_hold_is_refused_and_nothing_is_stored(member, login, pump):
    wang = member("xiaowang")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)

    refused = wang.post("/social/posts", {"text": f"今天分享 #{HELD_NAME}#"})
    assert refused.status_code == 422 and body(refused)["code"] == "TOPIC_NAME_REJECTED"
    assert "话题名" in body(refused)["message"]
    by_staff = staff.post("/social/topics", {"name": HELD_NAME})
    assert by_staff.status_code == 422 and body(by_staff)["code"] == "TOPIC_NAME_REJECTED"

    pump.drain()
    assert body(wang.get("/social/members/xiaowang/posts"))["items"] == []
    assert body(staff.get("/social/moderation/topics"))["items"] == []
    assert body(wang.get("/social/topics"))["items"] == []


def test_following_topics_shows_new_posts_since_my_last_visit(member, login, pump):
    wang, li = member("xiaowang", "xiaoli")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    hiking = feature(staff, "周末徒步")

    followed = wang.put(f"/social/topics/{hiking}/follow")
    assert body(followed)["followed_by_me"] is True and body(followed)["followers"] == 1
    assert body(wang.put(f"/social/topics/{hiking}/follow"))["followers"] == 1  # twice counts once
    for text in ("#周末徒步# 九溪十八涧", "#周末徒步# 龙井问茶"):
        assert li.post("/social/posts", {"text": text}).status_code == 201
    mine = body(wang.get("/social/me/topics"))["items"]
    assert [(t["name"], t["new_posts"]) for t in mine] == [("周末徒步", 2)]

    page = wang.get(f"/social/topics/{hiking}/posts?order=newest")
    assert texts(page) == ["#周末徒步# 龙井问茶", "#周末徒步# 九溪十八涧"]
    assert body(wang.get("/social/me/topics"))["items"][0]["new_posts"] == 0

    assert body(wang.delete(f"/social/topics/{hiking}/follow"))["followers"] == 0
    assert body(wang.get("/social/me/topics"))["items"] == []


def test_a_topic_page_lists_hottest_first_and_reads_only_a_page(member, login, pump, aws_calls):
    wang, li, zhe = member("xiaowang", "xiaoli", "azhe")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    hiking = feature(staff, "周末徒步")
    ids = [body(wang.post("/social/posts", {"text": f"#周末徒步# 第{i}条"}))["post_id"] for i in range(8)]
    pump.drain()
    for reader in (li, zhe):
        reader.put(f"/social/posts/{ids[2]}/like")
    li.put(f"/social/posts/{ids[5]}/like")
    pump.drain()

    hottest = body(zhe.get(f"/social/topics/{hiking}/posts?order=hottest&limit=2"))
    assert [p["post_id"] for p in hottest["items"]] == [ids[2], ids[5]]
    aws_calls.clear()
    newest = body(zhe.get(f"/social/topics/{hiking}/posts?order=newest&limit=3"))
    assert [p["text"] for p in newest["items"]] == ["#周末徒步# 第7条", "#周末徒步# 第6条", "#周末徒步# 第5条"]
    reads = sum(c.items_read for c in aws_calls.for_work("http:GET /social/topics/{topic_id}/posts"))
    assert reads <= 3 * 6, reads
    square_reads = sum(c.items_read for c in aws_calls.for_work("http:GET /social/topics"))
    aws_calls.clear()
    zhe.get("/social/topics?limit=1")
    square_reads = sum(c.items_read for c in aws_calls.for_work("http:GET /social/topics"))
    assert square_reads <= 1 * 6 + 2, square_reads


def _heat_story(member_ids: list[str], n_topics: int, n_events: int, seed: int, pump, monkeypatch) -> None:
    """Given topics with posts, ``n_events`` interleaved likes, unlikes and comments; every heat
    event delivered once by the pump and then redelivered 0–2 more times in shuffled order."""
    from chalicelib.social import events, heat, logic, topics
    from chalicelib.social import posts as social_posts
    from chalicelib.social.models import Topic
    from chalicelib.social.schemas import NewPost, NewTopic

    def principal(user_id: str) -> Principal:
        return Principal(user_id=user_id, role=Role.WORKER, org_path=XIHU)

    for user_id in member_ids:
        logic.apply_identity_event("MemberActivated", DomainEvent(org=XIHU, data={"user_id": user_id}))
    staff = Principal(user_id="xihu-staff", role=Role.UNION_ADMIN, org_path=XIHU)
    topic_names = [f"话题{i}" for i in range(n_topics)]
    for name in topic_names:
        topics.create_featured(staff, NewTopic(name=name))
    rnd = random.Random(seed)
    posts = []
    for i, name in enumerate(topic_names * 2):
        author = member_ids[i % len(member_ids)]
        posts.append(social_posts.create_post(principal(author), NewPost(text=f"#{name}# 第{i}条")).post_id)

    seen: list[str] = []
    original = events.apply_heat

    def recording(record):
        seen.append(record.body)
        return original(record)

    monkeypatch.setattr(events, "apply_heat", recording)
    for _ in range(n_events):
        who, post_id = principal(rnd.choice(member_ids)), rnd.choice(posts)
        roll = rnd.random()
        if roll < 0.55:
            social_posts.like(who, post_id, liked=True)
        elif roll < 0.7:
            social_posts.like(who, post_id, liked=False)
        else:
            social_posts.comment(who, post_id, "一起去！")
    while pump.drain():  # a drain stops after 50 rounds; go on until every queue is empty
        pass

    redelivered = [b for b in seen for _ in range(rnd.randint(0, 2))]
    rnd.shuffle(redelivered)
    applied_again = 0
    for raw in redelivered:
        _, detail_type, event = parse_eventbridge(json.loads(raw))
        applied_again += heat.apply_event(detail_type, event)
    assert applied_again == 0, "a redelivered event counted twice"

    for name in topic_names:
        from chalicelib.social.tagging import topic_id_of

        stored = float(Topic.get(topic_id_of(name), consistent_read=True).heat)
        assert math.isclose(stored, heat.recompute(topic_id_of(name)), rel_tol=1e-9), name


def test_heat_equals_a_recomputation_from_scratch_across_redeliveries(aws, pump, monkeypatch):
    _heat_story([f"m{i}" for i in range(8)], n_topics=4, n_events=40, seed=7, pump=pump, monkeypatch=monkeypatch)


@pytest.mark.slow
def test_heat_at_full_size_1000_events_on_50_topics(aws, pump, monkeypatch):
    _heat_story([f"m{i:02d}" for i in range(40)], n_topics=50, n_events=1000, seed=15, pump=pump,
                monkeypatch=monkeypatch)
