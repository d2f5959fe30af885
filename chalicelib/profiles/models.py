"""光年间 profiles, photos, the browse index, blocks and recommendations.

Access patterns
- profile by member                       → GetItem ``Profile.user_id``
- visible members of a city and gender    → Query GSI ``Profile.by_pool`` (``pool`` = "<city>|<gender>",
  sparse: only visible members carry it). The matching job reads its members this way; no Scan.
- a member's photos                       → Query ``Photo.user_id``
- photos waiting for review in a scope    → Query GSI ``Photo.review_queue`` with hash "pending" and
  ``begins_with(review_sort, "<admin org>/")``; review_sort = "<member org>/#<uploaded at>#<photo id>",
  so a union admin reads exactly their subtree (prefix test, like every scope check).
- a member's blocks (both directions)     → Query ``Block.user_id`` (small: one item per blocked pair side)
- a member's recommendations              → GetItem ``Recommendations.user_id`` (one item, ≤ 30 entries)
- the browse index                        → Query ``BrowseEntry.pk`` newest activity first

The browse index (the design card's "profile browse" Lambda keeps it: the SQS consumer in
events.py rewrites a member's entries whenever their profile, photos, privacy or membership
changes). Each visible member has one denormalised entry per (place scope × interest-or-all):

    pk = "<scope>|<gender>|<band>"               every visible member
    pk = "<scope>|<gender>|<band>|i:<interest>"  one per hobby/sport of the member
    sk = "<last active ISO time>#<user id>"      → newest activity first

    scope = "p:zj" (the province), "c:<city>", "d:<city>/<district>"
    band  = birth year rounded down to 5 (1995 = born 1995–1999)

so gender, city or district, age band and one interest are all *key* conditions: a browse
page is a k-way merge of a handful of Queries (one per band, per interest for any-of), each
reading only items that match. What is left to filter in memory is small and bounded:
exact birth years at the band edges, the other interests of an all-of filter, the caller's
blocks and same-enterprise colleagues. A page spends at most 2 × page-size items
(``logic.browse``); when filtering eats the budget the page comes back short with a cursor,
never with more reads. Nothing depends on the table's size, so 1,000 and 100,000 members
cost the same per page. Entries carry the card (nickname, age, place, cover thumbnail,
interests) so a page needs no further reads. At most 3 × (1 + 10) = 33 entries per member.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class ByPool(GlobalSecondaryIndex["Profile"]):
    class Meta:
        index_name = "by_pool"
        projection = AllProjection()

    pool = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class Profile(Model):
    class Meta(TableMeta):
        table_name = table_name("profiles")

    user_id = UnicodeAttribute(hash_key=True)
    complete = BooleanAttribute(default=False)       # the member filled in a profile
    nickname = UnicodeAttribute(default="")
    gender = UnicodeAttribute(default="")
    birth_year = NumberAttribute(default=0)
    height_cm = NumberAttribute(default=0)
    hometown = UnicodeAttribute(default="")
    education = UnicodeAttribute(default="")
    industry = UnicodeAttribute(default="")
    job = UnicodeAttribute(default="")
    city = UnicodeAttribute(default="")
    district = UnicodeAttribute(default="")
    hobbies = ListAttribute(default=list)  # type: ignore[var-annotated]
    sports = ListAttribute(default=list)  # type: ignore[var-annotated]
    free_tags = ListAttribute(default=list)  # type: ignore[var-annotated]
    intro = UnicodeAttribute(default="")
    seeking = JSONAttribute(default=dict)  # type: ignore[var-annotated]
    org_path = UnicodeAttribute(default="")          # the member's enterprise node
    enterprise_name = UnicodeAttribute(default="")
    hide_from_colleagues = BooleanAttribute(default=False)
    hide_enterprise = BooleanAttribute(default=False)
    paused = BooleanAttribute(default=False)
    # membership, set by identity's MemberActivated / MemberDeactivated (newest event wins)
    active = BooleanAttribute(default=False)
    active_changed_at = UnicodeAttribute(default="")
    last_active_at = UnicodeAttribute(default="")
    cover = UnicodeAttribute(default="")             # thumbnail key of the first approved photo (index consumer)
    card = UnicodeAttribute(default="")              # "nickname\tcover" last announced (ProfileCardChanged)
    photo_slots = NumberAttribute(default=0)         # photos started, not rejected/deleted (≤ 6, conditional)
    # what the index holds for this member now (written by the index consumer only)
    indexed = ListAttribute(default=list)  # type: ignore[var-annotated]  # "pk\tsk"
    pool = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(default="")
    by_pool = ByPool()

    @property
    def visible(self) -> bool:
        return bool(self.complete and self.active and not self.paused)

    @property
    def interests(self) -> list[str]:
        return list(self.hobbies or []) + list(self.sports or [])


class BrowseEntry(Model):
    class Meta(TableMeta):
        table_name = table_name("profile-browse")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    user_id = UnicodeAttribute()
    card = JSONAttribute()  # type: ignore[var-annotated]  # what a browse card shows + filter fields


class ReviewQueue(GlobalSecondaryIndex["Photo"]):
    class Meta:
        index_name = "review_queue"
        projection = AllProjection()

    review_queue = UnicodeAttribute(hash_key=True)
    review_sort = UnicodeAttribute(range_key=True)


class Photo(Model):
    class Meta(TableMeta):
        table_name = table_name("profile-photos")

    user_id = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True)
    # uploading → pending_review → approved | rejected ; uploading → invalid (not an image)
    status = UnicodeAttribute()
    content_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    org_path = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    uploaded_at = UnicodeAttribute(default="")
    thumb_key = UnicodeAttribute(default="")
    display_key = UnicodeAttribute(default="")
    width = NumberAttribute(default=0)
    height = NumberAttribute(default=0)
    reason = UnicodeAttribute(default="")
    reviewed_by = UnicodeAttribute(default="")
    reviewed_at = UnicodeAttribute(default="")
    review_queue = UnicodeAttribute(null=True)       # "pending" while waiting (sparse index)
    review_sort = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_review = ReviewQueue()


class Block(Model):
    class Meta(TableMeta):
        table_name = table_name("profile-blocks")

    user_id = UnicodeAttribute(hash_key=True)
    other = UnicodeAttribute(range_key=True)
    direction = UnicodeAttribute()                   # "blocked" (I blocked them) | "blocked_by"
    at = UnicodeAttribute()


class Recommendations(Model):
    class Meta(TableMeta):
        table_name = table_name("profile-matches")

    user_id = UnicodeAttribute(hash_key=True)
    items = JSONAttribute(default=list)  # type: ignore[var-annotated]  # [{user_id, score, reason, shared}]
    computed_at = UnicodeAttribute(default="")


class LikedBy(GlobalSecondaryIndex["Like"]):
    class Meta:
        index_name = "liked_by"
        projection = KeysOnlyProjection()

    liked = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class Like(Model):
    """互相心动: one item per (liker, liked); the reverse item tells whether it is mutual."""

    class Meta(TableMeta):
        table_name = table_name("profile-likes")

    user_id = UnicodeAttribute(hash_key=True)
    liked = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    liked_by = LikedBy()


# --- reads and writes used by logic (the only DynamoDB code of the feature) ------------------

def get_profile(user_id: str, *, consistent: bool = False) -> Profile | None:
    try:
        return Profile.get(user_id, consistent_read=consistent)
    except Profile.DoesNotExist:
        return None


def get_profiles(user_ids: Iterable[str]) -> dict[str, Profile]:
    ids = list(dict.fromkeys(user_ids))
    return {p.user_id: p for p in Profile.batch_get(ids)} if ids else {}


def query_entries(pk: str, *, after_sk: str | None, limit: int) -> tuple[list[BrowseEntry], bool]:
    """Up to ``limit`` entries of one partition, newest first, after ``after_sk``.
    Returns (entries, exhausted)."""
    condition = BrowseEntry.sk < after_sk if after_sk else None
    result = BrowseEntry.query(pk, range_key_condition=condition, scan_index_forward=False, limit=limit)
    entries = list(result)
    return entries, result.last_evaluated_key is None


def rewrite_entries(remove: Iterable[tuple[str, str]], put: Iterable[BrowseEntry]) -> None:
    put = list(put)
    keep = {(e.pk, e.sk) for e in put}
    with BrowseEntry.batch_write() as batch:
        for pk, sk in remove:
            if (pk, sk) not in keep:
                batch.delete(BrowseEntry(pk, sk))
        for entry in put:
            batch.save(entry)


def blocks_of(user_id: str) -> set[str]:
    return {b.other for b in Block.query(user_id)}


def save_block_pair(blocker: str, blocked: str, at: str) -> None:
    with Block.batch_write() as batch:
        batch.save(Block(blocker, blocked, direction="blocked", at=at))
        batch.save(Block(blocked, blocker, direction="blocked_by", at=at))


def get_recommendations(user_id: str) -> Recommendations | None:
    try:
        return Recommendations.get(user_id)
    except Recommendations.DoesNotExist:
        return None


def get_many_recommendations(user_ids: Iterable[str]) -> dict[str, Recommendations]:
    ids = list(dict.fromkeys(user_ids))
    return {r.user_id: r for r in Recommendations.batch_get(ids)} if ids else {}


def save_recommendations(rows: Iterable[Recommendations]) -> None:
    with Recommendations.batch_write() as batch:
        for row in rows:
            batch.save(row)


def pool_members(pool: str) -> Iterable[Profile]:
    return Profile.by_pool.query(pool)


def photos_of(user_id: str) -> list[Photo]:
    return list(Photo.query(user_id))


def get_photo(user_id: str, photo_id: str) -> Photo | None:
    try:
        return Photo.get(user_id, photo_id, consistent_read=True)
    except Photo.DoesNotExist:
        return None


def pending_photos(scope: str, *, limit: int, start: dict[str, Any] | None) -> Any:
    prefix = "" if scope == "" else scope + "/"
    return Photo.by_review.query("pending", Photo.review_sort.startswith(prefix), limit=limit,
                                 last_evaluated_key=start)


def like_exists(user_id: str, liked: str) -> bool:
    try:
        Like.get(user_id, liked)
        return True
    except Like.DoesNotExist:
        return False
