"""产改20条 subsidies: policy versions, applications, and the ledger of one-offs and budgets.

Access patterns:
- the version in force for a district on a day          → Query ``SubsidyPolicyRecord`` (district_path,
  version_key <= "<date>#~") newest first, limit 1
- one version (an application keeps the one it was submitted under) → GetItem (district_path, version_key)
- an application by id                                   → GetItem ``SubsidyApplication.app_id``
- an enterprise's applications, newest first             → Query GSI ``by_enterprise``
- the review queue of a district: applications in a state → Query GSI ``by_state`` (state,
  queue_sort begins_with "<district>/")
- has this enterprise been paid this one-off, or has one of its applications waiting for budget
  reserved it?                                           → BatchGet ``SubsidyLedger`` ("once#<enterprise>#<key>")
- a district's budget for a year                          → GetItem ``SubsidyLedger`` ("budget#<district>#<year>")
"""
from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class SubsidyPolicyRecord(Model):
    class Meta(TableMeta):
        table_name = table_name("subsidy-policies")

    district_path = UnicodeAttribute(hash_key=True)
    version_key = UnicodeAttribute(range_key=True)   # "<effective_from>#<version>"
    policy_json = UnicodeAttribute()                 # the PolicyVersion, as published (never edited)
    published_by = UnicodeAttribute()
    published_at = UnicodeAttribute()


class ClaimItemAttr(MapAttribute):  # type: ignore[type-arg]
    item_id = UnicodeAttribute()
    measure = UnicodeAttribute()
    subject = UnicodeAttribute(default="")
    cost_fen = NumberAttribute(null=True)
    level = UnicodeAttribute(null=True)
    evidence = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    note = UnicodeAttribute(default="")


class LineAttr(MapAttribute):  # type: ignore[type-arg]
    item_id = UnicodeAttribute()
    measure = UnicodeAttribute()
    measure_name = UnicodeAttribute()
    clause = UnicodeAttribute()
    subject = UnicodeAttribute(default="")
    claimed_cost_fen = NumberAttribute(null=True)
    cap_fen = NumberAttribute(null=True)
    amount_fen = NumberAttribute()
    capped = UnicodeAttribute()             # "y" | "n"
    once_key = UnicodeAttribute(null=True)
    duplicate = UnicodeAttribute()          # "y" | "n"
    explanation = UnicodeAttribute()
    decision = UnicodeAttribute(null=True)  # approved | rejected
    reason = UnicodeAttribute(null=True)
    paid_fen = NumberAttribute(null=True)


class ByEnterprise(GlobalSecondaryIndex["SubsidyApplication"]):
    class Meta:
        index_name = "by_enterprise"
        projection = AllProjection()

    enterprise_path = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ByState(GlobalSecondaryIndex["SubsidyApplication"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    queue_sort = UnicodeAttribute(range_key=True)


class SubsidyApplication(Model):
    class Meta(TableMeta):
        table_name = table_name("subsidy-applications")

    app_id = UnicodeAttribute(hash_key=True)
    enterprise_path = UnicodeAttribute()
    district_path = UnicodeAttribute()
    submitted_by = UnicodeAttribute()
    submitted_by_name = UnicodeAttribute(default="")
    policy_version_key = UnicodeAttribute()
    policy_version = UnicodeAttribute()
    year = NumberAttribute()
    state = UnicodeAttribute()      # calculating | pending_review | waiting_budget | approved | rejected
    queue_sort = UnicodeAttribute()
    items = ListAttribute(of=ClaimItemAttr, default=list)  # type: ignore[var-annotated]
    lines = ListAttribute(of=LineAttr, default=list)  # type: ignore[var-annotated]
    total_fen = NumberAttribute(null=True)
    approved_fen = NumberAttribute(null=True)
    paid_fen = NumberAttribute(null=True)
    budget_note = UnicodeAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    calculated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_enterprise = ByEnterprise()
    by_state = ByState()


class SubsidyLedger(Model):
    class Meta(TableMeta):
        table_name = table_name("subsidy-ledger")

    key = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(null=True)          # once-keys: the application that holds it
    state = UnicodeAttribute(null=True)           # once-keys: reserved (waiting for budget) | paid (or unset)
    amount_fen = NumberAttribute(null=True)
    total_fen = NumberAttribute(null=True)        # budgets: the year's budget
    committed_fen = NumberAttribute(null=True)    # budgets: granted so far
    updated_at = UnicodeAttribute(null=True)
