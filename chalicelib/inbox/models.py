"""One inbox per person: every notice the system sends lands here.

Access patterns:
- a person's inbox, newest first                 → Query ``InboxItem`` LSI ``by_time`` (user_id, sort_at desc)
- a person's inbox of one kind (feature views)    → Query ``InboxItem`` LSI ``by_kind`` (user_id, begins_with kind#)
- deliver once per dedup key                      → Put ``InboxItem`` (user_id, item_id) if not exists
- unread counts by kind                           → Query ``InboxCounter`` (user_id): one row per kind + "~all"
- mark all read                                   → one watermark on the "~all" row: items at or before it
                                                    are read; the kind rows go to zero in the same transaction
"""
from __future__ import annotations

import zlib

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name

ALL = "~all"


class InboxByTime(LocalSecondaryIndex["InboxItem"]):
    class Meta:
        index_name = "by_time"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class InboxByKind(LocalSecondaryIndex["InboxItem"]):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    kind_at = UnicodeAttribute(range_key=True)


class InboxItem(Model):
    class Meta(TableMeta):
        table_name = table_name("inbox")

    user_id = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute(range_key=True)     # sha256(dedup key)[:24]: a redelivery names the same item
    sort_at = UnicodeAttribute()                   # "<created_at>#<item_id>"
    kind_at = UnicodeAttribute()                   # "<kind>#<created_at>#<item_id>"
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute(default="")
    link = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    read = BooleanAttribute(default=False)
    meta = MapAttribute(default=dict)  # type: ignore[var-annotated]
    pushed = UnicodeAttribute(default="none")      # none (not asked) · no · yes · refused · no_channel

    by_time = InboxByTime()
    by_kind = InboxByKind()


class InboxCounter(Model):
    class Meta(TableMeta):
        table_name = table_name("inbox-counters")

    user_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(range_key=True)        # a notice kind, or "~all"
    unread = NumberAttribute(default=0)
    version = NumberAttribute(default=0)           # "~all" only: bumped by every delivery and mark-read
    watermark = UnicodeAttribute(null=True)        # "~all" only: items with sort_at <= it are read


class AnnouncementsDue(GlobalSecondaryIndex["InboxAnnouncement"]):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    send_at = UnicodeAttribute(range_key=True)


class InboxAnnouncement(Model):
    """A staff announcement to an audience. Access: GetItem by id; due ones → Query GSI ``due``
    ("due", send_at <= now; sparse); the announcements of a scope → Query ``by_org`` below."""

    class Meta(TableMeta):
        table_name = table_name("inbox-announcements")

    ann_id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    body = UnicodeAttribute(default="")
    link = UnicodeAttribute(null=True)
    audience_org = UnicodeAttribute()
    glnj_only = BooleanAttribute(default=False)
    push = BooleanAttribute(default=False)
    status = UnicodeAttribute()                    # scheduled · sending · sent
    send_at = UnicodeAttribute()
    recipients = NumberAttribute(default=0)        # the preview count when composed
    nodes = NumberAttribute(default=0)             # enterprise nodes the fan-out was queued to
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    due_bucket = UnicodeAttribute(null=True)

    due = AnnouncementsDue()


ANNOUNCEMENT_SHARDS = 16


def announcement_shard(user_id: str) -> int:
    """The counter shard a person's delivery and read of an announcement count on."""
    return zlib.crc32(user_id.encode()) % ANNOUNCEMENT_SHARDS


class InboxAnnouncementShard(Model):
    """Delivered / read counts of an announcement, spread over shards so that a fan-out of
    hundreds of thousands of deliveries never contends on one item. Access: Query ``ann_id``."""

    class Meta(TableMeta):
        table_name = table_name("inbox-announcement-counts")

    ann_id = UnicodeAttribute(hash_key=True)
    shard = NumberAttribute(range_key=True)
    delivered = NumberAttribute(default=0)
    read = NumberAttribute(default=0)
