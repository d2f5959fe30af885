"""Canteens of an enterprise or park, their dishes, daily menus per meal, ratings, favourites,
subscriptions to "tomorrow's menu" and the worker's notices.

Access patterns:
- canteen by id                                      → GetItem ``Canteen.canteen_id``
- canteens an enterprise's workers may use           → Query ``CanteenAccess`` on ``enterprise_path``
- may this worker's enterprise use that canteen?     → GetItem ``CanteenAccess(enterprise, canteen)``
- dishes of a canteen / dishes by id                 → Query / BatchGet ``Dish`` (``canteen_id``, ``dish_id``)
- one day's menus (≤ 4 meals)                        → Query ``Menu`` ``canteen_id`` + begins_with ``"<date>#"``
- a week's menus (≤ 28 items)                        → Query ``Menu`` ``canteen_id`` + between two dates
- menus due to be published (drafts whose canteen's hour has come, and published menus whose
  subscribers are not yet told)                      → Query sparse GSI ``due`` (``due_bucket``, ``publish_at`` <= now)
- a worker's rating of a dish at one meal            → GetItem ``DishRating(canteen#dish, date#meal#user)``
- a worker's favourites                              → Query ``Favourite`` on ``user_id``
- subscribers of a canteen                           → Query ``Subscription`` on ``canteen_id``
- a worker's notices live in their inbox (the inbox feature)
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.platform.db import TableMeta, table_name


class Canteen(Model):
    class Meta(TableMeta):
        table_name = table_name("canteens")

    canteen_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()
    name = UnicodeAttribute()
    location = UnicodeAttribute(default="")
    shared_with = UnicodeSetAttribute(null=True)
    publish_hour = NumberAttribute(default=17)  # Asia/Shanghai hour the day before
    created_at = UnicodeAttribute()


class CanteenAccess(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-access")

    enterprise_path = UnicodeAttribute(hash_key=True)
    canteen_id = UnicodeAttribute(range_key=True)
    canteen_name = UnicodeAttribute()
    owner_path = UnicodeAttribute()


class Dish(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-dishes")

    canteen_id = UnicodeAttribute(hash_key=True)
    dish_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    price_fen = NumberAttribute()
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    allergens: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    photos: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute()


class DishLine(MapAttribute[str, Any]):
    """A dish as served at one meal (a snapshot: later price edits do not rewrite past menus)."""

    dish_id = UnicodeAttribute()
    name = UnicodeAttribute()
    price_fen = NumberAttribute()
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    allergens: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    photo = UnicodeAttribute(null=True)


class Due(GlobalSecondaryIndex["Menu"]):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)   # "due" until published and announced
    publish_at = UnicodeAttribute(range_key=True)


class Menu(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-menus")

    canteen_id = UnicodeAttribute(hash_key=True)
    menu_key = UnicodeAttribute(range_key=True)    # "<date>#<meal order><meal>", e.g. "2026-12-01#2lunch"
    org_path = UnicodeAttribute()
    day = UnicodeAttribute()
    meal = UnicodeAttribute()
    status = UnicodeAttribute(default="draft")     # draft | published
    dishes = ListAttribute(of=DishLine, default=list)  # type: ignore[arg-type]
    publish_at = UnicodeAttribute()
    due_bucket = UnicodeAttribute(null=True)
    published_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()
    due = Due()


class DishRating(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-ratings")

    dish_key = UnicodeAttribute(hash_key=True)     # "<canteen>#<dish>"
    rating_key = UnicodeAttribute(range_key=True)  # "<date>#<meal>#<user>"
    stars = NumberAttribute()
    at = UnicodeAttribute()


class Favourite(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-favourites")

    user_id = UnicodeAttribute(hash_key=True)
    favourite_key = UnicodeAttribute(range_key=True)  # "<canteen>#<dish>"
    canteen_id = UnicodeAttribute()
    dish_id = UnicodeAttribute()
    dish_name = UnicodeAttribute()
    at = UnicodeAttribute()


class Subscription(Model):
    class Meta(TableMeta):
        table_name = table_name("canteen-subscriptions")

    canteen_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()


def transaction() -> TransactWrite:
    return TransactWrite(connection=Dish._get_connection().connection)
