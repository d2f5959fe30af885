"""Identity and trust: members' verification state, Alipay face checks, the union roster,
appeals, and the figures the union reads.

Access patterns:
- a member's verification state by user id                     → GetItem ``Member.user_id``
- the members of an enterprise node (announcement audiences)   → Query GSI ``Member.by_org``
- a member's state transitions, newest first                   → Query ``Transition.user_id``
- who holds an ID number (one person, one account)             → GetItem ``IdClaim.id_hash``
- a face check by Alipay's certify id (callback)               → GetItem ``CertifyAttempt.certify_id``
- face checks started by a member today (daily limit)          → GetItem ``AttemptQuota.key`` (``user#day``)
- roster entries of a person (membership check)                → Query ``RosterEntry.id_hash``
- roster entries last written by an import scope (who left)    → Query GSI ``RosterEntry.by_roster_scope``
- one roster import (progress bar)                             → GetItem ``RosterImport.import_id``
- imports of a scope, newest first                             → Query GSI ``RosterImport.by_scope``
- rejected rows of an import, by row number                    → Query ``RosterRejection.import_id``
- whether a chunk of an import was written (redelivery)        → conditional Put ``RosterChunk``
- an appeal by id                                              → GetItem ``Appeal.appeal_id``
- pending appeals inside an admin's scope                      → Query ``AppealInbox.scope`` (one row per ancestor)
- live counters of every node (the roll-up)                    → Query ``FigureCounter.bucket``
- daily figures of a node, by day                              → Query ``DailyFigure.org_path``

ID-card and phone numbers appear only as ``pii.lookup_hash`` values, sealed copies and masks.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name

NO_ORG = "-"  # counters of members who are not yet placed in an enterprise node


class MembersByOrg(GlobalSecondaryIndex["Member"]):
    """Members placed in an enterprise node (sparse: ``org_path`` is set once membership is
    verified) — the audience of an announcement, read page by page."""

    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_path = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class Member(Model):
    """One person's standing on 光年间. ``state`` is derived from the flags (``logic.derive_state``)."""

    class Meta(TableMeta):
        table_name = table_name("identity-members")

    user_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute(default="registered")
    face_verified = BooleanAttribute(default=False)
    member_verified = BooleanAttribute(default=False)
    pledged = BooleanAttribute(default=False)
    suspended = BooleanAttribute(default=False)
    banned = BooleanAttribute(default=False)
    left_union = BooleanAttribute(default=False)
    block_reason = UnicodeAttribute(null=True)
    # A moderation sanction from 光年间 social (``suspended`` with an end, or ``banned``),
    # mirrored here so the one standing read at the edge sees it at once.
    sanction = UnicodeAttribute(null=True)
    sanction_until = UnicodeAttribute(null=True)
    id_hash = UnicodeAttribute(null=True)
    id_sealed = UnicodeAttribute(null=True)
    id_masked = UnicodeAttribute(null=True)
    name_sealed = UnicodeAttribute(null=True)
    name_masked = UnicodeAttribute(null=True)
    org_path = UnicodeAttribute(null=True)        # enterprise node once membership is verified
    home_org = UnicodeAttribute(null=True)        # the node the account came with (counted there until verified)
    appeal_id = UnicodeAttribute(null=True)       # the latest appeal
    enterprise = UnicodeAttribute(null=True)
    roster_status = UnicodeAttribute(default="unchecked")  # unchecked | matched | not_in_roster | appealed
    pledge_version = UnicodeAttribute(null=True)
    pledged_at = UnicodeAttribute(null=True)
    face_verified_at = UnicodeAttribute(null=True)
    member_verified_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    by_org = MembersByOrg()


class Transition(Model):
    """Every change of a member's state: who, when, why."""

    class Meta(TableMeta):
        table_name = table_name("identity-transitions")

    user_id = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)          # "<time>#<n>"
    from_state = UnicodeAttribute()
    to_state = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    reason = UnicodeAttribute()


class IdClaim(Model):
    """An ID number (as its keyed hash) belongs to at most one account."""

    class Meta(TableMeta):
        table_name = table_name("identity-id-claims")

    id_hash = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    claimed_at = UnicodeAttribute()


class CertifyAttempt(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-certify")

    certify_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    outer_order_no = UnicodeAttribute()
    id_hash = UnicodeAttribute()
    id_sealed = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    name_sealed = UnicodeAttribute()
    name_masked = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")    # pending | passed | failed
    fail_reason = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    expires = TTLAttribute(null=True)


class AttemptQuota(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-attempt-quota")

    key = UnicodeAttribute(hash_key=True)           # "<user id>#<Shanghai day>"
    used = NumberAttribute(default=0)
    expires = TTLAttribute(null=True)


class ByRosterScope(GlobalSecondaryIndex["RosterEntry"]):
    class Meta:
        index_name = "by_roster_scope"
        projection = AllProjection()

    roster_scope = UnicodeAttribute(hash_key=True)
    id_hash = UnicodeAttribute(range_key=True)


class RosterEntry(Model):
    """One row of the 智慧工会 member database: a person in an enterprise union."""

    class Meta(TableMeta):
        table_name = table_name("identity-roster")

    id_hash = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    enterprise = UnicodeAttribute()
    status = UnicodeAttribute()                     # active | left
    phone_hash = UnicodeAttribute(null=True)
    roster_scope = UnicodeAttribute()               # the scope of the import (or appeal) that wrote it
    import_id = UnicodeAttribute()
    source = UnicodeAttribute(default="import")     # import | appeal
    updated_at = UnicodeAttribute()
    by_roster_scope = ByRosterScope()


class ImportsByScope(GlobalSecondaryIndex["RosterImport"]):
    class Meta:
        index_name = "by_scope"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OpenImports(GlobalSecondaryIndex["RosterImport"]):
    """Sparse: only imports not yet finished carry ``watch`` (the watchdog's Query)."""

    class Meta:
        index_name = "by_watch"
        projection = AllProjection()

    watch = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class RosterImport(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-roster-imports")

    import_id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute()
    file_name = UnicodeAttribute()
    file_format = UnicodeAttribute()                # csv | xlsx
    object_key = UnicodeAttribute()
    uploaded_by = UnicodeAttribute()
    # awaiting_upload | splitting | running | sweeping | completed | previewed (a dry run) | failed
    status = UnicodeAttribute(default="awaiting_upload")
    mode = UnicodeAttribute(default="replace")      # add | replace (imports before modes replaced)
    dry_run = BooleanAttribute(default=False)
    confirm_leavers = BooleanAttribute(default=False)
    encoding = UnicodeAttribute(null=True)
    rows_total = NumberAttribute(default=0)
    rows_done = NumberAttribute(default=0)
    rows_accepted = NumberAttribute(default=0)
    rows_rejected = NumberAttribute(default=0)
    rows_left = NumberAttribute(default=0)
    rows_added = NumberAttribute(null=True)         # the counts before applying (dry run, replace)
    rows_updated = NumberAttribute(null=True)
    rows_unchanged = NumberAttribute(null=True)
    rows_would_leave = NumberAttribute(null=True)
    members_before = NumberAttribute(null=True)     # active entries of this scope before the import
    chunks_total = NumberAttribute(default=0)
    error_code = UnicodeAttribute(null=True)
    error_message = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    watch = UnicodeAttribute(null=True)             # "open" until completed, previewed or failed
    by_scope = ImportsByScope()
    by_watch = OpenImports()


class RosterRejection(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-roster-rejections")

    import_id = UnicodeAttribute(hash_key=True)
    row_no = NumberAttribute(range_key=True)
    field = UnicodeAttribute()
    code = UnicodeAttribute()
    reason = UnicodeAttribute()


class RosterChunk(Model):
    """Marks a chunk as written, so a redelivered chunk adds nothing to the progress."""

    class Meta(TableMeta):
        table_name = table_name("identity-roster-chunks")

    import_id = UnicodeAttribute(hash_key=True)
    chunk_no = NumberAttribute(range_key=True)
    rows = NumberAttribute()
    expires = TTLAttribute(null=True)


class Appeal(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-appeals")

    appeal_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    org_path = UnicodeAttribute()
    enterprise = UnicodeAttribute()
    note = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="pending")    # pending | accepted | rejected
    reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    inbox_scopes = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    version = VersionAttribute()


class AppealInbox(Model):
    """Pending appeals, filed under the appeal's node and each ancestor (one Query per scope)."""

    class Meta(TableMeta):
        table_name = table_name("identity-appeal-inbox")

    scope = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)          # "<created>#<appeal id>"
    appeal_id = UnicodeAttribute()
    org_path = UnicodeAttribute()
    enterprise = UnicodeAttribute()
    name_masked = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()


class FigureCounter(Model):
    """Live count of members at or past each step, per enterprise node (moved in the same
    transaction as the member's state)."""

    class Meta(TableMeta):
        table_name = table_name("identity-counters")

    bucket = UnicodeAttribute(hash_key=True)        # "live"
    org_path = UnicodeAttribute(range_key=True)
    registered = NumberAttribute(default=0)
    face_verified = NumberAttribute(default=0)
    member_verified = NumberAttribute(default=0)
    active = NumberAttribute(default=0)


class DailyFigure(Model):
    """A node's figures (its whole subtree) on one Shanghai day, written by the roll-up."""

    class Meta(TableMeta):
        table_name = table_name("identity-figures")

    org_path = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)          # YYYY-MM-DD
    registered = NumberAttribute(default=0)
    face_verified = NumberAttribute(default=0)
    member_verified = NumberAttribute(default=0)
    active = NumberAttribute(default=0)
    rolled_up_at = UnicodeAttribute()
