"""The enterprise register and the enterprise figures.

Access patterns:
- an enterprise by its credit code (uniqueness, 法人登录)      → GetItem ``Enterprise.credit_code``
- an enterprise by its union org node                        → Query GSI ``by_org`` (one item)
- a district's / a city's enterprises by name, a page        → Query GSI ``by_district`` / ``by_city``
- an org node's figures for a range of months                → Query ``EnterpriseFigure`` (org_path, month between)
- an org node's figures as of a month (the last month ≤ it)  → Query ``EnterpriseFigure`` (month ≤ m, desc, limit 1)
- an org node's current levels and latest month (roll-up)    → GetItem ``EnterpriseFigure`` (org_path, "~head")
- has this event been counted                                 → conditional Put ``EnterpriseCounted.key``
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name

COUNTED_KEEP = timedelta(days=30)  # far longer than any redelivery (SQS keeps a message 14 days at most)
HEAD = "~head"                      # sorts after every "YYYY-MM"


class ByDistrict(GlobalSecondaryIndex["Enterprise"]):
    class Meta:
        index_name = "by_district"
        projection = AllProjection()

    district_path = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ByCity(GlobalSecondaryIndex["Enterprise"]):
    class Meta:
        index_name = "by_city"
        projection = AllProjection()

    city_path = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ByOrg(GlobalSecondaryIndex["Enterprise"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_path = UnicodeAttribute(hash_key=True)


class Enterprise(Model):
    class Meta(TableMeta):
        table_name = table_name("enterprises")

    credit_code = UnicodeAttribute(hash_key=True)      # GB 32100, checked
    name = UnicodeAttribute()
    org_path = UnicodeAttribute()                      # the enterprise's union node, zj/huz/nanxun/e-sanxing
    district_path = UnicodeAttribute()
    city_path = UnicodeAttribute()
    sort_name = UnicodeAttribute()                     # "<name>#<credit code>": pages by name, unique
    industry = UnicodeAttribute()
    size = UnicodeAttribute()
    union_founded = BooleanAttribute(default=False)
    legal_person = UnicodeAttribute(null=True)          # 法定代表人 as the portal last gave it
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    by_district = ByDistrict()
    by_city = ByCity()
    by_org = ByOrg()


class EnterpriseFigure(Model):
    """One org node's figures for one month (its whole subtree), or its ``~head``: the current
    levels and the latest month written. Levels (roster, members, beds, open cases) are as of
    the end of the month; the rest are what happened in the month."""

    class Meta(TableMeta):
        table_name = table_name("enterprise-figures")

    org_path = UnicodeAttribute(hash_key=True)
    month = UnicodeAttribute(range_key=True)          # "2026-11" (Asia/Shanghai) | "~head"
    latest = UnicodeAttribute(null=True)              # head only: the latest month item
    ops = NumberAttribute(default=0)                  # head only: bumped by every write (optimistic check)
    roster_members = NumberAttribute(default=0)
    verified_members = NumberAttribute(default=0)
    dorm_beds = NumberAttribute(default=0)
    dorm_beds_occupied = NumberAttribute(default=0)
    aid_cases_open = NumberAttribute(default=0)
    aid_amount_paid = NumberAttribute(default=0)
    subsidy_amount_claimed = NumberAttribute(default=0)
    subsidy_amount_paid = NumberAttribute(default=0)
    talents_declared = NumberAttribute(default=0)
    talents_approved = NumberAttribute(default=0)
    bookings = NumberAttribute(default=0)
    events_held = NumberAttribute(default=0)
    participants = NumberAttribute(default=0)
    people_served = NumberAttribute(default=0)
    mediations = NumberAttribute(default=0)


class EnterpriseCounted(Model):
    class Meta(TableMeta):
        table_name = table_name("enterprise-counted")

    key = UnicodeAttribute(hash_key=True)              # "<source>#<event id>"
    at = UnicodeAttribute()
    expires = TTLAttribute()
