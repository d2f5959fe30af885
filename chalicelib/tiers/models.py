"""光年间 member points and tiers.

Access patterns:
- a member's points, ban flag and org                → GetItem ``TierBalance.user_id`` (with the tier
  definitions of their city and province in ONE BatchGetItem: ``member_tier``)
- "was this event already counted?"                   → conditional PutItem ``TierLedgerEntry``
  (user, "<event id>#<kind>") in the SAME transaction as the balance and the daily cap
- a member's points history, newest first             → Query LSI ``TierLedgerEntry.by_time`` (user, at)
- today's count of one kind of action (the daily cap) → conditional UpdateItem ``TierCounter``
  ("cap#<user>#<kind>#<day>"), in that transaction
- what a post earned its author, and whether it was removed
                                                      → ``TierCounter`` ("post#<post id>"), in that transaction
- the tier definitions in force for a province / city → GetItem ``TierConfig`` (org, "current")
- their history of changes, newest first              → Query ``TierConfig`` (org, begins_with "v#")
Nothing is Scanned.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name

CURRENT = "current"


class TierBalance(Model):
    class Meta(TableMeta):
        table_name = table_name("tier-balances")

    user_id = UnicodeAttribute(hash_key=True)
    points = NumberAttribute(default=0)
    org_path = UnicodeAttribute(null=True)
    banned = BooleanAttribute(null=True)
    banned_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class LedgerByTime(LocalSecondaryIndex["TierLedgerEntry"]):
    class Meta:
        index_name = "by_time"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)


class TierLedgerEntry(Model):
    """One counted event (or a take-back) of one member; its key is the event id."""

    class Meta(TableMeta):
        table_name = table_name("tier-ledger")

    user_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)      # "<event id>#<kind>"
    kind = UnicodeAttribute()                     # profile · photo · attend · liked · active · ban · removed
    points = NumberAttribute()                    # negative for a take-back
    at = UnicodeAttribute(null=True)              # "<event time>#<event id>" (history order); none for an
                                                  # event seen that earned nothing (kept out of the history)
    ref = UnicodeAttribute(null=True)             # the post, photo or booking it came from
    by_time = LedgerByTime()


class TierCounter(Model):
    class Meta(TableMeta):
        table_name = table_name("tier-counters")

    key = UnicodeAttribute(hash_key=True)         # "cap#<user>#<kind>#<day|ever>" | "post#<post id>"
    tally = NumberAttribute(null=True)            # cap: actions counted
    points = NumberAttribute(null=True)           # post: points its likes earned
    author = UnicodeAttribute(null=True)
    removed = BooleanAttribute(null=True)
    expires = TTLAttribute(null=True)


class TierConfig(Model):
    """The tier definitions of a province or city: the one in force ("current") and every
    version staff saved ("v#<000001>")."""

    class Meta(TableMeta):
        table_name = table_name("tier-configs")

    org_path = UnicodeAttribute(hash_key=True)
    version_key = UnicodeAttribute(range_key=True)
    version = NumberAttribute()
    tiers = JSONAttribute()                       # [{name, min_points, extra_first_messages, see_who_liked}]
    note = UnicodeAttribute(default="")
    changed_by = UnicodeAttribute()
    changed_by_name = UnicodeAttribute(default="")
    changed_at = UnicodeAttribute()
