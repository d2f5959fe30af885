"""兴趣星球: member-created groups around one interest, approved by union staff.

A planet has an owner, moderators, a member cap and a joining mode (open, approval-only, or
closed). Its feed is social's posts with space ``planet#<id>``: comments, likes, reports and
the safety scan are the feed's own. Moderators pin and remove posts and remove members.

Rules of membership: joining an open planet (or a moderator admitting a request) is one
transaction that adds one to ``members`` on condition ``members < cap`` and writes the
membership on condition it is new or the member had left — so a full planet refuses the
request that would overflow it, however many arrive at once. A removed member cannot rejoin by
themselves; one who left may rejoin after ``REJOIN_COOLDOWN_HOURS``; the owner cannot leave.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, cast

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import posts, spaces, tagging
from .models import Planet, PlanetMember, Post
from .schemas import (
    JoinDecision,
    NewPlanet,
    NewPost,
    PlanetMemberPage,
    PlanetMemberView,
    PlanetPage,
    PlanetView,
    PostPage,
    PostView,
    SpaceReview,
)

REJOIN_COOLDOWN_HOURS = 24
MAX_PINNED = 3
SUGGEST_INTERESTS = 5
STATUS_NAMES = {"pending": "待审核", "approved": "已上线", "rejected": "未通过"}
JOIN_MODE_NAMES = {"open": "直接加入", "approval": "需审核", "closed": "暂停加入"}
ROLE_NAMES = {"owner": "星主", "moderator": "管理员", "member": "成员"}
STATE_NAMES = {"member": "成员", "pending": "待审核", "left": "已退出", "removed": "已被移出"}
MODERATORS = ("owner", "moderator")


def _interest_label(code: str) -> str | None:
    from chalicelib.profiles import logic as profiles

    return profiles.interest_label(code)


def _view(planet: Planet, mine: PlanetMember | None = None, next_step: str | None = None) -> PlanetView:
    return PlanetView(planet_id=planet.planet_id, name=planet.name, interest=planet.interest,
                      interest_name=_interest_label(planet.interest) or planet.interest,
                      description=planet.description or "", owner=planet.owner, org_path=planet.org or "",
                      join_mode=planet.join_mode, join_mode_name=JOIN_MODE_NAMES.get(planet.join_mode, ""),
                      cap=int(planet.cap), members=int(planet.members or 0), status=planet.status,
                      status_name=STATUS_NAMES.get(planet.status, planet.status),
                      my_role=mine.role if mine and mine.state == "member" else None,
                      my_state=mine.state if mine else None, created_at=planet.created_at, next_step=next_step)


def _member_view(m: PlanetMember) -> PlanetMemberView:
    return PlanetMemberView(user_id=m.user_id, role=m.role, role_name=ROLE_NAMES.get(m.role, m.role), state=m.state,
                            state_name=STATE_NAMES.get(m.state, m.state), updated_at=m.updated_at)


def _moderator(principal: Principal, planet_id: str) -> tuple[Planet, PlanetMember]:
    """The planet and the caller's membership, when the caller moderates THIS planet."""
    planet = spaces.approved_planet(planet_id)
    mine = spaces.membership(planet_id, principal.user_id)
    if mine is None or mine.state != "member" or mine.role not in MODERATORS:
        raise Forbidden("只有本星球的星主或管理员可以这样做", code="PLANET_NOT_MODERATOR")
    return planet, mine


# --- create and review ---------------------------------------------------------------------

def create(principal: Principal, body: NewPlanet) -> PlanetView:
    """A member proposes a planet; it appears once union staff approve it. The proposer is its owner."""
    posts.require_active(principal)
    if _interest_label(body.interest) is None:
        raise ValidationFailed("兴趣不在光年间的爱好/运动列表中", code="PLANET_INTEREST_UNKNOWN",
                               details=[{"interest": body.interest}])
    tagging.check_name(principal, body.name, what="星球名", code="PLANET_NAME_REJECTED")
    now = clock.now_iso()
    planet = Planet(f"pl-{uuid.uuid4().hex[:16]}", name=body.name, interest=body.interest,
                    description=body.description, owner=principal.user_id, org=principal.org_path,
                    join_mode=body.join_mode, cap=body.cap, members=1, status="pending", created_at=now)
    owner = PlanetMember(planet.planet_id, principal.user_id, role="owner", state="member", joined_at=now,
                         updated_at=now)
    with dynamo_errors(), transaction() as tx:
        tx.save(planet, condition=Planet.planet_id.does_not_exist())
        tx.save(owner)
        publish("social", "PlanetProposed", data={"planet_id": planet.planet_id, "name": planet.name,
                                                  "interest": planet.interest, "owner": planet.owner},
                actor=actor_of(principal), org=planet.org, tx=tx)
    return _view(planet, owner, next_step="星球已提交，等待工会工作人员审核；审核结果会发到你的消息中心")


def review_queue(principal: Principal, status: str, *, limit: int, cursor: str | None) -> PlanetPage:
    bound = f"social:planets:review:{status}"
    page = Planet.review.query(status, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_view(p) for p in page if principal.role is Role.PLATFORM_ADMIN or principal.covers(p.org or "-")]
    return PlanetPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def review(principal: Principal, planet_id: str, body: SpaceReview) -> PlanetView:
    from chalicelib.platform.notices import request_notice

    try:
        planet = Planet.get(planet_id)
    except Planet.DoesNotExist as exc:
        raise NotFound("找不到该星球", code="PLANET_NOT_FOUND") from exc
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(planet.org or "-"):
        raise NotFound("找不到该星球", code="PLANET_NOT_FOUND")
    status = "approved" if body.approve else "rejected"
    with dynamo_errors(Conflict("该星球已审核", code="PLANET_ALREADY_REVIEWED")), transaction() as tx:
        tx.update(planet, actions=[
            Planet.status.set(status), Planet.review_reason.set(body.reason or "-"),
            Planet.listed_interest.set(planet.interest) if body.approve else Planet.listed_interest.remove()],
            condition=Planet.status == "pending")
        publish("social", "PlanetReviewed", data={"planet_id": planet_id, "status": status, "owner": planet.owner},
                actor=actor_of(principal), org=planet.org, tx=tx)
    request_notice(planet.owner, kind="profiles", dedup_key=f"planet-review:{planet_id}",
                   title="兴趣星球审核结果", body=f"你创建的星球“{planet.name}”"
                   + ("已通过审核，可以邀请朋友加入了" if body.approve else "未通过审核")
                   + (f"：{body.reason}" if body.reason else ""))
    planet.refresh(consistent_read=True)
    return _view(planet)


# --- reading ---------------------------------------------------------------------------------

def get(principal: Principal, planet_id: str) -> PlanetView:
    mine = spaces.membership(planet_id, principal.user_id) if planet_id.startswith("pl-") else None
    if mine is not None and mine.role == "owner":
        try:
            return _view(Planet.get(planet_id), mine)  # the owner sees it while it waits for review
        except Planet.DoesNotExist as exc:
            raise NotFound("找不到该星球", code="PLANET_NOT_FOUND") from exc
    return _view(spaces.approved_planet(planet_id), mine)


def suggested(principal: Principal, *, limit: int) -> PlanetPage:
    """Approved planets of the member's own hobbies and sports (from their profile), biggest
    first, leaving out planets they are in, asked to join or were removed from. One Query per
    interest (at most ``SUGGEST_INTERESTS``) of ``limit`` items, one BatchGet of memberships."""
    from chalicelib.profiles import logic as profiles

    interests = profiles.interests_of(principal.user_id)[:SUGGEST_INTERESTS]
    found: dict[str, Planet] = {}
    for interest in interests:
        for planet in Planet.by_interest.query(interest, scan_index_forward=False, limit=limit):
            found.setdefault(planet.planet_id, planet)
    mine = {m.planet_id: m for m in PlanetMember.batch_get([(p, principal.user_id) for p in found])} if found else {}
    rank = {code: i for i, code in enumerate(interests)}
    shown = [p for p in found.values() if p.planet_id not in mine or mine[p.planet_id].state == "left"]
    shown.sort(key=lambda p: (rank.get(p.interest, 99), -int(p.members or 0)))
    return PlanetPage(items=[_view(p, mine.get(p.planet_id)) for p in shown[:limit]], next_cursor=None)


def members(principal: Principal, planet_id: str, state: str, *, limit: int, cursor: str | None) -> PlanetMemberPage:
    """Members (any member may look) or join requests (moderators only)."""
    spaces.approved_planet(planet_id)
    if state == "pending":
        _moderator(principal, planet_id)
    else:
        spaces.require_planet_member(planet_id, principal.user_id)
    bound = f"social:planets:{planet_id}:members:{state}"
    page = PlanetMember.query(planet_id, filter_condition=PlanetMember.state == state, limit=limit,
                              last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    return PlanetMemberPage(items=[_member_view(m) for m in page],
                            next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- joining and leaving -----------------------------------------------------------------

def _admit(principal_actor: Any, planet: Planet, user_id: str, *, from_state: str | None) -> None:
    """One transaction: a seat (``members < cap``) and the membership, or neither."""
    now = clock.now_iso()
    was = PlanetMember.state == from_state if from_state else \
        (PlanetMember.user_id.does_not_exist() | (PlanetMember.state == "left"))
    try:
        with transaction() as tx:
            tx.update(planet, actions=[Planet.members.add(1)],
                      condition=(Planet.members < planet.cap) & (Planet.status == "approved"))
            tx.update(PlanetMember(planet.planet_id, user_id),
                      actions=[PlanetMember.state.set("member"), PlanetMember.role.set("member"),
                               PlanetMember.joined_at.set(now), PlanetMember.left_at.remove(),
                               PlanetMember.updated_at.set(now)], condition=was)
            publish("social", "PlanetJoined", data={"planet_id": planet.planet_id, "user_id": user_id},
                    actor=principal_actor, org=planet.org, tx=tx)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" not in {r.code for r in (exc.cancellation_reasons or []) if r}:
            raise Conflict("操作冲突，请稍后重试", code="PLANET_CONFLICT") from exc
        planet.refresh(consistent_read=True)
        if int(planet.members or 0) >= int(planet.cap):
            raise Conflict("星球成员已满", code="PLANET_FULL", details=[{"cap": int(planet.cap)}]) from exc
        raise Conflict("你的成员状态刚刚发生了变化，请刷新后再试", code="PLANET_MEMBERSHIP_CHANGED") from exc


def join(principal: Principal, planet_id: str) -> PlanetView:
    posts.require_active(principal)
    planet = spaces.approved_planet(planet_id)
    me = principal.user_id
    mine = spaces.membership(planet_id, me)
    if mine is not None and mine.state in ("member", "pending"):
        return _view(planet, mine)
    if mine is not None and mine.state == "removed":
        raise Forbidden("你已被星球管理员移出，不能自行重新加入", code="PLANET_MEMBER_REMOVED")
    if mine is not None and mine.state == "left" and mine.left_at:
        again = clock.parse(mine.left_at) + timedelta(hours=REJOIN_COOLDOWN_HOURS)
        if again > clock.now():
            raise Conflict(f"退出星球后 {REJOIN_COOLDOWN_HOURS} 小时内不能重新加入", code="PLANET_REJOIN_COOLDOWN",
                           details=[{"rejoin_after": clock.isoformat(again)}])
    if planet.join_mode == "closed":
        raise Conflict("该星球暂停加入新成员", code="PLANET_CLOSED")
    if int(planet.members or 0) >= int(planet.cap):
        raise Conflict("星球成员已满", code="PLANET_FULL", details=[{"cap": int(planet.cap)}])
    if planet.join_mode == "approval":
        now = clock.now_iso()
        with dynamo_errors(Conflict("你的成员状态刚刚发生了变化，请刷新后再试", code="PLANET_MEMBERSHIP_CHANGED")):
            PlanetMember(planet_id, me).update(
                actions=[PlanetMember.state.set("pending"), PlanetMember.role.set("member"),
                         PlanetMember.updated_at.set(now)],
                condition=PlanetMember.user_id.does_not_exist() | (PlanetMember.state == "left"))
        return _view(planet, spaces.membership(planet_id, me),
                     next_step="已提交加入申请，星球管理员审核后你会在消息中心收到结果")
    _admit(actor_of(principal), planet, me, from_state=None)
    planet.refresh()
    return _view(planet, spaces.membership(planet_id, me))


def leave(principal: Principal, planet_id: str) -> PlanetView:
    planet = spaces.approved_planet(planet_id)
    me = principal.user_id
    mine = spaces.membership(planet_id, me)
    if mine is None or mine.state not in ("member", "pending"):
        raise Conflict("你不是该星球的成员", code="PLANET_NOT_MEMBER")
    if mine.role == "owner":
        raise Conflict("星主不能退出自己的星球", code="PLANET_OWNER_CANNOT_LEAVE")
    now = clock.now_iso()
    changed = Conflict("你的成员状态刚刚发生了变化，请刷新后再试", code="PLANET_MEMBERSHIP_CHANGED")
    with dynamo_errors(changed), transaction() as tx:
        tx.update(mine, actions=[PlanetMember.state.set("left"), PlanetMember.left_at.set(now),
                                 PlanetMember.updated_at.set(now)], condition=PlanetMember.state == mine.state)
        if mine.state == "member":
            tx.update(planet, actions=[Planet.members.add(-1)])
            publish("social", "PlanetLeft", data={"planet_id": planet_id, "user_id": me},
                    actor=actor_of(principal), org=planet.org, tx=tx)
    planet.refresh()
    return _view(planet, spaces.membership(planet_id, me),
                 next_step=f"已退出；{REJOIN_COOLDOWN_HOURS} 小时后可以重新加入")


def decide(principal: Principal, planet_id: str, user_id: str, body: JoinDecision) -> PlanetMemberView:
    """A moderator admits (when a seat is free) or turns down a join request."""
    from chalicelib.platform.notices import request_notice

    planet, _ = _moderator(principal, planet_id)
    request = spaces.membership(planet_id, user_id)
    if request is None or request.state != "pending":
        raise NotFound("找不到该加入申请", code="PLANET_REQUEST_NOT_FOUND")
    if body.approve:
        _admit(actor_of(principal), planet, user_id, from_state="pending")
    else:
        with dynamo_errors(Conflict("该申请已处理", code="PLANET_REQUEST_HANDLED")):
            request.update(actions=[PlanetMember.state.set("left"), PlanetMember.updated_at.set(clock.now_iso())],
                           condition=PlanetMember.state == "pending")
    request_notice(user_id, kind="profiles", dedup_key=f"planet-join:{planet_id}:{user_id}:{request.updated_at}",
                   title="兴趣星球加入申请", body=f"你申请加入“{planet.name}”{'已通过' if body.approve else '未通过'}")
    return _member_view(PlanetMember.get(planet_id, user_id, consistent_read=True))


def set_moderator(principal: Principal, planet_id: str, user_id: str, *, on: bool) -> PlanetMemberView:
    _, mine = _moderator(principal, planet_id)
    if mine.role != "owner":
        raise Forbidden("只有星主可以任免管理员", code="PLANET_NOT_OWNER")
    target = spaces.membership(planet_id, user_id)
    if target is None or target.state != "member" or target.role == "owner":
        raise NotFound("找不到该成员", code="PLANET_MEMBER_NOT_FOUND")
    with dynamo_errors(Conflict("成员状态已变化，请刷新", code="PLANET_MEMBERSHIP_CHANGED")):
        target.update(actions=[PlanetMember.role.set("moderator" if on else "member"),
                               PlanetMember.updated_at.set(clock.now_iso())], condition=PlanetMember.state == "member")
    return _member_view(target)


def remove_member(principal: Principal, planet_id: str, user_id: str) -> PlanetMemberView:
    """A moderator removes a member (not the owner; only the owner removes a moderator). The
    removed member cannot rejoin by themselves."""
    planet, mine = _moderator(principal, planet_id)
    target = spaces.membership(planet_id, user_id)
    if target is None or target.state != "member":
        raise NotFound("找不到该成员", code="PLANET_MEMBER_NOT_FOUND")
    if target.role == "owner" or (target.role == "moderator" and mine.role != "owner"):
        raise Forbidden("不能移出星主或其他管理员", code="PLANET_CANNOT_REMOVE")
    now = clock.now_iso()
    with dynamo_errors(Conflict("成员状态已变化，请刷新", code="PLANET_MEMBERSHIP_CHANGED")), transaction() as tx:
        tx.update(target, actions=[PlanetMember.state.set("removed"), PlanetMember.role.set("member"),
                                   PlanetMember.left_at.set(now), PlanetMember.updated_at.set(now)],
                  condition=PlanetMember.state == "member")
        tx.update(planet, actions=[Planet.members.add(-1)])
        publish("social", "PlanetMemberRemoved", data={"planet_id": planet_id, "user_id": user_id},
                actor=actor_of(principal), org=planet.org, tx=tx)
    return _member_view(PlanetMember.get(planet_id, user_id, consistent_read=True))


# --- the planet's feed -----------------------------------------------------------------------

def feed(principal: Principal, planet_id: str, *, limit: int, cursor: str | None) -> PostPage:
    """Pinned posts first (on the first page), then newest first: one Query of ``by_space``."""
    planet = spaces.approved_planet(planet_id)
    return space_page(principal, spaces.planet_space(planet_id), [str(p) for p in planet.pinned or []],
                      limit=limit, cursor=cursor)


def space_page(principal: Principal, space: str, pinned: list[str], *, limit: int, cursor: str | None) -> PostPage:
    bound = f"social:space:{space}"
    page = Post.by_space.query(space, scan_index_forward=False, limit=limit,
                               last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    found = [p for p in page if p.post_id not in pinned]
    if cursor is None and pinned:
        by_id = {p.post_id: p for p in Post.batch_get(pinned)}
        found = [by_id[i] for i in pinned if i in by_id and by_id[i].space == space] + found
    return posts.page_of_posts(principal.user_id, found, encode_cursor(page.last_evaluated_key, bound_to=bound),
                               pinned=frozenset(pinned))


def post(principal: Principal, planet_id: str, body: NewPost) -> PostView:
    spaces.approved_planet(planet_id)
    spaces.require_planet_member(planet_id, principal.user_id)
    return posts.create_post(principal, body, space=spaces.planet_space(planet_id))


def _planet_post(planet_id: str, post_id: str) -> Post:
    try:
        found = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
    if found.space != spaces.planet_space(planet_id) or found.status == "deleted":
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    return found


def pin(principal: Principal, planet_id: str, post_id: str, *, on: bool) -> PlanetView:
    planet, mine = _moderator(principal, planet_id)
    _planet_post(planet_id, post_id)
    pinned = [str(p) for p in planet.pinned or [] if p != post_id]
    if on:
        if len(pinned) >= MAX_PINNED:
            raise Conflict(f"最多置顶 {MAX_PINNED} 条", code="PLANET_PIN_LIMIT")
        pinned.insert(0, post_id)
    planet.update(actions=[Planet.pinned.set(cast(Any, pinned))])
    return _view(planet, mine)


def remove_post(principal: Principal, planet_id: str, post_id: str, reason: str) -> PostView:
    """A moderator takes a post off the planet; ``PostRemoved`` tells who counts posts."""
    planet, _ = _moderator(principal, planet_id)
    return remove_space_post(principal, _planet_post(planet_id, post_id), reason, planet=planet)


def remove_space_post(principal: Principal, found: Post, reason: str, *, planet: Planet | None = None) -> PostView:
    with dynamo_errors(Conflict("该动态已被处理", code="POST_ALREADY_REMOVED")), transaction() as tx:
        tx.update(found, actions=[Post.status.set("hidden")], condition=Post.status == "visible")
        if planet is not None and found.post_id in (planet.pinned or []):
            tx.update(planet, actions=[Planet.pinned.set(cast(Any, [p for p in planet.pinned if p != found.post_id]))])
        publish("social", "PostRemoved", data=posts.post_event_data(found, author=found.author, reason=reason),
                actor=actor_of(principal), org=found.org, tx=tx)
    found.refresh()
    return posts.post_view(found)
