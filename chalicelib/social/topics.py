"""话题: featured topics by union staff, member topics from ``#话题#`` (reviewed before they
reach the square), the square by heat, a topic's posts newest or hottest first, following
topics and "my topics" with the new posts since my last visit.

Every list is one Query of the page size (plus BatchGets of that page): the square reads the
sparse ``square`` index (approved topics only, by stored heat — see ``heat.py``), a topic page
``TopicPost`` (or its ``hottest`` LSI), my topics ``TopicFollow[me]``. "New since my last
visit" is the topic's post count minus the count I saw, so it costs no Query per topic."""
from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import heat, posts, tagging
from .models import Post, Topic, TopicFollow, TopicPost
from .schemas import (
    MyTopicPage,
    MyTopicView,
    NewTopic,
    PostPage,
    SpaceReview,
    TopicPage,
    TopicView,
)

SQUARE = "square"
STATUS_NAMES = {"pending": "待审核", "approved": "已上线", "rejected": "未通过"}
NOT_FOUND = ("找不到该话题", "TOPIC_NOT_FOUND")


def _not_found() -> NotFound:
    return NotFound(NOT_FOUND[0], code=NOT_FOUND[1])


def _view(topic: Topic, *, followed: bool = False) -> TopicView:
    return TopicView(topic_id=topic.topic_id, name=topic.name, description=topic.description, cover=topic.cover,
                     featured=bool(topic.featured), status=topic.status,
                     status_name=STATUS_NAMES.get(topic.status, topic.status), posts=int(topic.posts or 0),
                     followers=int(topic.followers or 0), heat=round(heat.decayed(float(topic.heat or 0)), 2),
                     followed_by_me=followed, created_at=topic.created_at)


def _get(topic_id: str) -> Topic:
    if not topic_id.startswith("t-") or len(topic_id) > 40:
        raise _not_found()
    try:
        return Topic.get(topic_id)
    except Topic.DoesNotExist as exc:
        raise _not_found() from exc


def _listed(topic_id: str) -> Topic:
    topic = _get(topic_id)
    if topic.status != "approved":
        raise _not_found()
    return topic


def _followed(user_id: str, topic_ids: list[str]) -> dict[str, TopicFollow]:
    if not topic_ids:
        return {}
    return {f.topic_id: f for f in TopicFollow.batch_get([(user_id, t) for t in topic_ids])}


# --- staff ---------------------------------------------------------------------------------

def create_featured(principal: Principal, body: NewTopic) -> TopicView:
    """A featured topic, on the square at once. A topic of the same name raised inside the
    caller's scope becomes this featured one; one of another scope is 409 ``TOPIC_EXISTS``
    (staff elsewhere cannot take it over)."""
    tagging.check_name(principal, body.name)
    topic_id = tagging.topic_id_of(body.name)
    now = clock.now_iso()
    ours = None if principal.role is Role.PLATFORM_ADMIN else (
        Topic.topic_id.does_not_exist() | (Topic.org == principal.org_path)
        | Topic.org.startswith(principal.org_path + "/"))
    exists = Conflict("已有同名话题", code="TOPIC_EXISTS", details=[{"topic_id": topic_id}])
    with dynamo_errors(exists), transaction() as tx:
        tx.update(Topic(topic_id), actions=[
            Topic.name.set(body.name),
            Topic.description.set(body.description) if body.description else Topic.description.remove(),
            Topic.cover.set(body.cover) if body.cover else Topic.cover.remove(),
            Topic.featured.set(True), Topic.status.set("approved"), Topic.listed.set(SQUARE),
            Topic.org.set(Topic.org | principal.org_path), Topic.created_by.set(Topic.created_by | principal.user_id),
            Topic.created_at.set(Topic.created_at | now), Topic.heat.set(Topic.heat | 0)], condition=ours)
        publish("social", "TopicPublished", data={"topic_id": topic_id, "name": body.name, "featured": True},
                actor=actor_of(principal), org=principal.org_path, tx=tx)
    return _view(Topic.get(topic_id, consistent_read=True))


def review_queue(principal: Principal, status: str, *, limit: int, cursor: str | None) -> TopicPage:
    """Member topics by status, oldest first; staff see those raised inside their scope."""
    bound = f"social:topics:review:{status}"
    page = Topic.review.query(status, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_view(t) for t in page if principal.role is Role.PLATFORM_ADMIN or principal.covers(t.org or "-")]
    return TopicPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def review(principal: Principal, topic_id: str, body: SpaceReview) -> TopicView:
    topic = _get(topic_id)
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(topic.org or "-"):
        raise _not_found()
    status = "approved" if body.approve else "rejected"
    with dynamo_errors(Conflict("该话题已审核", code="TOPIC_ALREADY_REVIEWED")), transaction() as tx:
        tx.update(topic, actions=[Topic.status.set(status), Topic.review_reason.set(body.reason or "-"),
                                  Topic.listed.set(SQUARE) if body.approve else Topic.listed.remove()],
                  condition=Topic.status == "pending")
        publish("social", "TopicReviewed", data={"topic_id": topic_id, "status": status, "reason": body.reason},
                actor=actor_of(principal), org=topic.org, tx=tx)
    topic.refresh(consistent_read=True)
    return _view(topic)


# --- members ---------------------------------------------------------------------------------

def square(principal: Principal, *, limit: int, cursor: str | None) -> TopicPage:
    """Approved topics, hottest first: one Query of the sparse ``square`` index."""
    bound = "social:topics:square"
    page = Topic.square.query(SQUARE, scan_index_forward=False, limit=limit,
                              last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    topics = list(page)
    followed = _followed(principal.user_id, [t.topic_id for t in topics])
    return TopicPage(items=[_view(t, followed=t.topic_id in followed) for t in topics],
                     next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def get_topic(principal: Principal, topic_id: str) -> TopicView:
    topic = _listed(topic_id)
    return _view(topic, followed=bool(_followed(principal.user_id, [topic_id])))


def topic_posts(principal: Principal, topic_id: str, order: str, *, limit: int, cursor: str | None) -> PostPage:
    """A topic's posts, newest or hottest first. A follower's visit marks the topic seen."""
    topic = _listed(topic_id)
    bound = f"social:topics:{topic_id}:{order}"
    start = decode_cursor(cursor, bound_to=bound)
    if order == "hottest":
        page = TopicPost.hottest.query(topic_id, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    else:
        page = TopicPost.query(topic_id, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    entries = list(page)
    by_id = {p.post_id: p for p in Post.batch_get([e.post_id for e in entries])} if entries else {}
    found = [by_id[e.post_id] for e in entries if e.post_id in by_id]
    if cursor is None:
        _mark_seen(principal.user_id, topic)
    return posts.page_of_posts(principal.user_id, found, encode_cursor(page.last_evaluated_key, bound_to=bound))


def _mark_seen(user_id: str, topic: Topic) -> None:
    try:
        TopicFollow(user_id, topic.topic_id).update(
            actions=[TopicFollow.seen_posts.set(int(topic.posts or 0)), TopicFollow.last_visit.set(clock.now_iso())],
            condition=TopicFollow.topic_id.exists())
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def follow(principal: Principal, topic_id: str, *, on: bool) -> TopicView:
    """Follow (idempotent) or unfollow an approved topic."""
    posts.require_active(principal)
    topic = _listed(topic_id)
    me = principal.user_id
    conflict = Conflict("操作冲突，请稍后重试", code="TOPIC_FOLLOW_CONFLICT")
    exists = bool(_followed(me, [topic_id]))
    if on and not exists:
        with dynamo_errors(conflict), transaction() as tx:
            tx.save(TopicFollow(me, topic_id, followed_at=clock.now_iso(), seen_posts=int(topic.posts or 0),
                                last_visit=clock.now_iso()), condition=TopicFollow.topic_id.does_not_exist())
            tx.update(topic, actions=[Topic.followers.add(1)])
            publish("social", "TopicFollowed", data={"topic_id": topic_id, "user_id": me},
                    actor=actor_of(principal), org=principal.org_path, tx=tx)
    elif not on and exists:
        with dynamo_errors(conflict), transaction() as tx:
            tx.delete(TopicFollow(me, topic_id), condition=TopicFollow.topic_id.exists())
            tx.update(topic, actions=[Topic.followers.add(-1)])
    topic.refresh()
    return _view(topic, followed=on)


def my_topics(principal: Principal, *, limit: int, cursor: str | None) -> MyTopicPage:
    """The topics I follow with how many posts arrived since my last visit: one Query of my
    follows and one BatchGet of their topics."""
    bound = f"social:topics:mine:{principal.user_id}"
    page = TopicFollow.query(principal.user_id, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    follows = list(page)
    topics = {t.topic_id: t for t in Topic.batch_get([f.topic_id for f in follows])} if follows else {}
    items = []
    for f in follows:
        topic = topics.get(f.topic_id)
        if topic is None or topic.status != "approved":
            continue
        base = _view(topic, followed=True)
        items.append(MyTopicView(**base.model_dump(), new_posts=max(0, int(topic.posts or 0) - int(f.seen_posts or 0)),
                                 last_visit=f.last_visit))
    return MyTopicPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))
