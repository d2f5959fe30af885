"""光年间 posts (动态) wherever they live — the feed, an interest planet, a forum board — with
their likes and comments, and the timelines. A post in a space (``space``, see ``spaces``) is
not fanned out and not in ``recent``; ``spaces.check_post_access`` decides who may read,
comment on and like it.

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

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import batch_get_tables, dynamo_errors, get_or_404
from chalicelib.platform.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.pii import scrub

from .models import Edge, Post, Reaction, Standing, TimelineEntry
from .schemas import (
    CommentPage,
    CommentView,
    Liked,
    NewPost,
    PostPage,
    PostView,
)
from .standing import (
    BLOCKED_BY,
    BLOCKS,
    FOLLOWER,
    FOLLOWING,
    FRIEND,
    Badge,
    _day,
    _edge_keys,
    _existing_edges,
    _is_active,
    badge_of,
    badges,
    blocked_between,
    flag,
    is_active,
    require_active,
    visible_badges,
)

__all__ = ["require_active"]

TIMELINE_TTL_DAYS = 90
RECOMMEND_DAYS = 7


def follower_ids(author: str, kind: str, *, start: dict[str, Any] | None, limit: int = 100
                 ) -> tuple[list[str], dict[str, Any] | None]:
    page = Edge.query(author, Edge.edge.startswith(f"{kind}#"), limit=limit, last_evaluated_key=start)
    return [e.other for e in page], page.last_evaluated_key


# --- posts and the feed -----------------------------------------------------------------

def _post_view(post: Post, *, badge: Badge, liked: bool = False, pinned: bool = False) -> PostView:
    return PostView(post_id=post.post_id, author=post.author, author_name=badge.nickname,
                    author_avatar_url=badge.avatar_url, text=post.text,
                    photos=[str(p) for p in (post.photos or [])], created_at=post.created_at, status=post.status,
                    likes=int(post.likes or 0),
                    comments=int(post.comments or 0), liked_by_me=liked, title=post.title, space=post.space,
                    topics=[str(t) for t in (post.topics or [])], pinned=pinned, locked=bool(post.locked))


def post_view(post: Post, *, pinned: bool = False) -> PostView:
    """One post as its space's moderators see it after acting on it (one BatchGet for the name)."""
    return _post_view(post, badge=badges([post.author])[post.author], pinned=pinned)


def post_event_data(post: Post, **extra: Any) -> dict[str, Any]:
    """What every post/comment/like event says about its post: the space and topics ride
    along so heat, tiers and others need no read of the post."""
    return {"post_id": post.post_id, "post_author": post.author, "space": post.space,
            "topics": [str(t) for t in (post.topics or [])], "post_created_at": post.created_at, **extra}


def create_post(principal: Principal, body: NewPost, *, space: str | None = None, title: str | None = None,
                org: str | None = None) -> PostView:
    """Post text with up to 9 photos the member uploaded — in the feed, or (``space``) in a
    planet or a forum board, whose callers checked the right to post there. The text goes
    through the same safety rules as chat: a "hold" keeps the post visible to its author only
    and reports it. A feed post's ``#话题#`` names attach it to topics (new names wait for
    review; a name the safety rules hold refuses the whole post)."""
    from chalicelib.messaging import logic as messaging

    from . import media, tagging

    mine = require_active(principal)
    prefix = media.prefix_of(principal.user_id)
    for key in body.photos:
        if not key.startswith(prefix) or not media.exists(key):
            raise ValidationFailed("照片未上传或不属于你", code="PHOTO_NOT_FOUND", details=[{"key": key}])
    tagged = [] if space else tagging.tags_of(principal, body.text)
    verdict = messaging.scan_text(f"{title or ''}\n{body.text}".strip(), first_message=False,
                                  orgs=(principal.org_path,))
    now = clock.now()
    post = Post(f"p-{uuid.uuid4().hex[:20]}", author=principal.user_id, org=org or principal.org_path,
                text=scrub(body.text), photos=body.photos, created_at=clock.isoformat(now),
                day=None if space else clock.to_shanghai(now).date().isoformat(),
                status="held" if verdict.action == "hold" else "visible", space=space,
                title=scrub(title) if title else None,
                topics=[t.topic_id for t in tagged] or None)
    with transaction() as tx:
        tx.save(post)
        if post.status == "visible":
            tagging.stage_post(tx, post, tagged)
        publish("social", "PostCreated", data=post_event_data(post, author=post.author, status=post.status),
                actor=actor_of(principal), org=post.org, tx=tx)
    if post.status == "held":
        flag(kind="post", target_id=post.post_id, member=principal.user_id, excerpt=post.text,
             categories=verdict.categories)
    elif not space:
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


def page_of_posts(viewer: str, posts: list[Post], next_cursor: str | None, *,
                  pinned: frozenset[str] = frozenset()) -> PostPage:
    """A page of posts of a space or topic, as the viewer may see them (see ``_page_of_posts``)."""
    page = _page_of_posts(viewer, posts, next_cursor)
    if pinned:
        page.items = [item.model_copy(update={"pinned": item.post_id in pinned}) for item in page.items]
    return page


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


def _readable_post(principal: Principal, post_id: str, *, write: bool = False) -> Post:
    """The post when the caller may see it (and, with ``write``, comment on or like it, which
    in a planet takes membership and in a forum an unlocked thread)."""
    from . import spaces

    try:
        post = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
    spaces.check_post_access(principal, post, write=write)
    if not _visible_posts(principal.user_id, [post]):
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    return post


def get_post(principal: Principal, post_id: str) -> PostView:
    """The post, if the viewer may see it: who may be seen, the author's name and whether the
    viewer liked it come in one BatchGetItem."""
    from . import spaces

    post = get_or_404(Post, post_id, not_found=NotFound("找不到该动态", code="POST_NOT_FOUND"))
    spaces.check_post_access(principal, post, write=False)
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
    # planet posts and forum threads are read in their space, not on the member's page
    return _page_of_posts(me, [p for p in page if not p.space],
                          encode_cursor(page.last_evaluated_key, bound_to=bound))


def delete_post(principal: Principal, post_id: str) -> None:
    try:
        post = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
    if post.author != principal.user_id or post.status == "deleted":
        raise NotFound("找不到该动态", code="POST_NOT_FOUND")
    with transaction() as tx:
        tx.update(post, actions=[Post.status.set("deleted")])
        publish("social", "PostDeleted", data=post_event_data(post, author=post.author), actor=actor_of(principal),
                org=post.org, tx=tx)


def like(principal: Principal, post_id: str, *, liked: bool) -> Liked:
    """Like or take back a like; each change publishes ``PostLiked`` / ``PostUnliked`` in the
    same transaction (the unlike names the like's own time, so heat can take back exactly it)."""
    require_active(principal)
    post = _readable_post(principal, post_id, write=liked)
    key = f"like#{principal.user_id}"
    actor = actor_of(principal)
    old: Reaction | None = None
    if not liked:
        try:
            old = Reaction.get(post_id, key, consistent_read=True)
        except Reaction.DoesNotExist:
            return Liked(post_id=post_id, liked=False, likes=int(post.likes or 0))
    try:
        with transaction() as tx:
            if old is None:
                at = clock.now_iso()
                tx.save(Reaction(post_id, key, author=principal.user_id, created_at=at),
                        condition=Reaction.key.does_not_exist())
                tx.update(post, actions=[Post.likes.add(1)])
                publish("social", "PostLiked", data=post_event_data(post, user_id=principal.user_id, at=at),
                        actor=actor, org=post.org, tx=tx)
            else:
                tx.delete(old, condition=Reaction.created_at == old.created_at)
                tx.update(post, actions=[Post.likes.add(-1)])
                publish("social", "PostUnliked",
                        data=post_event_data(post, user_id=principal.user_id, at=old.created_at),
                        actor=actor, org=post.org, tx=tx)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" not in {r.code for r in (exc.cancellation_reasons or []) if r}:
            raise
    post.refresh()
    return Liked(post_id=post_id, liked=liked, likes=int(post.likes or 0))


def comment(principal: Principal, post_id: str, text: str) -> CommentView:
    from chalicelib.messaging import logic as messaging

    mine = require_active(principal)
    post = _readable_post(principal, post_id, write=True)
    verdict = messaging.scan_text(text, first_message=False, orgs=(principal.org_path, post.org or ""))
    if verdict.action == "hold":
        raise ValidationFailed("评论包含不允许的内容（如转账、投资、站外联系方式）", code="COMMENT_REJECTED",
                               details=[{"categories": verdict.categories}])
    at = clock.now_iso()
    comment_id = uuid.uuid4().hex[:16]
    reaction = Reaction(post_id, f"comment#{at}#{comment_id}", author=principal.user_id, text=scrub(text),
                        created_at=at)
    with dynamo_errors(), transaction() as tx:
        tx.save(reaction)
        tx.update(post, actions=[Post.comments.add(1)])
        publish("social", "PostCommented",
                data=post_event_data(post, user_id=principal.user_id, comment_id=comment_id, at=at),
                actor=actor_of(principal), org=post.org, tx=tx)
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
