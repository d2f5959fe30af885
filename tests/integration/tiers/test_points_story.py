"""Member tiers, the points story: a member earns points from what others do with their posts
and from being active, never from liking their own post and never twice for one like (an
undo and a like again is the same event); each kind of action has a daily cap; the same
event delivered three times counts once; a post removed by moderation and a ban take points
back."""
from __future__ import annotations

from chalicelib.tiers import logic
from chalicelib.tiers.models import TierBalance, TierLedgerEntry
from tests.conftest import body
from tests.integration.tiers.conftest import liked, me


def test_points_come_from_others_likes_and_days_active_never_from_oneself(member, pump):
    wang, li, zhang = member("xiaowang", "xiaoli", "xiaozhang")
    post_id = body(wang.post("/social/posts", {"text": "周末去九溪徒步，有人一起吗"}))["post_id"]
    for session in (li, zhang, wang):            # wang likes his own post too
        assert session.put(f"/social/posts/{post_id}/like").status_code == 200
    assert li.delete(f"/social/posts/{post_id}/like").status_code == 200
    assert li.put(f"/social/posts/{post_id}/like").status_code == 200   # liking again: the same event
    pump.drain()

    mine = me(wang)
    # active today 5 + two likes by others 2 × 2; his own like and li's second like earn nothing
    assert mine["points"] == 9
    assert mine["tier"]["name"] == "新星" and mine["next_tier"]["name"] == "亮星"
    assert mine["points_to_next"] == 91 and mine["progress_percent"] == 9
    assert me(li)["points"] == 5                  # active today, once however much she did
    first = body(wang.get("/tiers/me/history?limit=2"))
    rest = body(wang.get(f"/tiers/me/history?limit=2&cursor={first['next_cursor']}"))
    kinds = sorted(i["kind"] for i in first["items"] + rest["items"])
    assert kinds == ["active", "liked", "liked"]
    assert all(i["points"] > 0 and i["at"].endswith("Z") for i in first["items"])


def test_a_daily_cap_and_redelivery(aws):
    events = [liked("p-1", "author", f"fan-{n:02d}") for n in range(22)]
    for detail_type, event in events + events[:3] + events[:3]:   # some delivered three times
        logic.count_event(detail_type, event)
    assert logic.member_tier("author").points == 20 * 2           # 22 likes, 20 counted today
    tomorrow = liked("p-1", "author", "fan-late", time="2026-12-01T02:00:00.000Z")
    logic.count_event(*tomorrow)
    assert logic.member_tier("author").points == 42
    assert logic.member_tier("fan-00").points == 5               # active that day, once


def test_a_removed_post_and_a_ban_take_points_back(member, pump, login):
    wang, li, zhang = member("xiaowang", "xiaoli", "xiaozhang")
    kept = body(wang.post("/social/posts", {"text": "今天的晚霞真好看"}))["post_id"]
    removed = body(wang.post("/social/posts", {"text": "加我微信，低价代购"}))["post_id"]
    for session in (li, zhang):
        session.put(f"/social/posts/{kept}/like")
        session.put(f"/social/posts/{removed}/like")
    pump.drain()
    assert me(wang)["points"] == 5 + 4 * 2

    staff = login("platform_admin", user_id="admin-1")
    report = body(li.post("/social/reports", {"kind": "post", "target_id": removed, "reason_code": "advertising"}))
    assert staff.post(f"/social/moderation/reports/{report['report_id']}/actions",
                      {"action": "hide", "reason": "广告引流"}).status_code == 200
    pump.drain()
    assert me(wang)["points"] == 5 + 2 * 2
    # a like of the removed post that arrives late (redelivered) earns nothing
    logic.count_event(*liked(removed, "xiaowang", "latecomer"))
    assert logic.member_tier("xiaowang").points == 9
    history = body(wang.get("/tiers/me/history"))["items"]
    assert {"kind": "removed", "points": -4} in [{"kind": i["kind"], "points": i["points"]} for i in history]

    report = body(li.post("/social/reports", {"kind": "member", "target_id": "xiaowang", "reason_code": "scam"}))
    assert staff.post(f"/social/moderation/reports/{report['report_id']}/actions",
                      {"action": "ban", "reason": "诈骗"}).status_code == 200
    pump.drain()
    balance = TierBalance.get("xiaowang")
    assert int(balance.points) == 0 and balance.banned
    # while banned nothing is earned
    logic.count_event(*liked(kept, "xiaowang", "another-fan"))
    assert int(TierBalance.get("xiaowang").points) == 0
    ban = [e for e in TierLedgerEntry.query("xiaowang") if e.kind == "ban"]
    assert [int(e.points) for e in ban] == [-9]


def test_the_same_events_redelivered_give_the_same_totals(aws):
    """The figure, modest size (``benchmarks/tier_points.py`` replays 10,000 events)."""
    import random

    from benchmarks._tier_stream import for_run, replay_stream, totals

    stream = replay_stream(random.Random(3), events_count=60, members=3)
    firsts = [(t, e) for t, e, first in stream if first]
    kinds = {t for t, _ in firsts}
    assert {"MemberBanned", "MemberActivated", "PostRemoved"} <= kinds   # bans, reinstatements, removals
    for detail_type, event in firsts:
        logic.count_event(detail_type, for_run(event, "once"))
    for detail_type, event, _ in stream:
        logic.count_event(detail_type, for_run(event, "many"))
    assert len(stream) > len(firsts) * 1.5
    single, redelivered = totals("once", 3), totals("many", 3)
    assert single == redelivered and sum(single.values()) > 0
