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
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


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


class Post(Model):
    class Meta(TableMeta):
        table_name = table_name("social-posts")

    post_id = UnicodeAttribute(hash_key=True)
    author = UnicodeAttribute()
    org = UnicodeAttribute(default="")
    text = UnicodeAttribute()
    photos = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute()
    day = UnicodeAttribute()                                   # Shanghai date, for ``recent``
    status = UnicodeAttribute(default="visible")              # visible | held | hidden | deleted
    likes = NumberAttribute(default=0)
    comments = NumberAttribute(default=0)
    by_author = PostsByAuthor()
    recent = RecentPosts()


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


def standings_and_edges(user_ids: list[str], edge_keys: list[tuple[str, str]]) -> tuple[list[Standing], list[Edge]]:
    """Standings and graph edges in ONE BatchGetItem across both tables (chat asks this for
    every message it accepts and delivers)."""
    client = Standing._get_connection().connection.client
    request: dict[str, Any] = {}
    if user_ids:
        request[Standing.Meta.table_name] = {"Keys": [{"user_id": {"S": u}} for u in sorted(set(user_ids))]}
    if edge_keys:
        request[Edge.Meta.table_name] = {"Keys": [{"owner": {"S": o}, "edge": {"S": e}}
                                                  for o, e in sorted(set(edge_keys))]}
    standings: list[Standing] = []
    edges: list[Edge] = []
    while request:
        response = client.batch_get_item(RequestItems=request)
        for item in response.get("Responses", {}).get(Standing.Meta.table_name, []):
            standings.append(Standing.from_raw_data(item))
        for item in response.get("Responses", {}).get(Edge.Meta.table_name, []):
            edges.append(Edge.from_raw_data(item))
        request = response.get("UnprocessedKeys") or {}
    return standings, edges
