"""Community union service centres, their rooms (reading rooms, mediation rooms, outdoor-worker
stations 户外劳动者服务站点, activity rooms …), visits and the monthly figures.

Access patterns:
- a centre by id                                   → GetItem ``Centre.centre_id``
- a centre's rooms                                 → Query ``CentreRoom`` (centre_id)
- rooms near a person                              → BatchGetItem ``CentreCell`` (how many rooms a cell
  holds, at every level) and Query ``CentreNearby`` per cell (one item per room and level, GCJ-02):
  a best-first walk down the levels, reading only small cells near the person
- "has this person visited this room today?"       → conditional PutItem ``CentreVisit`` ("<room>#<day>", user)
- "was this visit / case counted already?"          → conditional PutItem ``CentreCounted`` (key) in the
  same transaction as the figure increments
- an org node's figures for a month                 → GetItem ``CentreFigure`` (org_path, month)
- a reading room (职工书屋) by id                      → GetItem ``ReadingRoom.rr_id``
- reading rooms of an org subtree (city and below)  → Query GSI ``reading_by_city`` (city, begins_with "<org>/")
- an org node's reading figures for a year: totals, → Query ``ReadingFigure`` (org_path, begins_with "<year>")
  and one row per room under it (bounded by the page); rooms per level → GetItem (org_path, "rooms")
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
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


class CentreCell(Model):
    """How many rooms a cell of the nearby index holds (one item per cell and level), so the
    search splits a crowded cell instead of reading it whole."""

    class Meta(TableMeta):
        table_name = table_name("centre-cells")

    cell = UnicodeAttribute(hash_key=True)
    stations = NumberAttribute(default=0)


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
    activities = NumberAttribute(default=0)      # closed sessions of activities hosted in the centre's rooms
    participants = NumberAttribute(default=0)    # people who attended them (checked in)
    mediations = NumberAttribute(default=0)


class ReadingByCity(GlobalSecondaryIndex["ReadingRoom"]):
    class Meta:
        index_name = "reading_by_city"
        projection = AllProjection()

    city = UnicodeAttribute(hash_key=True)            # the first two levels of the org path ("zj/hz")
    org_key = UnicodeAttribute(range_key=True)        # "<org_path>/#<rr_id>"


class ReadingRoom(Model):
    """A 职工书屋 of the registry: national, provincial, municipal or enterprise level."""

    class Meta(TableMeta):
        table_name = table_name("centre-reading-rooms")

    rr_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()
    city = UnicodeAttribute()
    org_key = UnicodeAttribute()
    name = UnicodeAttribute()
    level = UnicodeAttribute()                        # national | provincial | municipal | enterprise
    host_org_name = UnicodeAttribute()                # the organisation hosting it (an enterprise, a library …)
    hours = UnicodeAttribute(default="")
    book_count = NumberAttribute(default=0)
    address = UnicodeAttribute(default="")
    lat = NumberAttribute()                           # GCJ-02
    lng = NumberAttribute()
    created_at = UnicodeAttribute()
    by_city = ReadingByCity()


class ReadingFigure(Model):
    """Reading figures of an org node: ``key`` = "<year>" (the node's totals), "<year>#<rr_id>" (one
    room under the node), or "rooms" (rooms registered under it, per level)."""

    class Meta(TableMeta):
        table_name = table_name("centre-reading-figures")

    org_path = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    events = NumberAttribute(default=0)               # reading-event sessions held
    participants = NumberAttribute(default=0)         # people who attended them
    room_name = UnicodeAttribute(null=True)
    level = UnicodeAttribute(null=True)
    national = NumberAttribute(default=0)
    provincial = NumberAttribute(default=0)
    municipal = NumberAttribute(default=0)
    enterprise = NumberAttribute(default=0)
