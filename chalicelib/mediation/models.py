"""Labour-dispute mediation (劳动争议调解): cases, their access log.

Access patterns:
- a case by id                                        → GetItem ``MediationCase.case_id``
- the cases a person filed, newest first               → Query GSI ``by_applicant`` (applicant_id, filed_at)
- the cases filed with a district union, newest first  → Query GSI ``by_district`` (district_path, filed_at)
- the cases assigned to a mediator                     → Query GSI ``by_mediator`` (mediator_id, filed_at)
- cases whose deadline step is due (warn / expire)      → Query GSI ``by_due`` (due_kind, due_at <= now);
  ``due_kind`` is sparse: only open cases waiting on the fifteen-day limit carry it
- who read a case, when                                → Query ``MediationAccess`` (case_id, at)
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class MediationEvidence(MapAttribute):  # type: ignore[type-arg]
    key = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    party = UnicodeAttribute()          # applicant | respondent
    uploaded_at = UnicodeAttribute()


class MediationSession(MapAttribute):  # type: ignore[type-arg]
    session_id = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    room = UnicodeAttribute()
    note = UnicodeAttribute(default="")
    venue_id = UnicodeAttribute(null=True)      # the mediation room in the booking engine
    booking_id = UnicodeAttribute(null=True)    # the entry holding the slot for the case


class MediationNotice(MapAttribute):  # type: ignore[type-arg]
    kind = UnicodeAttribute()           # deadline_warning | arbitration_right
    to_user = UnicodeAttribute()
    at = UnicodeAttribute()
    delivery = UnicodeAttribute()       # sent | refused | no_channel


class ByApplicant(GlobalSecondaryIndex["MediationCase"]):
    class Meta:
        index_name = "by_applicant"
        projection = AllProjection()

    applicant_id = UnicodeAttribute(hash_key=True)
    filed_at = UnicodeAttribute(range_key=True)


class ByDistrict(GlobalSecondaryIndex["MediationCase"]):
    class Meta:
        index_name = "by_district"
        projection = AllProjection()

    district_path = UnicodeAttribute(hash_key=True)
    filed_at = UnicodeAttribute(range_key=True)


class ByMediator(GlobalSecondaryIndex["MediationCase"]):
    class Meta:
        index_name = "by_mediator"
        projection = AllProjection()

    mediator_id = UnicodeAttribute(hash_key=True)
    filed_at = UnicodeAttribute(range_key=True)


class ByDue(GlobalSecondaryIndex["MediationCase"]):
    class Meta:
        index_name = "by_due"
        projection = KeysOnlyProjection()

    due_kind = UnicodeAttribute(hash_key=True)   # "warn" | "expire"
    due_at = UnicodeAttribute(range_key=True)    # "<iso time>|<case id>"


class MediationCase(Model):
    class Meta(TableMeta):
        table_name = table_name("mediation-cases")

    case_id = UnicodeAttribute(hash_key=True)
    category = UnicodeAttribute()
    claim = UnicodeAttribute()
    amount_fen = NumberAttribute(null=True)
    applicant_id = UnicodeAttribute()
    applicant_role = UnicodeAttribute()          # worker | enterprise_admin
    applicant_name = UnicodeAttribute(default="")
    applicant_org = UnicodeAttribute()
    respondent_kind = UnicodeAttribute()         # enterprise | worker
    respondent_org = UnicodeAttribute(null=True)     # the enterprise node, when the other party is one
    respondent_user_id = UnicodeAttribute(null=True)  # the worker, when the other party is one
    respondent_name = UnicodeAttribute()
    district_path = UnicodeAttribute()           # the district union the request is filed with
    state = UnicodeAttribute()  # filed|accepted|mediating|agreement_proposed|settled|failed|declined
    filed_at = UnicodeAttribute()
    deadline_at = UnicodeAttribute()             # fifteen days from receipt (劳动争议调解仲裁法 art. 14)
    decided_at = UnicodeAttribute(null=True)
    decline_reason = UnicodeAttribute(null=True)
    referral = UnicodeAttribute(null=True)
    mediator_id = UnicodeAttribute(null=True)
    mediator_name = UnicodeAttribute(null=True)
    mediator_org = UnicodeAttribute(null=True)
    sessions = ListAttribute(of=MediationSession, default=list)  # type: ignore[var-annotated]
    evidence = ListAttribute(of=MediationEvidence, default=list)  # type: ignore[var-annotated]
    agreement_text = UnicodeAttribute(null=True)
    confirmed_by: ListAttribute[str] = ListAttribute(default=list)
    failure_reason = UnicodeAttribute(null=True)
    arbitration_referral = UnicodeAttribute(null=True)
    extension_days = NumberAttribute(null=True)
    extension_agreed_by: ListAttribute[str] = ListAttribute(default=list)
    notices = ListAttribute(of=MediationNotice, default=list)  # type: ignore[var-annotated]
    closed_at = UnicodeAttribute(null=True)
    due_kind = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_applicant = ByApplicant()
    by_district = ByDistrict()
    by_mediator = ByMediator()
    by_due = ByDue()


class MediationAccess(Model):
    """One read of a case: who, in what capacity, when. Written before the case is answered."""

    class Meta(TableMeta):
        table_name = table_name("mediation-access")

    case_id = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute(range_key=True)        # "<iso time>#<random>"
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    relation = UnicodeAttribute()                # applicant | respondent | mediator | supervisor
    action = UnicodeAttribute()                  # read | read_log
