"""千名技能人才: rounds, declarations, the talent pool and their counters.

Access patterns:
- a round by id                                           → GetItem ``TalentRound.round_id``
- the rounds opened by a union node (an enterprise asks each of its ancestors)
                                                          → Query GSI ``TalentRound.by_org`` (org_path, created_at)
- a declaration by id; one declaration per person per round: the id is derived from
  (round, the person's ID lookup hash), so a second one is a failed ``attribute_not_exists``
                                                          → GetItem / conditional Put ``TalentDeclaration``
- many rows of a bulk file at once (already declared?)    → BatchGetItem ``TalentDeclaration``
- an enterprise's declarations in a round                 → Query GSI ``by_enterprise`` (round_org, updated_at)
- a review queue: a round's declarations of a district in one state (the city step under the city)
                                                          → Query GSI ``by_stage`` (stage_key, updated_at)
- an approved talent by id                                → GetItem ``Talent.talent_id``
- the pool by city / district / enterprise                → Query GSI ``by_city`` (city_path, scope_key begins_with org)
- the pool by occupation (within an org)                  → Query GSI ``by_occupation`` (occupation_code, scope_key)
- the pool by level (within an org)                       → Query GSI ``by_level`` (level, scope_key)
  ``scope_key`` = "<enterprise org path>#<approved at>#<talent id>", so ``begins_with(org)`` narrows
  every index to a city, district or enterprise.
- a round's progress per enterprise                → Query ``TalentCounter`` ("progress#<round id>", org prefix)
- pool counts per district                                → Query ``TalentCounter`` ("pool", district begins_with)
- a district's target                                     → BatchGetItem ``TalentCounter`` ("target", district)

ID numbers appear only as ``pii.lookup_hash`` values, sealed copies and masks; names are sealed
with a masked copy, as identity keeps them.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class RoundsByOrg(GlobalSecondaryIndex["TalentRound"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_path = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class TalentRound(Model):
    class Meta(TableMeta):
        table_name = table_name("talents-rounds")

    round_id = UnicodeAttribute(hash_key=True)
    year = NumberAttribute()
    title = UnicodeAttribute()
    org_path = UnicodeAttribute()              # the district or city union that opened it
    org_name = UnicodeAttribute(default="")
    deadline = UnicodeAttribute()              # YYYY-MM-DD, Asia/Shanghai, inclusive
    quota_per_enterprise = NumberAttribute()
    city_step = BooleanAttribute(default=False)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_org = RoundsByOrg()


class TalentAttachment(MapAttribute):  # type: ignore[type-arg]
    kind = UnicodeAttribute()                  # certificate | award
    key = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    uploaded = BooleanAttribute(default=False)  # confirmed present at the last submission


class TalentDecision(MapAttribute):  # type: ignore[type-arg]
    step = UnicodeAttribute()                  # district | city
    action = UnicodeAttribute()                # approve | return | reject
    reason = UnicodeAttribute(default="")
    by = UnicodeAttribute()
    by_name = UnicodeAttribute(default="")
    at = UnicodeAttribute()


class DeclarationsByEnterprise(GlobalSecondaryIndex["TalentDeclaration"]):
    class Meta:
        index_name = "by_enterprise"
        projection = AllProjection()

    round_org = UnicodeAttribute(hash_key=True)    # "<round id>#<enterprise org path>"
    updated_at = UnicodeAttribute(range_key=True)


class DeclarationsByStage(GlobalSecondaryIndex["TalentDeclaration"]):
    """Sparse: drafts carry no ``stage_key`` (the union never sees a draft)."""

    class Meta:
        index_name = "by_stage"
        projection = AllProjection()

    stage_key = UnicodeAttribute(hash_key=True)    # "<round id>#<district (city for city_review)>#<state>"
    updated_at = UnicodeAttribute(range_key=True)


class TalentDeclaration(Model):
    class Meta(TableMeta):
        table_name = table_name("talents-declarations")

    declaration_id = UnicodeAttribute(hash_key=True)   # "td-" + digest(round id, id hash)
    round_id = UnicodeAttribute()
    year = NumberAttribute()
    org_path = UnicodeAttribute()                      # the declaring enterprise union
    org_name = UnicodeAttribute(default="")
    district_path = UnicodeAttribute()
    city_path = UnicodeAttribute()
    id_hash = UnicodeAttribute()
    id_sealed = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    name_sealed = UnicodeAttribute()
    name_masked = UnicodeAttribute()
    occupation_code = UnicodeAttribute()
    level = UnicodeAttribute()
    recommendation = UnicodeAttribute()
    attachments = ListAttribute(of=TalentAttachment, default=list)  # type: ignore[var-annotated]
    decisions = ListAttribute(of=TalentDecision, default=list)      # type: ignore[var-annotated]
    state = UnicodeAttribute()              # draft | submitted | returned | city_review | approved | rejected
    slot_taken = BooleanAttribute(default=False)   # counted against the enterprise's quota (first submission)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    submitted_at = UnicodeAttribute(null=True)
    round_org = UnicodeAttribute()
    stage_key = UnicodeAttribute(null=True)
    by_enterprise = DeclarationsByEnterprise()
    by_stage = DeclarationsByStage()


class PoolByCity(GlobalSecondaryIndex["Talent"]):
    class Meta:
        index_name = "by_city"
        projection = AllProjection()

    city_path = UnicodeAttribute(hash_key=True)
    scope_key = UnicodeAttribute(range_key=True)


class PoolByOccupation(GlobalSecondaryIndex["Talent"]):
    class Meta:
        index_name = "by_occupation"
        projection = AllProjection()

    occupation_code = UnicodeAttribute(hash_key=True)
    scope_key = UnicodeAttribute(range_key=True)


class PoolByLevel(GlobalSecondaryIndex["Talent"]):
    class Meta:
        index_name = "by_level"
        projection = AllProjection()

    level = UnicodeAttribute(hash_key=True)
    scope_key = UnicodeAttribute(range_key=True)


class Talent(Model):
    """An approved talent (the pool). Written in the approving transaction, never edited."""

    class Meta(TableMeta):
        table_name = table_name("talents-pool")

    talent_id = UnicodeAttribute(hash_key=True)        # the declaration id
    round_id = UnicodeAttribute()
    year = NumberAttribute()
    org_path = UnicodeAttribute()
    org_name = UnicodeAttribute(default="")
    district_path = UnicodeAttribute()
    city_path = UnicodeAttribute()
    name_sealed = UnicodeAttribute()
    name_masked = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    occupation_code = UnicodeAttribute()
    level = UnicodeAttribute()
    approved_at = UnicodeAttribute()
    scope_key = UnicodeAttribute()
    by_city = PoolByCity()
    by_occupation = PoolByOccupation()
    by_level = PoolByLevel()


class TalentCounter(Model):
    """Counters kept in the transactions that change them: a round's progress per enterprise
    (``progress#<round id>`` / enterprise path), pool counts per district (``pool`` / district)
    and districts' targets (``target`` / district)."""

    class Meta(TableMeta):
        table_name = table_name("talents-counters")

    bucket = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    org_name = UnicodeAttribute(default="")
    declared = NumberAttribute(default=0)
    submitted = NumberAttribute(default=0)
    approved = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    target = NumberAttribute(null=True)
