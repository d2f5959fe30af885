"""Dormitories: buildings, rooms, beds (the unit of occupancy), worker dorm profiles,
tenancies (one per worker), applications, enterprise rules and the worker's notices.

Access patterns:
- building by id                                              → GetItem ``DormBuilding.building_id``
- buildings an enterprise's workers may use (own + park)      → Query ``BuildingAccess`` on ``enterprise_path``
- may this worker's enterprise use that building?             → GetItem ``BuildingAccess(enterprise, building)``
- rooms of a building, by number                              → Query ``DormRoom`` on ``building_id``
- rooms by id (for a page of free beds)                       → BatchGet ``DormRoom``
- beds of a room                                              → Query ``DormBed`` + begins_with ``"<room>#"``
- free beds of a building for one gender, by type/floor/room  → Query sparse GSI ``vacancy`` (only free beds carry
                                                                ``vacancy_pk``), ``begins_with(type)``; facilities as a
                                                                filter on a page whose ``Limit`` is the page size
- a worker's dorm profile / current bed or application        → GetItem ``DormProfile`` / ``Tenancy`` on ``user_id``
- application by id                                           → GetItem ``DormApplication``
- applications by status inside a scope, oldest first         → Query GSI ``by_status`` (``status``, begins_with
                                                                ``"<org path>"`` on ``scope_key``)
- holds past their deadline                                   → Query sparse GSI ``holds_by_expiry`` (``hold_bucket``
                                                                = "hold" while a bed is held, ``hold_expires`` <= now)
- an enterprise's rules                                       → GetItem ``DormRules.org_path``
- a worker's notices live in their inbox (the inbox feature), read through ``inbox.logic.page``

Contention: a bed moves free → held → occupied → free only by conditional updates on its
``status``; a worker's single ``Tenancy`` item is created with ``attribute_not_exists``
in the same transaction, so a bed is never given twice and a worker never holds two.
Decisions on an application are conditional on its status and ``version``.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.platform.db import TableMeta, table_name


def transaction() -> TransactWrite:
    """A DynamoDB transaction on this feature's tables, on the models' own cached connection."""
    return TransactWrite(connection=DormBed._get_connection().connection)


class DormBuilding(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-buildings")

    building_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()                  # the enterprise (or park) node that runs it
    name = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    shared_with = UnicodeSetAttribute(null=True)   # other enterprise nodes whose workers may use it
    rooms = NumberAttribute(default=0)
    beds = NumberAttribute(default=0)
    created_at = UnicodeAttribute()


class BuildingAccess(Model):
    """One item per (enterprise whose workers may live there, building)."""

    class Meta(TableMeta):
        table_name = table_name("dorm-access")

    enterprise_path = UnicodeAttribute(hash_key=True)
    building_id = UnicodeAttribute(range_key=True)
    building_name = UnicodeAttribute()
    owner_path = UnicodeAttribute()


class DormRoom(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-rooms")

    building_id = UnicodeAttribute(hash_key=True)
    room_no = UnicodeAttribute(range_key=True)
    org_path = UnicodeAttribute()
    room_type = UnicodeAttribute()
    capacity = NumberAttribute()
    gender = UnicodeAttribute()
    floor = NumberAttribute()
    facilities: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    rent_fen = NumberAttribute(default=0)
    photos: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    occupied = NumberAttribute(default=0)
    # bed number → what that resident chose to share ({hometown, workshop, shift}); never a name
    roommates = MapAttribute(default=dict)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute()


class Vacancy(GlobalSecondaryIndex["DormBed"]):
    class Meta:
        index_name = "vacancy"
        projection = AllProjection()

    vacancy_pk = UnicodeAttribute(hash_key=True)   # "<building>#<gender>"
    vacancy_sk = UnicodeAttribute(range_key=True)  # "<type>#<floor:03>#<room>#<bed:02>"


class DormBed(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-beds")

    building_id = UnicodeAttribute(hash_key=True)
    bed_key = UnicodeAttribute(range_key=True)     # "<room>#<bed:02>"
    room_no = UnicodeAttribute()
    bed_no = NumberAttribute()
    org_path = UnicodeAttribute()
    building_name = UnicodeAttribute(default="")
    gender = UnicodeAttribute()
    room_type = UnicodeAttribute()
    floor = NumberAttribute()
    facilities: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    rent_fen = NumberAttribute(default=0)
    status = UnicodeAttribute(default="free")      # free | held | occupied
    application_id = UnicodeAttribute(null=True)
    occupant_id = UnicodeAttribute(null=True)
    since = UnicodeAttribute(null=True)
    vacancy_pk = UnicodeAttribute(null=True)
    vacancy_sk = UnicodeAttribute(null=True)
    vacancy = Vacancy()


class DormProfile(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-profiles")

    user_id = UnicodeAttribute(hash_key=True)
    gender = UnicodeAttribute()
    hometown = UnicodeAttribute(null=True)
    workshop = UnicodeAttribute(null=True)
    job_type = UnicodeAttribute(null=True)
    shift = UnicodeAttribute(null=True)
    entry_date = UnicodeAttribute(null=True)       # ISO date, Asia/Shanghai
    share_hometown = UnicodeAttribute(default="no")
    share_workshop = UnicodeAttribute(default="no")
    share_shift = UnicodeAttribute(default="no")
    updated_at = UnicodeAttribute()


class Tenancy(Model):
    """A worker's one bed or application at a time."""

    class Meta(TableMeta):
        table_name = table_name("dorm-tenancies")

    user_id = UnicodeAttribute(hash_key=True)
    application_id = UnicodeAttribute()
    building_id = UnicodeAttribute()
    bed_key = UnicodeAttribute()
    status = UnicodeAttribute()                    # holding | living
    since = UnicodeAttribute()


class ByStatus(GlobalSecondaryIndex["DormApplication"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    scope_key = UnicodeAttribute(range_key=True)   # "<building org>#<created_at>#<id>"


class HoldsByExpiry(GlobalSecondaryIndex["DormApplication"]):
    class Meta:
        index_name = "holds_by_expiry"
        projection = AllProjection()

    hold_bucket = UnicodeAttribute(hash_key=True)  # "hold" while the bed is held, absent otherwise
    hold_expires = UnicodeAttribute(range_key=True)


class StepRecord(MapAttribute[str, Any]):
    at = UnicodeAttribute()
    step = UnicodeAttribute()
    actor = UnicodeAttribute()
    note = UnicodeAttribute(null=True)


class DormApplication(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-applications")

    application_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    worker_org = UnicodeAttribute()
    org_path = UnicodeAttribute()                  # the building's operator: whose admins decide
    building_id = UnicodeAttribute()
    building_name = UnicodeAttribute(default="")
    room_no = UnicodeAttribute()
    bed_no = NumberAttribute()
    status = UnicodeAttribute()   # submitted | pending | approved | checked_in | checked_out | rejected | expired
    scope_key = UnicodeAttribute()
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    auto_approved = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    check_in_date = UnicodeAttribute(null=True)
    checked_in_at = UnicodeAttribute(null=True)
    checked_out_at = UnicodeAttribute(null=True)
    hold_bucket = UnicodeAttribute(null=True)
    hold_expires = UnicodeAttribute(null=True)
    steps = ListAttribute(of=StepRecord, default=list)  # type: ignore[arg-type]
    version = VersionAttribute()
    by_status = ByStatus()
    holds_by_expiry = HoldsByExpiry()


class DormRules(Model):
    class Meta(TableMeta):
        table_name = table_name("dorm-rules")

    org_path = UnicodeAttribute(hash_key=True)
    auto_approve_new_hire_days = NumberAttribute(null=True)  # None: every application goes to the admin
    hold_hours = NumberAttribute(default=24)
    checkin_hours = NumberAttribute(default=72)
    updated_at = UnicodeAttribute()


def one_page(model: type[Model], results: Any) -> tuple[list[Any], dict[str, Any] | None]:
    """Exactly one DynamoDB page of a Query (its ``Limit`` is the page size), so the items
    read are bounded by the page size even when a filter drops some of them."""
    page = next(results.page_iter, None)
    if page is None:
        return [], None
    items = [model.from_raw_data(raw) for raw in page.get("Items", [])]
    return items, results.page_iter.last_evaluated_key


def rooms_by_id(building_id: str, room_nos: list[str]) -> dict[str, DormRoom]:
    """BatchGet the rooms of one page of beds."""
    keys = [(building_id, no) for no in dict.fromkeys(room_nos)]
    return {room.room_no: room for room in DormRoom.batch_get(keys)} if keys else {}
