"""Community union service centres, their rooms (reading rooms, mediation rooms, outdoor-worker
stations 户外劳动者服务站点, activity rooms …), visits and the monthly figures.

Access patterns:
- a centre by id                                   → GetItem ``Centre.centre_id``
- a centre's rooms                                 → Query ``CentreRoom`` (centre_id)
- rooms near a person                              → Query ``CentreNearby`` per geohash cell (cell);
  one item per room, GCJ-02 coordinates; the 3×3 cells around the person, rings further only if needed
- "has this person visited this room today?"       → conditional PutItem ``CentreVisit`` ("<room>#<day>", user)
- "was this visit / case counted already?"          → conditional PutItem ``CentreCounted`` (key) in the
  same transaction as the figure increments
- an org node's figures for a month                 → GetItem ``CentreFigure`` (org_path, month)
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class Centre(Model):
    class Meta(TableMeta):
        table_name = table_name("centres")

    centre_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    lat = NumberAttribute()                    # GCJ-02
    lng = NumberAttribute()                    # GCJ-02
    hours = UnicodeAttribute(default="")
    photos: ListAttribute[str] = ListAttribute(default=list)
    created_at = UnicodeAttribute()


class CentreRoom(Model):
    class Meta(TableMeta):
        table_name = table_name("centre-rooms")

    centre_id = UnicodeAttribute(hash_key=True)
    room_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    hours = UnicodeAttribute(default="")
    amenities: ListAttribute[str] = ListAttribute(default=list)
    photos: ListAttribute[str] = ListAttribute(default=list)
    lat = NumberAttribute()
    lng = NumberAttribute()
    cell = UnicodeAttribute()
    closed = BooleanAttribute(default=False)
    closed_note = UnicodeAttribute(null=True)
    org_path = UnicodeAttribute()


class CentreNearby(Model):
    """The nearby index: one item per room under its geohash cell."""

    class Meta(TableMeta):
        table_name = table_name("centre-nearby")

    cell = UnicodeAttribute(hash_key=True)
    room_key = UnicodeAttribute(range_key=True)      # "<centre id>#<room id>"
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    centre_name = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    closed = BooleanAttribute(default=False)
    hours = UnicodeAttribute(default="")
    amenities: ListAttribute[str] = ListAttribute(default=list)


class CentreVisit(Model):
    class Meta(TableMeta):
        table_name = table_name("centre-visits")

    room_day = UnicodeAttribute(hash_key=True)       # "<centre id>#<room id>#<yyyy-mm-dd Asia/Shanghai>"
    user_id = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    by = UnicodeAttribute()                          # scan | staff


class CentreCounted(Model):
    class Meta(TableMeta):
        table_name = table_name("centre-counted")

    key = UnicodeAttribute(hash_key=True)            # "visit#<room day>#<user>" | "mediation#<case>"
    at = UnicodeAttribute()


class CentreFigure(Model):
    class Meta(TableMeta):
        table_name = table_name("centre-figures")

    org_path = UnicodeAttribute(hash_key=True)
    month = UnicodeAttribute(range_key=True)         # "2026-11" (Asia/Shanghai)
    people_served = NumberAttribute(default=0)
    activities = NumberAttribute(default=0)
    mediations = NumberAttribute(default=0)
