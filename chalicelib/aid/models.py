"""Hardship aid (帮扶申请): applications, their steps, the open-application locks, the
yearly totals that enforce caps, payments and the figures union staff read.

Access patterns:
- an application by id                                   → GetItem ``AidApplication.app_id``
- a worker's applications, newest first                  → Query GSI ``by_applicant`` (user_id, created_at)
- a staff queue: applications in a state inside a scope  → Query GSI ``by_queue`` (state,
  queue_sort begins_with "<scope>/"); ``queue_sort`` is "<org_path>/|<entered_at>|<id>" so a
  node and its whole subtree share the prefix "<node>/"
- steps whose deadline passed (escalation, notice end)   → Query GSI ``by_due`` (due_kind, due_at <= now);
  ``due_kind`` is sparse: only applications waiting on a deadline carry it
- an application's timeline                              → Query ``AidStep`` (app_id, seq)
- objections raised during the public notice             → Query ``AidObjection`` (app_id)
- "is there an open application of this type?"           → GetItem ``AidLedger`` ("open#<user>#<type>")
- a worker's approved total this year for a type         → GetItem ``AidLedger`` ("year#<user>#<year>#<type>")
- the payment of an application (exactly once)           → GetItem ``AidPayment.app_id``
- figures of a scope and year                            → Query ``AidFigure`` ("<scope>#<year>")
- a scope's time limits                                  → BatchGet ``AidScopeSettings`` on the ancestors
- notifications shown to a worker live in their inbox (the inbox feature)
"""
from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class AidDocument(MapAttribute):  # type: ignore[type-arg]
    kind = UnicodeAttribute()         # diagnosis | household_register | income_proof | bank_card | ...
    key = UnicodeAttribute()          # S3 object key in the uploads bucket
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    uploaded_at = UnicodeAttribute()


class ByApplicant(GlobalSecondaryIndex["AidApplication"]):
    class Meta:
        index_name = "by_applicant"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ByQueue(GlobalSecondaryIndex["AidApplication"]):
    class Meta:
        index_name = "by_queue"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    queue_sort = UnicodeAttribute(range_key=True)


class ByDue(GlobalSecondaryIndex["AidApplication"]):
    class Meta:
        index_name = "by_due"
        projection = KeysOnlyProjection()

    due_kind = UnicodeAttribute(hash_key=True)   # "escalate" | "notice_end"
    due_at = UnicodeAttribute(range_key=True)    # "<iso time>|<app id>"


class AidApplication(Model):
    class Meta(TableMeta):
        table_name = table_name("aid-applications")

    app_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    applicant_name = UnicodeAttribute(default="")
    org_path = UnicodeAttribute()               # the worker's enterprise node
    district_path = UnicodeAttribute()          # the district union that reviews it
    assigned_path = UnicodeAttribute()          # the node whose staff take the current step (moves up on escalation)
    aid_type = UnicodeAttribute()
    year = NumberAttribute()
    state = UnicodeAttribute()
    queue_sort = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    entered_at = UnicodeAttribute()             # when the current state began
    submitted_at = UnicodeAttribute(null=True)
    household_size = NumberAttribute()
    household_income_fen = NumberAttribute()    # yearly household income
    per_capita_income_fen = NumberAttribute()
    requested_fen = NumberAttribute()
    approved_fen = NumberAttribute(null=True)
    description = UnicodeAttribute()
    documents = ListAttribute(of=AidDocument, default=list)  # type: ignore[var-annotated]
    bank_card_sealed = UnicodeAttribute(null=True)
    bank_card_masked = UnicodeAttribute(null=True)
    bank_name = UnicodeAttribute(null=True)
    return_to = UnicodeAttribute(null=True)     # the step a "needs changes" returns to
    last_note = UnicodeAttribute(null=True)     # the reviewer's note the worker must see
    step_count = NumberAttribute(default=0)
    escalations = NumberAttribute(default=0)
    notice_started_at = UnicodeAttribute(null=True)
    notice_ends_at = UnicodeAttribute(null=True)
    objection_count = NumberAttribute(default=0)
    due_kind = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    payment_reference = UnicodeAttribute(null=True)
    disbursed_fen = NumberAttribute(null=True)
    disbursed_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_applicant = ByApplicant()
    by_queue = ByQueue()
    by_due = ByDue()


class AidStep(Model):
    """One step taken on an application: who, when, what they decided and why."""

    class Meta(TableMeta):
        table_name = table_name("aid-steps")

    app_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    action = UnicodeAttribute()
    from_state = UnicodeAttribute()
    to_state = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    actor_name = UnicodeAttribute(default="")
    opinion = UnicodeAttribute(default="")
    amount_fen = NumberAttribute(null=True)
    at = UnicodeAttribute()
    days_in_state = NumberAttribute(default=0)


class AidObjection(Model):
    class Meta(TableMeta):
        table_name = table_name("aid-objections")

    app_id = UnicodeAttribute(hash_key=True)
    objection_id = UnicodeAttribute(range_key=True)   # "<at>|<uuid>"
    raised_by = UnicodeAttribute()
    raised_role = UnicodeAttribute()
    text = UnicodeAttribute()
    at = UnicodeAttribute()


class AidLedger(Model):
    """Locks and totals: ``open#<user>#<type>`` (one open application per type) and
    ``year#<user>#<year>#<type>`` (approved fen this year, kept under the type's cap)."""

    class Meta(TableMeta):
        table_name = table_name("aid-ledger")

    key = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(null=True)
    total_fen = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)


class AidPayment(Model):
    """The payment of an application: written once, keyed on the application."""

    class Meta(TableMeta):
        table_name = table_name("aid-payments")

    app_id = UnicodeAttribute(hash_key=True)
    amount_fen = NumberAttribute()
    reference = UnicodeAttribute()
    paid_by = UnicodeAttribute()
    paid_at = UnicodeAttribute()
    source = UnicodeAttribute()                 # "http" | "queue"


class AidFigure(Model):
    """Counters per scope and year: ``state#<s>``, ``type#<t>``, ``disbursed_fen``,
    ``days#<step>#<n>`` (how many steps took n days: the median comes from this histogram).
    ``event#<id>`` / ``counted`` rows mark events already counted (they expire after 30 days)."""

    class Meta(TableMeta):
        table_name = table_name("aid-figures")

    scope_year = UnicodeAttribute(hash_key=True)
    metric = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)
    expires = TTLAttribute(null=True)


class AidScopeSettings(Model):
    class Meta(TableMeta):
        table_name = table_name("aid-settings")

    org_path = UnicodeAttribute(hash_key=True)
    escalate_after_days = NumberAttribute()
    notice_days = NumberAttribute()
    updated_by = UnicodeAttribute()
    updated_at = UnicodeAttribute()
