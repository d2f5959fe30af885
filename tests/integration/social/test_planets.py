"""兴趣星球: a member proposes a planet around an interest, union staff approve it, members
join (open, approval-only or closed; a cap settled by DynamoDB), post in its own feed with
social's comments and likes, moderators pin and remove posts and members, and the rules of
leaving and rejoining hold. Members are offered planets of their profile's hobbies."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.conftest import body
from tests.integration.profiles.helpers import profile

XIHU = "zj/hz/xihu"


def new_planet(owner, staff, *, name="西湖徒步星球", interest="hiking", join_mode="open", cap=50) -> str:
    created = owner.post("/social/planets", {"name": name, "interest": interest, "description": "每周末爬山",
                                             "join_mode": join_mode, "cap": cap})
    assert created.status_code == 201, created.body
    planet = body(created)
    assert planet["status"] == "pending" and planet["next_step"] and planet["my_role"] == "owner"
    approved = staff.post(f"/social/moderation/planets/{planet['planet_id']}/review", {"approve": True})
    assert body(approved)["status"] == "approved", approved.body
    return planet["planet_id"]


def stored(planet_id: str) -> tuple[int, dict[str, str]]:
    from chalicelib.social.models import Planet, PlanetMember

    return (int(Planet.get(planet_id, consistent_read=True).members),
            {m.user_id: m.state for m in PlanetMember.query(planet_id, consistent_read=True)})


def test_a_planet_is_proposed_approved_suggested_joined_and_posted_in(member, login, pump, monkeypatch):
    from chalicelib.social import posts

    published: list[tuple[str, dict]] = []
    real = posts.publish

    def spy(feature, detail_type, **kw):
        assert kw.get("tx") is not None, f"{detail_type} must go through the outbox with its state change"
        published.append((detail_type, kw["data"]))
        return real(feature, detail_type, **kw)

    monkeypatch.setattr(posts, "publish", spy)
    owner, wang, li = member("meimei", "xiaowang", "xiaoli")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    created = body(owner.post("/social/planets", {"name": "西湖徒步星球", "interest": "hiking", "cap": 50}))
    assert wang.get(f"/social/planets/{created['planet_id']}").status_code == 404  # not approved yet
    assert [p["name"] for p in body(staff.get("/social/moderation/planets"))["items"]] == ["西湖徒步星球"]
    staff.post(f"/social/moderation/planets/{created['planet_id']}/review", {"approve": True, "reason": "同意"})
    planet_id = created["planet_id"]
    new_planet(owner, staff, name="摄影星球", interest="photography")

    assert wang.put("/profiles/me", profile(hobbies=["reading"], sports=["hiking"])).status_code == 200
    suggested = body(wang.get("/social/me/planet-suggestions"))["items"]
    assert [(p["name"], p["interest_name"]) for p in suggested] == [("西湖徒步星球", "徒步")]

    joined = body(wang.post(f"/social/planets/{planet_id}/join"))
    assert joined["my_role"] == "member" and joined["members"] == 2
    assert body(wang.post(f"/social/planets/{planet_id}/join"))["members"] == 2  # twice counts once
    assert body(wang.get("/social/me/planet-suggestions"))["items"] == []

    posted = wang.post(f"/social/planets/{planet_id}/posts", {"text": "周六宝石山，8点断桥集合"})
    assert posted.status_code == 201 and body(posted)["space"] == f"planet#{planet_id}"
    post_id = body(posted)["post_id"]
    pump.drain()
    assert [p["text"] for p in body(li.get(f"/social/planets/{planet_id}/posts"))["items"]] == ["周六宝石山，8点断桥集合"]
    assert body(li.get("/social/feed?kind=recommended"))["items"] == []  # planet posts stay in the planet
    assert body(owner.put(f"/social/posts/{post_id}/like"))["likes"] == 1
    assert owner.post(f"/social/posts/{post_id}/comments", {"text": "我带水"}).status_code == 201

    # a non-member may look, but not post, comment or like
    for refused in (li.post(f"/social/planets/{planet_id}/posts", {"text": "我也来"}),
                    li.post(f"/social/posts/{post_id}/comments", {"text": "我也来"}),
                    li.put(f"/social/posts/{post_id}/like")):
        assert refused.status_code == 403 and body(refused)["code"] == "PLANET_NOT_MEMBER", refused.body
    assert body(li.get(f"/social/posts/{post_id}"))["likes"] == 1
    assert body(li.get(f"/social/posts/{post_id}"))["comments"] == 1
    # what tiers and heat read: every post, like and comment names its space and the post's author
    kinds = [kind for kind, data in published if data.get("space") == f"planet#{planet_id}"
             and data.get("post_author") == "xiaowang"]
    assert kinds == ["PostCreated", "PostLiked", "PostCommented"]
    assert len(body(li.get(f"/social/planets/{planet_id}/posts"))["items"]) == 1


def test_moderators_pin_remove_posts_and_members_and_the_rejoin_rules_hold(member, login, pump):
    owner, mod, wang, li = member("meimei", "azhe", "xiaowang", "xiaoli")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    planet_id = new_planet(owner, staff)
    other_id = new_planet(li, staff, name="羽毛球星球", interest="badminton")
    for m in (mod, wang):
        m.post(f"/social/planets/{planet_id}/join")
    assert body(owner.put(f"/social/planets/{planet_id}/moderators/azhe"))["role"] == "moderator"
    first = body(wang.post(f"/social/planets/{planet_id}/posts", {"text": "第一帖"}))["post_id"]
    second = body(wang.post(f"/social/planets/{planet_id}/posts", {"text": "第二帖"}))["post_id"]

    assert mod.put(f"/social/planets/{planet_id}/pins/{first}").status_code == 200
    page = body(li.get(f"/social/planets/{planet_id}/posts"))["items"]
    assert [(p["text"], p["pinned"]) for p in page] == [("第一帖", True), ("第二帖", False)]

    # moderating another planet, or without being a moderator: refused, nothing changed
    for refused in (mod.put(f"/social/planets/{other_id}/pins/{first}"),
                    wang.put(f"/social/planets/{planet_id}/pins/{second}"),
                    mod.post(f"/social/planets/{other_id}/posts/{first}/removal", {"reason": "不相关的内容"}),
                    mod.delete(f"/social/planets/{other_id}/members/xiaoli")):
        assert refused.status_code == 403 and body(refused)["code"] == "PLANET_NOT_MODERATOR", refused.body
    assert body(owner.get(f"/social/planets/{other_id}"))["members"] == 1
    assert [p["pinned"] for p in body(li.get(f"/social/planets/{planet_id}/posts"))["items"]] == [True, False]

    removed = mod.post(f"/social/planets/{planet_id}/posts/{second}/removal", {"reason": "广告内容"})
    assert body(removed)["status"] == "hidden"
    assert [p["text"] for p in body(li.get(f"/social/planets/{planet_id}/posts"))["items"]] == ["第一帖"]

    assert body(mod.delete(f"/social/planets/{planet_id}/members/xiaowang"))["state"] == "removed"
    back = wang.post(f"/social/planets/{planet_id}/join")
    assert back.status_code == 403 and body(back)["code"] == "PLANET_MEMBER_REMOVED"
    assert stored(planet_id) == (2, {"meimei": "member", "azhe": "member", "xiaowang": "removed"})

    owner_leaves = owner.post(f"/social/planets/{planet_id}/leave")
    assert owner_leaves.status_code == 409 and body(owner_leaves)["code"] == "PLANET_OWNER_CANNOT_LEAVE"
    left = body(mod.post(f"/social/planets/{planet_id}/leave"))
    assert left["members"] == 1 and left["next_step"]
    again = mod.post(f"/social/planets/{planet_id}/join")
    assert again.status_code == 409 and body(again)["code"] == "PLANET_REJOIN_COOLDOWN"
    assert stored(planet_id) == (1, {"meimei": "member", "azhe": "left", "xiaowang": "removed"})


def test_approval_only_closed_and_full_planets(member, login, pump):
    owner, wang, li, zhe = member("meimei", "xiaowang", "xiaoli", "azhe")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    approval = new_planet(owner, staff, join_mode="approval", cap=2)
    closed = new_planet(owner, staff, name="闭门星球", join_mode="closed")

    asked = body(wang.post(f"/social/planets/{approval}/join"))
    assert asked["my_state"] == "pending" and asked["next_step"] and asked["members"] == 1
    pending = wang.post(f"/social/planets/{approval}/posts", {"text": "还没通过也想发"})
    assert pending.status_code == 403 and body(pending)["code"] == "PLANET_NOT_MEMBER"
    li.post(f"/social/planets/{approval}/join")
    assert [r["user_id"] for r in body(owner.get(f"/social/planets/{approval}/members?state=pending"))["items"]] \
        == ["xiaoli", "xiaowang"]
    assert body(owner.post(f"/social/planets/{approval}/requests/xiaowang", {"approve": True}))["state"] == "member"
    full = owner.post(f"/social/planets/{approval}/requests/xiaoli", {"approve": True})
    assert full.status_code == 409 and body(full)["code"] == "PLANET_FULL"
    also_full = zhe.post(f"/social/planets/{approval}/join")
    assert also_full.status_code == 409 and body(also_full)["code"] == "PLANET_FULL"
    assert stored(approval) == (2, {"meimei": "member", "xiaowang": "member", "xiaoli": "pending"})

    shut = wang.post(f"/social/planets/{closed}/join")
    assert shut.status_code == 409 and body(shut)["code"] == "PLANET_CLOSED"
    assert stored(closed) == (1, {"meimei": "member"})


def test_a_non_member_of_guangnianjian_is_refused_everywhere(member, login, pump):
    owner = member("meimei")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    planet_id = new_planet(owner, staff)
    outsider = member("newbie", active=False)
    for refused in (outsider.get("/social/topics"), outsider.post(f"/social/planets/{planet_id}/join"),
                    outsider.get(f"/social/planets/{planet_id}/posts"), outsider.get("/social/forum/boards")):
        assert refused.status_code == 403 and body(refused)["code"] == "MEMBER_NOT_ACTIVE", refused.body
    assert stored(planet_id) == (1, {"meimei": "member"})


def test_a_full_planet_admits_exactly_its_cap_under_concurrent_joins(member, login, pump, live_api):
    owner = member("meimei")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    planet_id = new_planet(owner, staff, cap=4)
    joiners = member(*[f"joiner-{i}" for i in range(8)])

    def join(session):
        return requests.post(f"{live_api}/social/planets/{planet_id}/join", headers=session.headers, timeout=60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(join, joiners))
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 3 + [409] * 5, [(r.status_code, r.text[:80]) for r in results]
    assert {r.json()["code"] for r in results if r.status_code == 409} <= {"PLANET_FULL", "PLANET_CONFLICT"}
    count, states = stored(planet_id)
    assert count == 4 and sum(1 for s in states.values() if s == "member") == 4


def test_a_planet_feed_page_reads_no_more_than_the_page_needs(member, login, pump, aws_calls):
    owner, li = member("meimei", "xiaoli")
    staff = login("union_admin", user_id="xihu-staff", org_path=XIHU)
    planet_id = new_planet(owner, staff)
    for i in range(7):
        owner.post(f"/social/planets/{planet_id}/posts", {"text": f"第{i}帖"})
    aws_calls.clear()
    first = body(li.get(f"/social/planets/{planet_id}/posts?limit=3"))
    assert [p["text"] for p in first["items"]] == ["第6帖", "第5帖", "第4帖"]
    reads = sum(c.items_read for c in aws_calls.for_work("http:GET /social/planets/{planet_id}/posts"))
    assert reads <= 3 * 4 + 2, reads  # planet, standing; per post: the post, its author's standing, my like
    second = body(li.get(f"/social/planets/{planet_id}/posts?limit=3&cursor={first['next_cursor']}"))
    assert [p["text"] for p in second["items"]] == ["第3帖", "第2帖", "第1帖"]
