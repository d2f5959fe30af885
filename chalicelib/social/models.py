"""光年间 social graph, feed, member standing and moderation.

Access patterns:
- a member's standing (active / suspended / banned)            → GetItem ``Standing[user_id]``;
  many at once for a page of people                           → BatchGet (bounded by the page)
- recent reports/flags against a member (quota halving)       → Query ``Tally[user_id]`` day range
- who I follow / who follows me / my friends / whom I blocked → Query LSI ``by_time`` on
  ``Edge[owner]`` with ``kind_at`` beginning ``<kind>#`` (newest first)
- does A follow / block B (either direction)                  → GetItem / BatchGet ``Edge[A, kind#B]``
- a post                                                      → GetItem ``Post[post_id]``
- a member's posts, newest first                              → Query GSI ``by_author``
- recent posts of a day, newest first (recommendations)       → Query GSI ``recent`` on ``day``
- my following / friends timeline, newest first               → Query ``TimelineEntry["<me>#<kind>"]``
- likes and comments of a post                                → Query ``Reaction[post_id]`` by prefix
- a report; the open moderation queue, newest first           → GetItem / Query GSI ``queue``

Spaces (a post may live in a planet or a forum board, and may carry topics):
- a space's posts (planet feed, forum board), newest first      → Query GSI ``by_space`` (sparse: only
                                                                  posts with a ``space``)
- a topic; the topic square by heat                            → GetItem ``Topic[id]`` / Query GSI
                                                                  ``square`` (sparse: approved topics)
- topics waiting for review, oldest first                      → Query GSI ``topic_review`` on ``status``
- a topic's posts newest / hottest first                       → Query ``TopicPost[topic]`` / LSI ``hottest``
- the topics I follow; do I follow T                           → Query / GetItem ``TopicFollow[me]``
- heat applied once per event                                  → conditional Put ``HeatMark[event_id]``
- a planet; planets waiting for review; planets of an interest → GetItem ``Planet[id]`` / Query GSI
  by member count                                                 ``planet_review`` / ``by_interest``
- a planet's membership of one member; its members/requests     → GetItem / Query ``PlanetMember[planet]``
- a board; an enterprise's forum boards                        → GetItem ``Board[id]`` / Query GSI ``by_org``
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, batch_get_tables, table_name


class Standing(Model):
    """Our own record of a member's standing, fed by identity's events and staff sanctions."""

    class Meta(TableMeta):
        table_name = table_name("social-standing")

    user_id = UnicodeAttribute(hash_key=True)
    identity_status = UnicodeAttribute(default="inactive")   # active | inactive (from identity)
    identity_reason = UnicodeAttribute(null=True)
    identity_event_time = UnicodeAttribute(null=True)        # last identity event applied
    active_since = UnicodeAttribute(null=True)               # first activation (quota tier)
    org = UnicodeAttribute(default="")
    sanction = UnicodeAttribute(default="none")              # none | suspended | banned
    sanction_until = UnicodeAttribute(null=True)             # suspensions end; bans do not
    sanction_reason = UnicodeAttribute(null=True)
    warnings = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)
    # the member's name and picture as profiles announced them (ProfileCardChanged), shown
    # beside their posts, comments, chats and reports without a read of profiles per row
    nickname = UnicodeAttribute(default="")
    cover = UnicodeAttribute(default="")
    card_event_time = UnicodeAttribute(null=True)


class Tally(Model):
    """Reports and safety flags against a member, per Shanghai day (expire after 30 days)."""

    class Meta(TableMeta):
        table_name = table_name("social-tallies")

    user_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    reports = NumberAttribute(default=0)
    flags = NumberAttribute(default=0)
    expires = TTLAttribute(null=True)


class EdgesByTime(LocalSecondaryIndex["Edge"]):
    class Meta:
        index_name = "by_time"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    kind_at = UnicodeAttribute(range_key=True)


class Edge(Model):
    """One directed fact about two members, stored under its owner:
    ``following#B`` / ``follower#B`` / ``friend#B`` (mutual follow) / ``blocks#B`` / ``blockedby#B``."""

    class Meta(TableMeta):
        table_name = table_name("social-graph")

    owner = UnicodeAttribute(hash_key=True)
    edge = UnicodeAttribute(range_key=True)       # "<kind>#<other>"
    kind_at = UnicodeAttribute()                  # "<kind>#<created_at>#<other>"
    other = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_time = EdgesByTime()


class PostsByAuthor(GlobalSecondaryIndex["Post"]):
    class Meta:
        index_name = "by_author"
        projection = AllProjection()

    author = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class RecentPosts(GlobalSecondaryIndex["Post"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PostsBySpace(GlobalSecondaryIndex["Post"]):
    class Meta:
        index_name = "by_space"
        projection = AllProjection()

    space = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Post(Model):
    """A 动态 — or, with a ``space``, a planet post (``planet#<id>``) or a forum thread
    (``board#<board id>``). Space posts stay out of the 光年间 feed: no ``day``
    (so not in ``recent``) and no fan-out."""

    class Meta(TableMeta):
        table_name = table_name("social-posts")

    post_id = UnicodeAttribute(hash_key=True)
    author = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    text = UnicodeAttribute()
    title = UnicodeAttribute(null=True)                       # forum threads
    photos = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute()
    day = UnicodeAttribute(null=True)                          # Shanghai date, for ``recent`` (feed posts)
    status = UnicodeAttribute(default="visible")              # visible | held | hidden | deleted
    likes = NumberAttribute(default=0)
    comments = NumberAttribute(default=0)
    space = UnicodeAttribute(null=True)
    topics = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]  # topic ids
    locked = BooleanAttribute(default=False)                  # forum: no more replies
    by_author = PostsByAuthor()
    recent = RecentPosts()
    by_space = PostsBySpace()


class TimelineEntry(Model):
    """Fan-out on write: a post's id copied into each reader's timeline."""

    class Meta(TableMeta):
        table_name = table_name("social-timelines")

    timeline = UnicodeAttribute(hash_key=True)    # "<reader>#following" | "<reader>#friends"
    position = UnicodeAttribute(range_key=True)   # "<created_at>#<post_id>"
    post_id = UnicodeAttribute()
    author = UnicodeAttribute()
    expires = TTLAttribute(null=True)


class Reaction(Model):
    class Meta(TableMeta):
        table_name = table_name("social-reactions")

    post_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)        # "like#<user>" | "comment#<at>#<id>"
    author = UnicodeAttribute()
    text = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    status = UnicodeAttribute(default="visible")


class ReportQueue(GlobalSecondaryIndex["Report"]):
    class Meta:
        index_name = "queue"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Report(Model):
    """A report (by a member, or by the safety scanner) and what union staff did with it."""

    class Meta(TableMeta):
        table_name = table_name("social-reports")

    report_id = UnicodeAttribute(hash_key=True)   # deterministic: one per reporter and target
    target_kind = UnicodeAttribute()              # member | post | message
    target_id = UnicodeAttribute()
    target_member = UnicodeAttribute()
    reason_code = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    excerpt = UnicodeAttribute(null=True)         # what was reported, scrubbed
    reporter = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="open")     # open | actioned | dismissed
    created_at = UnicodeAttribute()
    action = UnicodeAttribute(null=True)          # warn | hide | suspend | ban | dismiss
    action_reason = UnicodeAttribute(null=True)
    action_by = UnicodeAttribute(null=True)
    action_at = UnicodeAttribute(null=True)
    version = VersionAttribute()
    queue = ReportQueue()


def standings_and_edges(user_ids: list[str], edge_keys: list[tuple[str, str]], *,
                        read: Callable[..., list[list[Any]]] = batch_get_tables,
                        also: tuple[tuple[Any, list[Any], bool], ...] = ()
                        ) -> tuple[list[Standing], list[Edge], list[list[Any]]]:
    """Standings and graph edges in ONE BatchGetItem across both tables (chat asks this for
    every message it accepts and delivers); ``also`` adds other tables' items to the same
    call (their found items come back third, in order), ``read`` is who makes it (the HTTP
    edge's ``caller_read`` folds the caller's standing in)."""
    found = read((Standing, sorted(set(user_ids)), False), (Edge, sorted(set(edge_keys)), False), *also)
    return found[0], found[1], found[2:]


# --- spaces: topics, interest planets, the enterprise forum -----------------------------------

class TopicSquare(GlobalSecondaryIndex["Topic"]):
    class Meta:
        index_name = "square"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)      # "square" while approved (sparse)
    heat = NumberAttribute(range_key=True)


class TopicReview(GlobalSecondaryIndex["Topic"]):
    class Meta:
        index_name = "topic_review"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Topic(Model):
    """A 话题. ``heat`` is Σ weight·e^((t − HEAT_EPOCH)/τ) over its posts, comments and likes:
    at any moment every topic's decayed heat is this sum times the same factor e^(−(now −
    HEAT_EPOCH)/τ), so the index orders by current heat without rewriting idle topics."""

    class Meta(TableMeta):
        table_name = table_name("social-topics")

    topic_id = UnicodeAttribute(hash_key=True)    # "t-" + digest of the normalised name
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    cover = UnicodeAttribute(null=True)
    featured = BooleanAttribute(default=False)
    status = UnicodeAttribute(default="pending")  # pending | approved | rejected
    listed = UnicodeAttribute(null=True)
    org = UnicodeAttribute(default="")
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    posts = NumberAttribute(default=0)
    followers = NumberAttribute(default=0)
    heat = NumberAttribute(default=0)
    review_reason = UnicodeAttribute(null=True)
    square = TopicSquare()
    review = TopicReview()


class TopicPostsByHeat(LocalSecondaryIndex["TopicPost"]):
    class Meta:
        index_name = "hottest"
        projection = AllProjection()

    topic_id = UnicodeAttribute(hash_key=True)
    heat = NumberAttribute(range_key=True)


class TopicPost(Model):
    """A post under one of its topics (written in the post's own transaction)."""

    class Meta(TableMeta):
        table_name = table_name("social-topic-posts")

    topic_id = UnicodeAttribute(hash_key=True)
    position = UnicodeAttribute(range_key=True)   # "<created_at>#<post_id>"
    post_id = UnicodeAttribute()
    heat = NumberAttribute(default=0)
    hottest = TopicPostsByHeat()


class TopicFollow(Model):
    class Meta(TableMeta):
        table_name = table_name("social-topic-follows")

    user_id = UnicodeAttribute(hash_key=True)
    topic_id = UnicodeAttribute(range_key=True)
    followed_at = UnicodeAttribute()
    seen_posts = NumberAttribute(default=0)      # the topic's post count at my last visit
    last_visit = UnicodeAttribute(null=True)


class HeatMark(Model):
    """One per domain event applied to heat: the conditional Put that makes redelivery a no-op."""

    class Meta(TableMeta):
        table_name = table_name("social-heat-marks")

    event_id = UnicodeAttribute(hash_key=True)
    expires = TTLAttribute(null=True)


class PlanetReview(GlobalSecondaryIndex["Planet"]):
    class Meta:
        index_name = "planet_review"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PlanetsByInterest(GlobalSecondaryIndex["Planet"]):
    class Meta:
        index_name = "by_interest"
        projection = AllProjection()

    listed_interest = UnicodeAttribute(hash_key=True)   # the interest code while approved (sparse)
    members = NumberAttribute(range_key=True)


class Planet(Model):
    """A 兴趣星球: a group around one interest, with its own feed (posts with space ``planet#<id>``)."""

    class Meta(TableMeta):
        table_name = table_name("social-planets")

    planet_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    interest = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    owner = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    join_mode = UnicodeAttribute(default="open")   # open | approval
    cap = NumberAttribute()
    members = NumberAttribute(default=0)
    status = UnicodeAttribute(default="pending")  # pending | approved | rejected
    listed_interest = UnicodeAttribute(null=True)
    pinned = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute()
    review_reason = UnicodeAttribute(null=True)
    review = PlanetReview()
    by_interest = PlanetsByInterest()


class PlanetMember(Model):
    class Meta(TableMeta):
        table_name = table_name("social-planet-members")

    planet_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute(default="member")      # owner | moderator | member
    state = UnicodeAttribute(default="member")     # member | pending | left | removed
    joined_at = UnicodeAttribute(null=True)
    left_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class BoardsByOrg(GlobalSecondaryIndex["Board"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Board(Model):
    """A board of an enterprise's 企业论坛; its threads are posts with space ``board#<board_id>``."""

    class Meta(TableMeta):
        table_name = table_name("social-boards")

    board_id = UnicodeAttribute(hash_key=True)
    org = UnicodeAttribute()                      # the enterprise's org path
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    pinned = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_org = BoardsByOrg()
