"""光年间 social: standing from identity's events, and the social graph — follow / friends /
block. Posts wherever they live (the feed, a planet, a forum board), their likes, comments and
the timelines are in ``posts``; reports and staff moderation in ``moderation``; topics,
planets and the forum in their own modules (see ``spaces``).
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import DomainEvent, actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import Edge, Standing
from .schemas import (
    MemberPage,
    MemberRef,
    Relation,
)
from .standing import (
    BLOCKED_BY,
    BLOCKS,
    FOLLOWER,
    FOLLOWING,
    FRIEND,
    _edge_keys,
    _existing_edges,
    _standing,
    badges,
    is_active,
    require_active,
    visible_badges,
)


def _transaction() -> TransactWrite:
    """A transaction on the models' own (cached) connection — a new Connection per call
    would build a new botocore client each time."""
    return TransactWrite(connection=Edge._get_connection().connection)


# --- standing ---------------------------------------------------------------------------

def apply_identity_event(detail_type: str, event: DomainEvent) -> bool:
    """``MemberActivated`` / ``MemberDeactivated`` from identity. Older events than the one
    already applied are ignored (EventBridge does not promise order). Returns applied?"""
    user_id = str(event.data.get("user_id") or "")
    if not user_id:
        raise ValueError("identity event without user_id")
    status = "active" if detail_type == "MemberActivated" else "inactive"
    actions: list[Any] = [
        Standing.identity_status.set(status),
        Standing.identity_reason.set(str(event.data.get("reason") or "-")),
        Standing.identity_event_time.set(event.time),
        Standing.updated_at.set(clock.now_iso()),
    ]
    if status == "active":
        actions.append(Standing.active_since.set(Standing.active_since | event.time))
    if event.org:
        actions.append(Standing.org.set(event.org))
    try:
        Standing(user_id).update(actions=actions, condition=Standing.identity_event_time.does_not_exist()
                                 | (Standing.identity_event_time <= event.time))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _require_member(user_id: str) -> None:
    if not is_active(user_id):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")


# --- graph -------------------------------------------------------------------------------

def _edge(owner: str, kind: str, other: str, at: str) -> Edge:
    return Edge(owner, f"{kind}#{other}", kind_at=f"{kind}#{at}#{other}", other=other, created_at=at)


def who_blocked(a: str, b: str) -> str | None:
    """"a" when a blocked b, "b" when b blocked a, None when neither."""
    found = _existing_edges(_edge_keys(a, (BLOCKS, BLOCKED_BY), [b]))
    if (a, f"{BLOCKS}#{b}") in found:
        return "a"
    if (a, f"{BLOCKED_BY}#{b}") in found:
        return "b"
    return None


def are_friends(a: str, b: str) -> bool:
    return bool(_existing_edges([(a, f"{FRIEND}#{b}")]))


def relation(principal: Principal, other: str) -> Relation:
    found = _existing_edges(_edge_keys(principal.user_id, (FOLLOWING, FOLLOWER, FRIEND, BLOCKS, BLOCKED_BY), [other]))
    kinds = {edge.split("#", 1)[0] for _, edge in found}
    if BLOCKED_BY in kinds or (BLOCKS not in kinds and not is_active(other)):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return Relation(user_id=other, following=FOLLOWING in kinds, followed_by=FOLLOWER in kinds,
                    friends=FRIEND in kinds, blocked=BLOCKS in kinds)


def follow(principal: Principal, target: str) -> Relation:
    """Follow; when they already follow me we become friends (好友). Idempotent."""
    me = principal.user_id
    if target == me:
        raise ValidationFailed("不能关注自己", code="FOLLOW_SELF")
    require_active(principal)
    _require_member(target)
    for _ in range(3):
        found = _existing_edges(_edge_keys(me, (FOLLOWING, FOLLOWER, BLOCKS, BLOCKED_BY), [target]))
        kinds = {edge.split("#", 1)[0] for _, edge in found}
        if BLOCKED_BY in kinds:
            raise Forbidden("对方已将你屏蔽，无法关注", code="BLOCKED_BY_MEMBER")
        if BLOCKS in kinds:
            raise Forbidden("你已屏蔽对方，请先解除屏蔽", code="YOU_BLOCKED_MEMBER")
        if FOLLOWING in kinds:
            return relation(principal, target)
        mutual = FOLLOWER in kinds
        at = clock.now_iso()
        try:
            with _transaction() as tx:
                tx.save(_edge(me, FOLLOWING, target, at), condition=Edge.edge.does_not_exist())
                tx.save(_edge(target, FOLLOWER, me, at))
                if mutual:
                    tx.save(_edge(me, FRIEND, target, at))
                    tx.save(_edge(target, FRIEND, me, at))
                    # they still follow me, and nobody blocked in between
                    tx.condition_check(Edge, me, f"{FOLLOWER}#{target}", condition=Edge.edge.exists())
                else:
                    # they did not start following me meanwhile (else we would miss the friendship)
                    tx.condition_check(Edge, me, f"{FOLLOWER}#{target}", condition=Edge.edge.does_not_exist())
                tx.condition_check(Edge, me, f"{BLOCKED_BY}#{target}", condition=Edge.edge.does_not_exist())
                if mutual:
                    publish("social", "FriendsMade", data={"members": sorted([me, target])}, actor=actor_of(principal),
                            tx=tx)
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" not in {r.code for r in (exc.cancellation_reasons or []) if r}:
                raise
            continue  # the picture changed under us: look again
        return relation(principal, target)
    raise Conflict("操作冲突，请稍后重试", code="FOLLOW_CONFLICT")


def _unlink(tx: TransactWrite, a: str, b: str) -> None:
    for owner, other in ((a, b), (b, a)):
        for kind in (FOLLOWING, FOLLOWER, FRIEND):
            tx.delete(Edge(owner, f"{kind}#{other}"))


def unfollow(principal: Principal, target: str) -> Relation:
    me = principal.user_id
    if target == me:
        raise ValidationFailed("不能取消关注自己", code="FOLLOW_SELF")
    found = _existing_edges(_edge_keys(me, (FOLLOWING, FRIEND), [target]))
    if found:
        with dynamo_errors(), _transaction() as tx:
            tx.delete(Edge(me, f"{FOLLOWING}#{target}"))
            tx.delete(Edge(target, f"{FOLLOWER}#{me}"))
            tx.delete(Edge(me, f"{FRIEND}#{target}"))
            tx.delete(Edge(target, f"{FRIEND}#{me}"))
    return Relation(user_id=target, following=False, followed_by=bool(_existing_edges([(me, f"{FOLLOWER}#{target}")])),
                    friends=False, blocked=False)


def block(principal: Principal, target: str) -> Relation:
    """Block: both directions disappear from each other's lists, feed, browse and chat at
    once. Publishes ``MemberBlocked`` so profiles can hide the pair too."""
    me = principal.user_id
    if target == me:
        raise ValidationFailed("不能屏蔽自己", code="BLOCK_SELF")
    if principal.role is not Role.WORKER:
        raise Forbidden("只有会员可以屏蔽", code="MEMBER_NOT_ACTIVE")
    if not _existing_edges([(me, f"{BLOCKS}#{target}")]):
        if not is_active(target) and not _existing_edges([(me, f"{BLOCKED_BY}#{target}")]):
            # one may still block someone who blocked them or who is suspended right now
            if _standing(target) is None:
                raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
        at = clock.now_iso()
        with dynamo_errors(), _transaction() as tx:
            tx.save(_edge(me, BLOCKS, target, at))
            tx.save(_edge(target, BLOCKED_BY, me, at))
            _unlink(tx, me, target)
            publish("social", "MemberBlocked", data={"blocker": me, "blocked": target}, actor=actor_of(principal),
                    org=principal.org_path, tx=tx)
    return Relation(user_id=target, following=False, followed_by=False, friends=False, blocked=True)


def unblock(principal: Principal, target: str) -> Relation:
    me = principal.user_id
    if _existing_edges([(me, f"{BLOCKS}#{target}")]):
        with dynamo_errors(), _transaction() as tx:
            tx.delete(Edge(me, f"{BLOCKS}#{target}"))
            tx.delete(Edge(target, f"{BLOCKED_BY}#{me}"))
            publish("social", "MemberUnblocked", data={"blocker": me, "blocked": target}, actor=actor_of(principal),
                    org=principal.org_path, tx=tx)
    return Relation(user_id=target, following=False, followed_by=False, friends=False, blocked=False)


def list_members(principal: Principal, kind: str, *, limit: int, cursor: str | None) -> MemberPage:
    """Followers / following / friends / blocked, newest first; members who are no longer
    active are left out (the page may then hold fewer than ``limit``)."""
    me = principal.user_id
    bound = f"social:{kind}:{me}"
    page = Edge.by_time.query(me, Edge.kind_at.startswith(f"{kind}#"), scan_index_forward=False, limit=limit,
                              last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    edges = list(page)
    if kind == BLOCKS:  # everyone I blocked is listed, whatever their standing, so I can unblock them
        shown = badges(e.other for e in edges)
    else:  # one BatchGetItem: who is still active (and not in a block), with their names and pictures
        _, shown = visible_badges(me, (e.other for e in edges))
    items = [MemberRef(user_id=e.other, nickname=shown[e.other].nickname, avatar_url=shown[e.other].avatar_url,
                       since=e.created_at) for e in edges if e.other in shown]
    return MemberPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))
