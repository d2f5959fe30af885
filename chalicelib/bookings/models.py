"""Bookings: one engine for venue time slots and activity sign-ups.

Venues (courts, gyms, meeting rooms, 职工之家, 恋爱体验馆) are booked by time slot; activities
(union events, 光年间 联谊, party-building, 职工书屋 reading, 暑期托班, 免费体检, classes, the
Spring Festival bus) have sessions people sign up for. Both produce an ``BookingEntry`` — a
person's reservation — so check-in codes, no-shows, reminders and figures are one mechanism.

Access patterns:
- venue by id                                         → GetItem ``BookingVenue.venue_id``
- venues an org node owns                             → Query GSI ``venues_by_owner`` (``org_path``)
- venues a worker may use (audience = an ancestor)    → Query GSI ``venues_by_audience`` per ancestor node of
                                                        the worker, nearest first; one page reads at most the
                                                        page size; the cursor remembers (ancestor, position)
- holidays and 调休 days of a date                    → GetItem ``BookingCalendarDay(year, day)``
- a year's calendar                                    → Query ``BookingCalendarDay`` on ``year``
- taken places of a venue's slots for a day / week    → Query ``BookingSlot`` on ``venue_id`` between
                                                        ``<day>T00:00`` and ``<last day>T24:00``, ``Limit`` =
                                                        the number of slots the opening hours allow
- activity by id / activities an org runs             → GetItem ``BookingActivity`` / Query GSI ``activities_by_owner``
- activities a worker may see (audience = an ancestor) → Query GSI ``activities_by_audience`` per ancestor node
- sessions of an activity, by start                   → Query GSI ``sessions_by_activity``
- sessions that ended and are not yet closed          → Query sparse GSI ``sessions_to_close`` (``close_day``)
- sessions with a freed seat and a waitlist           → Query sparse GSI ``sessions_to_advance``
- a person's entries, newest first                    → Query GSI ``entries_by_user`` (``user_id``, ``starts_at``)
- entries of a venue or session (attendance)          → Query GSI ``entries_by_resource``
- the head of a session's waitlist for a group        → Query sparse GSI ``waitlist`` (``wait_key``
                                                        = ``<session>#<group>``, ``wait_seq``), ``Limit`` 1
- offers past their deadline                          → Query sparse GSI ``offers_by_expiry`` (``offer_bucket``)
- entries ended without check-in (no-show sweep)      → Query sparse GSI ``entries_due`` (``due_day``, ``ends_at``)
- reminders for tomorrow's entries                    → Query sparse GSI ``entries_to_remind`` (``remind_day``)
- a person's quota counter for a venue and day/week   → GetItem / conditional ADD ``BookingCounter``
- a person's recent no-shows                          → Query ``BookingStrike`` on ``user_id``, newest first, ``Limit``
                                                        = the rule's count
- figures of an org node for a period                 → Query ``BookingFigure`` on ``org_path`` + begins_with period

Contention: a slot's ``taken``, a session's ``taken``/``held[group]``/``waiting[group]`` and
a person's quota counters move only inside conditional transactions that also write the
entry, so a place is never given twice and a quota never exceeded. An entry's status moves
only by conditional updates on its current status (a check-in code is used once; an offer is
accepted, expired or declined once).
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.platform.db import TableMeta, table_name


def transaction() -> TransactWrite:
    """A DynamoDB transaction on this feature's tables, on the models' own cached connection."""
    return TransactWrite(connection=BookingEntry._get_connection().connection)


# --- venues --------------------------------------------------------------------------------------

class VenuesByOwner(GlobalSecondaryIndex["BookingVenue"]):
    class Meta:
        index_name = "venues_by_owner"
        projection = AllProjection()

    org_path = UnicodeAttribute(hash_key=True)
    venue_id = UnicodeAttribute(range_key=True)


class VenuesByAudience(GlobalSecondaryIndex["BookingVenue"]):
    class Meta:
        index_name = "venues_by_audience"
        projection = AllProjection()

    audience_org = UnicodeAttribute(hash_key=True)
    venue_id = UnicodeAttribute(range_key=True)


class BookingVenue(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-venues")

    venue_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()                 # the node that owns and runs it
    audience_org = UnicodeAttribute()             # whose members may book: this node and below
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    capacity = NumberAttribute()                  # places per slot (exclusive: the largest party)
    exclusive = BooleanAttribute(default=True)    # one booking takes the whole slot (a court, a room)
    location = UnicodeAttribute(default="")
    photos: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    facilities: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    hours = MapAttribute(default=dict)  # type: ignore[var-annotated]  # "1".."7" → ["08:00", "21:00"]
    holiday_hours: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    closures = ListAttribute(of=MapAttribute, default=list)  # type: ignore[arg-type]  # {from, to, reason}
    rules = MapAttribute(default=dict)  # type: ignore[var-annotated]
    glnj_only = BooleanAttribute(default=False)   # 光年间 (恋爱体验馆): active 光年间 members only
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    by_owner = VenuesByOwner()
    by_audience = VenuesByAudience()


class BookingCalendarDay(Model):
    """China's statutory holidays and make-up working days (调休), loaded yearly by staff."""

    class Meta(TableMeta):
        table_name = table_name("booking-calendar")

    year = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)        # ISO date
    kind = UnicodeAttribute()                     # holiday | workday
    name = UnicodeAttribute()


class BookingSlot(Model):
    """Taken places of one slot; created by the first booking, never deleted."""

    class Meta(TableMeta):
        table_name = table_name("booking-slots")

    venue_id = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)       # "<date>T<HH:MM>" in Asia/Shanghai
    taken = NumberAttribute(default=0)


# --- activities and sessions ---------------------------------------------------------------------

class ActivitiesByOwner(GlobalSecondaryIndex["BookingActivity"]):
    class Meta:
        index_name = "activities_by_owner"
        projection = AllProjection()

    org_path = UnicodeAttribute(hash_key=True)
    owner_key = UnicodeAttribute(range_key=True)  # "<last session's end>#<activity id>"


class ActivitiesByAudience(GlobalSecondaryIndex["BookingActivity"]):
    class Meta:
        index_name = "activities_by_audience"
        projection = AllProjection()

    audience_org = UnicodeAttribute(hash_key=True)
    owner_key = UnicodeAttribute(range_key=True)


class BookingActivity(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-activities")

    activity_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()
    owner_key = UnicodeAttribute()
    audience_org = UnicodeAttribute()
    title = UnicodeAttribute()
    kind = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    location = UnicodeAttribute(default="")
    audience = MapAttribute(default=dict)  # type: ignore[var-annotated]  # {org, members_only, glnj_only}
    questions = ListAttribute(of=MapAttribute, default=list)  # type: ignore[arg-type]
    group_by = UnicodeAttribute(null=True)        # "gender" when quotas apply
    quotas = MapAttribute(default=dict)  # type: ignore[var-annotated]  # group → seats per session
    fee_fen = NumberAttribute(default=0)
    seat_numbers = BooleanAttribute(default=False)
    signup_opens_at = UnicodeAttribute()
    signup_closes_at = UnicodeAttribute(null=True)
    offer_minutes = NumberAttribute(default=30)
    waitlist = BooleanAttribute(default=True)     # full sessions take a waitlist, or refuse
    early_access_tier = NumberAttribute(null=True)     # 光年间 tier level (tiers) that may sign up early
    early_access_opens_at = UnicodeAttribute(null=True)
    host = UnicodeAttribute(null=True)            # the centre room / reading room it is held in
    sessions = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    by_owner = ActivitiesByOwner()
    by_audience = ActivitiesByAudience()


class SessionsByActivity(GlobalSecondaryIndex["BookingSession"]):
    class Meta:
        index_name = "sessions_by_activity"
        projection = AllProjection()

    activity_id = UnicodeAttribute(hash_key=True)
    starts_at = UnicodeAttribute(range_key=True)


class SessionsToClose(GlobalSecondaryIndex["BookingSession"]):
    class Meta:
        index_name = "sessions_to_close"
        projection = KeysOnlyProjection()

    close_day = UnicodeAttribute(hash_key=True)   # the Shanghai date it ends; removed once closed
    ends_at = UnicodeAttribute(range_key=True)


class SessionsToAdvance(GlobalSecondaryIndex["BookingSession"]):
    class Meta:
        index_name = "sessions_to_advance"
        projection = KeysOnlyProjection()

    attention = UnicodeAttribute(hash_key=True)   # "advance" while a freed seat may be owed to the waitlist
    session_id = UnicodeAttribute(range_key=True)


class BookingSession(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-sessions")

    session_id = UnicodeAttribute(hash_key=True)
    activity_id = UnicodeAttribute()
    org_path = UnicodeAttribute()
    title = UnicodeAttribute()
    kind = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    capacity = NumberAttribute()
    taken = NumberAttribute(default=0)            # confirmed + offered (held) seats
    held = MapAttribute(default=dict)  # type: ignore[var-annotated]      # group → seats held
    waiting = MapAttribute(default=dict)  # type: ignore[var-annotated]   # group → people waiting
    wait_seq = NumberAttribute(default=0)         # sign-up order of the waitlist
    checked_in = NumberAttribute(default=0)
    status = UnicodeAttribute(default="open")     # open | closed | cancelled
    close_day = UnicodeAttribute(null=True)
    attention = UnicodeAttribute(null=True)
    signups = NumberAttribute(null=True)          # figures written when the session is closed
    attended = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)
    host = UnicodeAttribute(null=True)            # the activity's host, carried into the closing event
    by_activity = SessionsByActivity()
    to_close = SessionsToClose()
    to_advance = SessionsToAdvance()


class BookingSeat(Model):
    """A numbered seat (the Spring Festival bus): one item per taken seat."""

    class Meta(TableMeta):
        table_name = table_name("booking-seats")

    session_id = UnicodeAttribute(hash_key=True)
    seat_no = NumberAttribute(range_key=True)
    entry_id = UnicodeAttribute()


# --- entries: a person's reservation -------------------------------------------------------------

class EntriesByUser(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "entries_by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    starts_at = UnicodeAttribute(range_key=True)


class EntriesByResource(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "entries_by_resource"
        projection = AllProjection()

    resource_id = UnicodeAttribute(hash_key=True)
    resource_key = UnicodeAttribute(range_key=True)  # "<starts_at>#<entry id>"


class Waitlist(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "waitlist"
        projection = KeysOnlyProjection()

    wait_key = UnicodeAttribute(hash_key=True)    # "<session>#<group>" while waiting
    wait_seq = NumberAttribute(range_key=True)


class OffersByExpiry(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "offers_by_expiry"
        projection = KeysOnlyProjection()

    offer_bucket = UnicodeAttribute(hash_key=True)  # "offer" while an offer is open
    offer_expires = UnicodeAttribute(range_key=True)


class EntriesDue(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "entries_due"
        projection = KeysOnlyProjection()

    due_day = UnicodeAttribute(hash_key=True)     # the Shanghai date it ends, while a check-in is owed
    ends_at = UnicodeAttribute(range_key=True)


class EntriesToRemind(GlobalSecondaryIndex["BookingEntry"]):
    class Meta:
        index_name = "entries_to_remind"
        projection = KeysOnlyProjection()

    remind_day = UnicodeAttribute(hash_key=True)  # the Shanghai date before it starts, until reminded
    starts_at = UnicodeAttribute(range_key=True)


class BookingEntry(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-entries")

    entry_id = UnicodeAttribute(hash_key=True)    # one per (venue slot | session, person)
    kind = UnicodeAttribute()                     # venue | session
    resource_id = UnicodeAttribute()              # venue id or session id
    resource_key = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)       # the activity of a session
    org_path = UnicodeAttribute()                 # the owner: whose staff check people in
    category = UnicodeAttribute()                 # venue kind or activity kind (for figures)
    title = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_org = UnicodeAttribute(default="")
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    status = UnicodeAttribute()   # pending|confirmed|waiting|offered|checked_in|no_show|cancelled|expired|rejected
    places = NumberAttribute(default=1)
    group = UnicodeAttribute(null=True)
    seat_no = NumberAttribute(null=True)
    companions: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    answers = MapAttribute(default=dict)  # type: ignore[var-annotated]
    counters: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    fee_fen = NumberAttribute(default=0)
    remind = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    checked_in_at = UnicodeAttribute(null=True)
    checked_in_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    wait_key = UnicodeAttribute(null=True)
    wait_seq = NumberAttribute(null=True)
    offer_bucket = UnicodeAttribute(null=True)
    offer_expires = UnicodeAttribute(null=True)
    due_day = UnicodeAttribute(null=True)
    remind_day = UnicodeAttribute(null=True)
    held_for = UnicodeAttribute(null=True)        # a slot held by staff for another feature's work ("mediation:<case>")
    by_user = EntriesByUser()
    by_resource = EntriesByResource()
    waitlist = Waitlist()
    offers = OffersByExpiry()
    due = EntriesDue()
    to_remind = EntriesToRemind()


# --- per person: quota counters and no-show strikes (one table) ----------------------------------

class BookingCounter(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-people")

    user_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)   # "c#<venue>#d#<date>" / "c#<venue>#w#<iso week>"
    used = NumberAttribute(default=0)
    expires = TTLAttribute(null=True)


class BookingStrike(Model):
    class Meta(TableMeta):
        table_name = table_name("booking-people")

    user_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)   # "s#<time>#<entry id>"
    entry_id = UnicodeAttribute()
    title = UnicodeAttribute(default="")
    expires = TTLAttribute(null=True)


# --- figures -------------------------------------------------------------------------------------

class BookingFigure(Model):
    """Roll-up per org node (and each ancestor), period (month, year) and category.
    ``org_path = "#applied"`` items record which closed sessions were counted (idempotency)."""

    class Meta(TableMeta):
        table_name = table_name("booking-figures")

    org_path = UnicodeAttribute(hash_key=True)
    figure_key = UnicodeAttribute(range_key=True)  # "<period>#<category>", e.g. "2026-07#reading"
    sessions = NumberAttribute(default=0)
    signups = NumberAttribute(default=0)
    attended = NumberAttribute(default=0)
    no_shows = NumberAttribute(default=0)


def one_page(model: type[Model], results: Any) -> tuple[list[Any], dict[str, Any] | None]:
    """Exactly one DynamoDB page of a Query (its ``Limit`` is the page size)."""
    page = next(results.page_iter, None)
    if page is None:
        return [], None
    items = [model.from_raw_data(raw) for raw in page.get("Items", [])]
    return items, results.page_iter.last_evaluated_key
