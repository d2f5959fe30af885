"""关注、好友、屏蔽: members follow each other, become friends, and a block takes effect on
the very next request, everywhere."""
from __future__ import annotations

from chalicelib.platform.events import DomainEvent
from tests.conftest import body
from tests.integration.social.conftest import befriend, deactivate


def ids(response) -> list[str]:
    return [item["user_id"] for item in body(response)["items"]]


def test_given_two_members_when_each_follows_the_other_then_they_are_friends(member):
    wang, li = member("xiaowang", "xiaoli")

    first = wang.put("/social/following/xiaoli")
    assert first.status_code == 200
    assert body(first) == {"user_id": "xiaoli", "following": True, "followed_by": False, "friends": False,
                           "blocked": False}
    assert ids(li.get("/social/followers")) == ["xiaowang"]
    assert ids(li.get("/social/friends")) == []

    second = li.put("/social/following/xiaowang")
    assert body(second)["friends"] is True
    assert ids(wang.get("/social/friends")) == ["xiaoli"]
    assert ids(li.get("/social/friends")) == ["xiaowang"]
    # following again changes nothing
    assert body(wang.put("/social/following/xiaoli"))["friends"] is True
    assert ids(wang.get("/social/following")) == ["xiaoli"]


def test_when_one_unfollows_then_the_friendship_ends_but_the_other_still_follows(member):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)

    response = wang.delete("/social/following/xiaoli")

    assert response.status_code == 200
    assert body(response)["followed_by"] is True
    assert ids(wang.get("/social/friends")) == []
    assert ids(li.get("/social/friends")) == []
    assert ids(wang.get("/social/followers")) == ["xiaoli"]


def test_follow_lists_are_cursor_pages(member):
    star = member("star")
    fans = member(*[f"fan-{i:02d}" for i in range(5)])
    for fan in fans:
        fan.put("/social/following/star")

    seen, cursor = [], None
    while True:
        page = body(star.get("/social/followers?limit=2" + (f"&cursor={cursor}" if cursor else "")))
        assert len(page["items"]) <= 2
        seen += [i["user_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"fan-{i:02d}" for i in range(5)]
    assert star.get("/social/followers?cursor=forged").status_code == 400


def test_bad_follows_are_clear_4xx(member):
    wang = member("xiaowang")
    assert body(wang.put("/social/following/xiaowang"))["code"] == "FOLLOW_SELF"
    missing = wang.put("/social/following/nobody")
    assert missing.status_code == 404 and body(missing)["code"] == "MEMBER_NOT_FOUND"
    pending = member("pending", active=False)
    assert pending.put("/social/following/xiaowang").status_code == 403


def test_when_a_member_blocks_then_the_pair_vanishes_from_lists_and_cannot_follow(member, aws_calls):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)

    blocked = li.put("/social/blocks/xiaowang")

    assert blocked.status_code == 200 and body(blocked)["blocked"] is True
    assert ids(wang.get("/social/friends")) == [] and ids(li.get("/social/friends")) == []
    assert ids(wang.get("/social/followers")) == [] and ids(wang.get("/social/following")) == []
    assert ids(li.get("/social/blocks")) == ["xiaowang"]
    again = wang.put("/social/following/xiaoli")
    assert again.status_code == 403 and body(again)["code"] == "BLOCKED_BY_MEMBER"
    assert wang.get("/social/members/xiaoli/relation").status_code == 404
    assert body(li.get("/social/members/xiaowang/relation"))["blocked"] is True
    # profiles learn of it through the MemberBlocked event
    sent = [c for c in aws_calls.calls if c.operation == "PutEvents"]
    assert sent, "no event published"

    assert li.delete("/social/blocks/xiaowang").status_code == 200
    assert wang.put("/social/following/xiaoli").status_code == 200


def test_the_member_blocked_event_names_blocker_and_blocked(member, pump, monkeypatch):
    published: list[tuple[str, str, dict]] = []
    from chalicelib.social import logic

    real = logic.publish

    def spy(feature: str, detail_type: str, **kw) -> DomainEvent:
        published.append((feature, detail_type, kw["data"]))
        return real(feature, detail_type, **kw)

    monkeypatch.setattr(logic, "publish", spy)
    member("xiaowang")
    li = member("xiaoli")
    li.put("/social/blocks/xiaowang")
    assert ("social", "MemberBlocked", {"blocker": "xiaoli", "blocked": "xiaowang"}) in published


def test_when_identity_suspends_a_member_then_they_disappear_and_cannot_act(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)

    deactivate(pump, "xiaowang", "suspended")

    assert ids(li.get("/social/friends")) == []
    refused = wang.put("/social/following/xiaoli")
    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_SUSPENDED"  # at the edge, at once
    assert wang.get("/social/me/standing").status_code == 403


def test_a_member_who_withdrew_their_pledge_disappears_and_cannot_act(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)

    deactivate(pump, "xiaowang", "pledge_withdrawn")

    assert ids(li.get("/social/friends")) == []
    refused = wang.put("/social/following/xiaoli")
    assert refused.status_code == 403 and body(refused)["code"] == "MEMBER_NOT_ACTIVE"
    assert body(wang.get("/social/me/standing"))["active"] is False


def test_an_older_identity_event_does_not_undo_a_newer_one(member, pump):
    from chalicelib.social import logic

    member("xiaowang")
    newer = DomainEvent(time="2099-01-01T00:00:00.000Z", data={"user_id": "xiaowang", "reason": "banned"})
    older = DomainEvent(time="2000-01-01T00:00:00.000Z", data={"user_id": "xiaowang", "reason": "face_verified"})
    assert logic.apply_identity_event("MemberDeactivated", newer) is True
    assert logic.apply_identity_event("MemberActivated", older) is False
    assert logic.is_active("xiaowang") is False
