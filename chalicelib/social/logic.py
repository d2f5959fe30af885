"""光年间 social: standing, follow / friends / block, the feed (动态), reports and moderation.

Feed design — fan-out on WRITE. A new post is copied (post id only) into the
``following`` timeline of each follower and the ``friends`` timeline of each friend by the
fan-out Lambda. Why: members read their feed far more often than they post, follower
counts in a district union's member base are in the tens to hundreds, and a read then
stays one Query of ``limit`` timeline entries plus one BatchGet of those posts — bounded by
the page size whatever the number of people followed. (Fan-out on read would Query every
followee for every page.) What changes after the copy was written — a post deleted or
hidden, a block, an unfollow, a suspended author — is filtered at read time with
BatchGets over the page's own authors, so it takes effect on the next request.

Recommended timeline: recent posts of the last days (``recent`` index by Shanghai day),
excluding myself, people I already follow, blocked pairs and inactive members.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import batch_get_tables, dynamo_errors, get_or_404
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import DomainEvent, actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.pii import scrub

from .models import Edge, Post, Reaction, Report, Standing, TimelineEntry
from .schemas import (
    CommentPage,
    CommentView,
    Liked,
    MemberPage,
    MemberRef,
    ModerationAction,
    NewPost,
    NewReport,
    PostPage,
    PostView,
    Relation,
    ReportPage,
    ReportView,
    StandingView,
)
from .standing import (
    BLOCKED_BY,
    BLOCKS,
    FOLLOWER,
    FOLLOWING,
    FRIEND,
    SAFETY_REPORTER,
    Badge,
    _day,
    _edge_keys,
    _existing_edges,
    _file,
    _is_active,
    _standing,
    _tally,
    active_standing,
    badge_of,
    badges,
    blocked_between,
    flag,
    is_active,
    org_of,
    verification,
    visible_badges,
)

TIMELINE_TTL_DAYS = 90
RECOMMEND_DAYS = 7


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


def standing_view(user_id: str) -> StandingView:
    standing = _standing(user_id)
    verified, days = verification(user_id)
    if standing is None:
        return StandingView(user_id=user_id, active=False, identity_status="unknown", sanction="none",
                            sanction_until=None, warnings=0, verified=False, active_days=0)
    return StandingView(user_id=user_id, active=_is_active(standing), identity_status=standing.identity_status,
                        sanction=standing.sanction, sanction_until=standing.sanction_until,
                        warnings=int(standing.warnings or 0), verified=verified, active_days=days)


def require_active(principal: Principal) -> Standing:
    """The caller's standing, when they are an active member; 403 otherwise (one GetItem)."""
    standing = active_standing(principal.user_id) if principal.role is Role.WORKER else None
    if standing is None:
        raise Forbidden("您的会员资格未生效或已被停用，暂不能使用交友功能", code="MEMBER_NOT_ACTIVE")
    return standing


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


def follower_ids(author: str, kind: str, *, start: dict[str, Any] | None, limit: int = 100
                 ) -> tuple[list[str], dict[str, Any] | None]:
    page = Edge.query(author, Edge.edge.startswith(f"{kind}#"), limit=limit, last_evaluated_key=start)
    return [e.other for e in page], page.last_evaluated_key


# --- posts and the feed -----------------------------------------------------------------

def _post_view(post: Post, *, badge: Badge, liked: bool = False) -> PostView:
    return PostView(post_id=post.post_id, author=post.author, author_name=badge.nickname,
                    author_avatar_url=badge.avatar_url, text=post.text,
                    photos=[str(p) for p in (post.photos or [])], created_at=post.created_at, status=post.status,
                    likes=int(post.likes or 0),
                    comments=int(post.comments or 0), liked_by_me=liked)


def create_post(principal: Principal, body: NewPost) -> PostView:
    """Post text with up to 9 photos the member uploaded. The text goes through the same
    safety rules as chat: a "hold" keeps the post visible to its author only and reports it."""
    from chalicelib.messaging import logic as messaging

    from . import media

    mine = require_active(principal)
    prefix = media.prefix_of(principal.user_id)
    for key in body.photos:
        if not key.startswith(prefix) or not media.exists(key):
            raise ValidationFailed("照片未上传或不属于你", code="PHOTO_NOT_FOUND", details=[{"key": key}])
    verdict = messaging.scan_text(body.text, first_message=False, orgs=(principal.org_path,))
    now = clock.now()
    post = Post(f"p-{uuid.uuid4().hex[:20]}", author=principal.user_id, org=principal.org_path,
                text=scrub(body.text), photos=body.photos, created_at=clock.isoformat(now),
                day=clock.to_shanghai(now).date().isoformat(),
                status="held" if verdict.action == "hold" else "visible")
    with transaction() as tx:
        tx.save(post)
        publish("social", "PostCreated", data={"post_id": post.post_id, "author": post.author, "status": post.status},
                actor=actor_of(principal), org=principal.org_path, tx=tx)
    if post.status == "held":
        flag(kind="post", target_id=post.post_id, member=principal.user_id, excerpt=post.text,
             categories=verdict.categories)
    else:
        from chalicelib.platform.queues import send

        from .specs import FANOUT_QUEUE

        send(FANOUT_QUEUE, {"post_id": post.post_id})
    return _post_view(post, badge=badge_of(mine))


def fan_out(post_id: str) -> int:
    """Copy a post into its followers' and friends' timelines (and the author's own)."""
    try:
        post = Post.get(post_id)
    except Post.DoesNotExist:
        return 0
    if post.status != "visible":
        return 0
    expires = clock.now() + timedelta(days=TIMELINE_TTL_DAYS)
    position = f"{post.created_at}#{post.post_id}"
    written = 0
    with TimelineEntry.batch_write() as batch:
        batch.save(TimelineEntry(f"{post.author}#following", position, post_id=post.post_id, author=post.author,
                                 expires=expires))
        written += 1
        for kind, timeline in ((FOLLOWER, "following"), (FRIEND, "friends")):
            start: dict[str, Any] | None = None
            while True:
                readers, start = follower_ids(post.author, kind, start=start)
                for reader in readers:
                    batch.save(TimelineEntry(f"{reader}#{timeline}", position, post_id=post.post_id,
                                             author=post.author, expires=expires))
                    written += 1
                if not start:
                    break
    return written


def _visible_posts(viewer: str, posts: list[Post], *, must_follow: str | None = None) -> list[Post]:
    """Drop what the viewer may no longer see: deleted/hidden/held posts (held ones stay
    visible to their author), blocked pairs, inactive authors, and — for a timeline —
    authors no longer followed / no longer friends."""
    authors = {p.author for p in posts} - {viewer}
    hidden, _ = visible_badges(viewer, authors)  # blocked either way, or not active: one BatchGetItem
    still = {edge.split("#", 1)[1] for _, edge in _existing_edges(_edge_keys(viewer, (must_follow,), authors))} \
        if must_follow else authors
    out = []
    for post in posts:
        if post.author == viewer:
            if post.status in ("visible", "held"):
                out.append(post)
            continue
        if post.status == "visible" and post.author not in hidden and post.author in still:
            out.append(post)
    return out


def _liked(viewer: str, posts: list[Post]) -> set[str]:
    if not posts:
        return set()
    return {r.post_id for r in Reaction.batch_get([(p.post_id, f"like#{viewer}") for p in posts])}


def _page_of_posts(viewer: str, posts: list[Post], next_cursor: str | None,
                   must_follow: str | None = None, *, check_viewer: bool = False) -> PostPage:
    """The posts the viewer may see, with their likes: the authors' standing, the viewer's
    edges to them (blocks, and follow/friend for a timeline), the viewer's likes — and, with
    ``check_viewer``, the viewer's own standing — in ONE BatchGetItem across three tables."""
    authors = {p.author for p in posts} - {viewer}
    kinds = (BLOCKS, BLOCKED_BY, must_follow) if must_follow else (BLOCKS, BLOCKED_BY)
    own = any(p.author == viewer for p in posts)
    people = authors | ({viewer} if check_viewer or own else set())
    standings, edges, reactions = batch_get_tables(
        (Standing, sorted(people), False), (Edge, sorted(set(_edge_keys(viewer, kinds, authors))), False),
        (Reaction, sorted({(p.post_id, f"like#{viewer}") for p in posts}), False))
    active = {st.user_id for st in standings if _is_active(st)}
    if check_viewer and viewer not in active:
        raise Forbidden("您的会员资格未生效或已被停用，暂不能使用交友功能", code="MEMBER_NOT_ACTIVE")
    found = {e.edge for e in edges}
    blocked = {a for a in authors if f"{BLOCKS}#{a}" in found or f"{BLOCKED_BY}#{a}" in found}
    still = {a for a in authors if f"{must_follow}#{a}" in found} if must_follow else authors
    liked = {r.post_id for r in reactions}
    names = {st.user_id: badge_of(st) for st in standings}
    shown = [p for p in posts
             if (p.author == viewer and p.status in ("visible", "held"))
             or (p.author != viewer and p.status == "visible" and p.author in active and p.author not in blocked
                 and p.author in still)]
    return PostPage(items=[_post_view(p, badge=names.get(p.author, badge_of(None)), liked=p.post_id in liked)
                           for p in shown], next_cursor=next_cursor)


def timeline(principal: Principal, kind: str, *, limit: int, cursor: str | None) -> PostPage:
    """Three round trips: the timeline page, its posts, and one BatchGetItem for who may be
    seen and what the viewer liked (which also checks the viewer is an active member)."""
    if principal.role is not Role.WORKER:
        raise Forbidden("您的会员资格未生效或已被停用，暂不能使用交友功能", code="MEMBER_NOT_ACTIVE")
    me = principal.user_id
    if kind == "recommended":
        require_active(principal)
        return _recommended(me, limit=limit, cursor=cursor)
    bound = f"social:timeline:{kind}:{me}"
    page = TimelineEntry.query(f"{me}#{kind}", scan_index_forward=False, limit=limit,
                               last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    entries = list(page)
    by_id = {p.post_id: p for p in Post.batch_get([e.post_id for e in entries])} if entries else {}
    posts = [by_id[e.post_id] for e in entries if e.post_id in by_id]
    return _page_of_posts(me, posts, encode_cursor(page.last_evaluated_key, bound_to=bound),
                          must_follow=FOLLOWING if kind == "following" else FRIEND, check_viewer=True)


def _recommended(me: str, *, limit: int, cursor: str | None) -> PostPage:
    """Recent posts, newest first, one Shanghai day per partition, back ``RECOMMEND_DAYS``."""
    bound = f"social:timeline:recommended:{me}"
    position = decode_cursor(cursor, bound_to=bound) or {"d": 0, "k": None}
    days_ago = int(position.get("d", 0))
    page = Post.recent.query(_day(days_ago), scan_index_forward=False, limit=limit,
                             last_evaluated_key=position.get("k"))
    posts = [p for p in page if p.author != me]
    if page.last_evaluated_key:
        nxt: dict[str, Any] | None = {"d": days_ago, "k": page.last_evaluated_key}
    else:
        nxt = {"d": days_ago + 1, "k": None} if days_ago + 1 < RECOMMEND_DAYS else None
    followed = {edge.split("#", 1)[1] for _, edge in
                _existing_edges(_edge_keys(me, (FOLLOWING,), {p.author for p in posts}))}
    posts = [p for p in posts if p.author not in followed]
    return _page_of_posts(me, posts, encode_cursor(nxt, bound_to=bound))


def _readable_post(principal: Principal, post_id: str) -> Post:
    try:
        post = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
    if not _visible_posts(principal.user_id, [post]):
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    return post


def get_post(principal: Principal, post_id: str) -> PostView:
    """The post, if the viewer may see it: who may be seen, the author's name and whether the
    viewer liked it come in one BatchGetItem."""
    post = get_or_404(Post, post_id, not_found=NotFound("找不到该动态", code="POST_NOT_FOUND"))
    page = _page_of_posts(principal.user_id, [post], None)
    if not page.items:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    return page.items[0]


def posts_of(principal: Principal, author: str, *, limit: int, cursor: str | None) -> PostPage:
    me = principal.user_id
    if author != me and (blocked_between(me, author) or not is_active(author)):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    bound = f"social:posts:{author}"
    page = Post.by_author.query(author, scan_index_forward=False, limit=limit,
                                last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    return _page_of_posts(me, list(page), encode_cursor(page.last_evaluated_key, bound_to=bound))


def delete_post(principal: Principal, post_id: str) -> None:
    try:
        post = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
    if post.author != principal.user_id or post.status == "deleted":
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    with transaction() as tx:
        tx.update(post, actions=[Post.status.set("deleted")])
        publish("social", "PostDeleted", data={"post_id": post_id, "author": post.author}, actor=actor_of(principal),
                org=post.org, tx=tx)


def like(principal: Principal, post_id: str, *, liked: bool) -> Liked:
    require_active(principal)
    post = _readable_post(principal, post_id)
    key = f"like#{principal.user_id}"
    try:
        with _transaction() as tx:
            if liked:
                tx.save(Reaction(post_id, key, author=principal.user_id, created_at=clock.now_iso()),
                        condition=Reaction.key.does_not_exist())
                tx.update(post, actions=[Post.likes.add(1)])
            else:
                tx.delete(Reaction(post_id, key), condition=Reaction.key.exists())
                tx.update(post, actions=[Post.likes.add(-1)])
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" not in {r.code for r in (exc.cancellation_reasons or []) if r}:
            raise
    post.refresh()
    return Liked(post_id=post_id, liked=liked, likes=int(post.likes or 0))


def comment(principal: Principal, post_id: str, text: str) -> CommentView:
    from chalicelib.messaging import logic as messaging

    mine = require_active(principal)
    post = _readable_post(principal, post_id)
    verdict = messaging.scan_text(text, first_message=False, orgs=(principal.org_path, post.org or ""))
    if verdict.action == "hold":
        raise ValidationFailed("评论包含不允许的内容（如转账、投资、站外联系方式）", code="COMMENT_REJECTED",
                               details=[{"categories": verdict.categories}])
    at = clock.now_iso()
    comment_id = uuid.uuid4().hex[:16]
    reaction = Reaction(post_id, f"comment#{at}#{comment_id}", author=principal.user_id, text=scrub(text),
                        created_at=at)
    with dynamo_errors(), _transaction() as tx:
        tx.save(reaction)
        tx.update(post, actions=[Post.comments.add(1)])
    badge = badge_of(mine)
    return CommentView(comment_id=comment_id, author=principal.user_id, author_name=badge.nickname,
                       author_avatar_url=badge.avatar_url, text=reaction.text or "", created_at=at)


def comments(principal: Principal, post_id: str, *, limit: int, cursor: str | None) -> CommentPage:
    _readable_post(principal, post_id)
    bound = f"social:comments:{post_id}"
    page = Reaction.query(post_id, Reaction.key.startswith("comment#"), limit=limit,
                          last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    rows = list(page)
    me = principal.user_id
    hidden, names = visible_badges(me, {r.author for r in rows}, include_viewer=True)
    items = [CommentView(comment_id=r.key.rsplit("#", 1)[-1], author=r.author, author_name=names[r.author].nickname,
                         author_avatar_url=names[r.author].avatar_url, text=r.text or "", created_at=r.created_at)
             for r in rows if r.author not in hidden and r.status == "visible"]
    return CommentPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- reports and moderation -------------------------------------------------------------

def _report_views(reports: list[Report]) -> list[ReportView]:
    """Reports with the names of the reported member and the reporter (one BatchGetItem)."""
    names = badges({r.target_member for r in reports} | {r.reporter for r in reports} - {SAFETY_REPORTER})
    return [_report_view(r, names) for r in reports]


def _report_view(r: Report, names: dict[str, Badge]) -> ReportView:
    reporter = "安全规则" if r.reporter == SAFETY_REPORTER else names[r.reporter].nickname
    return ReportView(report_id=r.report_id, kind=r.target_kind, target_id=r.target_id, target_member=r.target_member,
                      target_member_name=names[r.target_member].nickname, reason_code=r.reason_code, note=r.note,
                      excerpt=r.excerpt, reporter=r.reporter, reporter_name=reporter, org=r.org,
                      status=r.status, created_at=r.created_at, action=r.action, action_reason=r.action_reason,
                      action_by=r.action_by, action_at=r.action_at)


def report(principal: Principal, body: NewReport) -> ReportView:
    """A member reports a member, a post or a message. Reporting the same thing twice
    files one report. Each new report counts against the member for the quota halving."""
    me = principal.user_id
    excerpt: str | None = None
    if body.kind == "member":
        member = body.target_id
        if member == me or _standing(member) is None:
            raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    elif body.kind == "post":
        try:
            post = Post.get(body.target_id)
        except Post.DoesNotExist as exc:
            raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
        if post.author == me or post.status == "deleted" or blocked_between(me, post.author):
            raise NotFound("找不到该动态", code="POST_NOT_FOUND")
        member, excerpt = post.author, post.text
    else:
        from chalicelib.messaging import logic as messaging

        member, excerpt = messaging.message_for_report(me, body.target_id)
    saved, new = _file(reporter=me, kind=body.kind, target_id=body.target_id, member=member,
                       reason=body.reason_code, note=body.note, excerpt=excerpt)
    if new:
        _tally(member, reports=1)
        publish("social", "MemberReported", data={"report_id": saved.report_id, "member": member,
                                                  "kind": body.kind, "reason_code": body.reason_code},
                actor=actor_of(principal), org=saved.org)
    return _report_views([saved])[0]


def report_queue(principal: Principal, status: str, *, limit: int, cursor: str | None) -> ReportPage:
    """The moderation queue, newest first; union staff see reports inside their scope."""
    bound = f"social:reports:{status}"
    page = Report.queue.query(status, scan_index_forward=False, limit=limit,
                              last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = _report_views([r for r in page if principal.covers(r.org or "-") or principal.role is Role.PLATFORM_ADMIN])
    return ReportPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def _scoped_report(principal: Principal, report_id: str) -> Report:
    try:
        found = Report.get(report_id)
    except Report.DoesNotExist as exc:
        raise NotFound("找不到该举报", code="REPORT_NOT_FOUND") from exc
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(found.org or "-"):
        raise NotFound("找不到该举报", code="REPORT_NOT_FOUND")
    return found


def get_report(principal: Principal, report_id: str) -> ReportView:
    return _report_views([_scoped_report(principal, report_id)])[0]


def moderate(principal: Principal, report_id: str, body: ModerationAction) -> ReportView:
    """Union staff act on a report: warn, hide (the post or message), suspend, ban or
    dismiss — with a reason, recorded on the report and published as an event."""
    found = _scoped_report(principal, report_id)
    if found.status != "open":
        raise Conflict("该举报已处理", code="REPORT_ALREADY_HANDLED")
    member = found.target_member
    if body.action == "hide" and found.target_kind == "member":
        raise ValidationFailed("会员举报不能“隐藏”，请选择警告、停用或封禁", code="HIDE_NEEDS_CONTENT")
    now = clock.now()
    with dynamo_errors(Conflict("该举报已被其他工作人员处理", code="REPORT_ALREADY_HANDLED")):
        found.update(actions=[Report.status.set("dismissed" if body.action == "dismiss" else "actioned"),
                              Report.action.set(body.action), Report.action_reason.set(body.reason),
                              Report.action_by.set(principal.user_id), Report.action_at.set(clock.isoformat(now))],
                     condition=Report.status == "open")
    if body.action == "hide":
        _hide(found)
    elif body.action in ("suspend", "ban"):
        until = clock.isoformat(now + timedelta(days=body.days)) if body.action == "suspend" else None
        Standing(member).update(actions=[
            Standing.sanction.set("suspended" if body.action == "suspend" else "banned"),
            Standing.sanction_until.set(until) if until else Standing.sanction_until.remove(),
            Standing.sanction_reason.set(body.reason), Standing.updated_at.set(clock.isoformat(now))])
        from chalicelib.identity import logic as identity

        # identity's record is what login, refresh and every request check: the sanction and
        # the end of the member's sessions take effect there at once
        identity.record_sanction(member, "suspended" if body.action == "suspend" else "banned", until=until)
    elif body.action == "warn":
        Standing(member).update(actions=[Standing.warnings.add(1), Standing.updated_at.set(clock.isoformat(now))])
    if body.action != "dismiss":
        data = {"user_id": member, "action": body.action, "reason": body.reason, "report_id": report_id,
                "days": body.days if body.action == "suspend" else None}
        publish("social", "MemberModerated", data=data, actor=actor_of(principal), org=found.org)
    return _report_views([found])[0]


def _hide(found: Report) -> None:
    if found.target_kind == "post":
        try:
            Post(found.target_id).update(actions=[Post.status.set("hidden")], condition=Post.post_id.exists())
        except UpdateError:
            pass
    elif found.target_kind == "message":
        from chalicelib.messaging import logic as messaging

        messaging.hide_message(found.target_id)


def lift_sanction(principal: Principal, user_id: str, reason: str) -> StandingView:
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(org_of(user_id) or "-"):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    org = org_of(user_id)
    with dynamo_errors(NotFound("找不到该会员", code="MEMBER_NOT_FOUND")), transaction() as tx:
        tx.update(Standing(user_id), actions=[Standing.sanction.set("none"), Standing.sanction_until.remove(),
                                              Standing.sanction_reason.set(reason),
                                              Standing.updated_at.set(clock.now_iso())],
                  condition=Standing.user_id.exists())
        publish("social", "MemberModerated", data={"user_id": user_id, "action": "lift", "reason": reason},
                actor=actor_of(principal), org=org, tx=tx)
    from chalicelib.identity import logic as identity

    identity.record_sanction(user_id, None)
    return standing_view(user_id)


def staff_standing(principal: Principal, user_id: str) -> StandingView:
    standing = _standing(user_id)
    if standing is None or (principal.role is not Role.PLATFORM_ADMIN and not principal.covers(standing.org or "-")):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return standing_view(user_id)
