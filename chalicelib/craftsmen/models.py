"""南浔工匠 一人一档: one file per craftsman, its entries and every version of each entry.

Access patterns:
- a person's file (one per person, ever)                 → GetItem ``CraftsmanFile.file_id``; the id is
  derived from the ID number's lookup hash, so creating a second file for the person fails its
  condition, and the person's own file is found from identity's hash without an index
- the files of a district or an enterprise, by enterprise  → Query GSI ``by_district`` (district_path,
  list_sort begins_with "<org>/")
- a file's current entries                               → Query ``CraftsmanEntry`` (file_id, sk begins_with "C#")
- one entry (edit, verify, evidence, claim)              → GetItem (file_id, "C#<entry_id>")
- an entry's versions, oldest first                      → Query ``CraftsmanEntryVersion`` (file_id,
  sk begins_with "H#<entry_id>#")

An entry is never edited in place without a trace: every change writes the next version
(``H#<entry_id>#<n>``, written once) and moves the current row (``C#<entry_id>``) under a
condition on its ``version``, in one transaction.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class ByDistrict(GlobalSecondaryIndex["CraftsmanFile"]):
    class Meta:
        index_name = "by_district"
        projection = AllProjection()

    district_path = UnicodeAttribute(hash_key=True)
    list_sort = UnicodeAttribute(range_key=True)   # "<org_path>/|<created_at>|<file_id>"


class CraftsmanFile(Model):
    class Meta(TableMeta):
        table_name = table_name("craftsmen-files")

    file_id = UnicodeAttribute(hash_key=True)
    org_path = UnicodeAttribute()                  # the enterprise union keeping the file
    org_name = UnicodeAttribute(default="")
    district_path = UnicodeAttribute()
    list_sort = UnicodeAttribute()
    real_name = UnicodeAttribute()
    id_hash = UnicodeAttribute()                   # pii.lookup_hash of the ID number
    id_sealed = UnicodeAttribute()                 # pii.seal
    id_masked = UnicodeAttribute()                 # 330106********1234
    gender = UnicodeAttribute(null=True)           # from the ID number: male | female
    birth_date = UnicodeAttribute(null=True)       # YYYY-MM-DD, from the ID number
    occupation = UnicodeAttribute(default="")
    job_title = UnicodeAttribute(default="")
    created_by = UnicodeAttribute()
    created_by_name = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()

    by_district = ByDistrict()


class EvidenceAttr(MapAttribute):  # type: ignore[type-arg]
    key = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    uploaded_at = UnicodeAttribute()


class _EntryContent(Model):
    """What an entry says (the same in the current row and in each version); no table of its own."""

    file_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entry_id = UnicodeAttribute()
    # certificate | competition | patent | operation_method | golden_idea | training | honour
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    year = NumberAttribute(null=True)
    level = UnicodeAttribute(null=True)      # national | provincial | city | district | enterprise
    rank = UnicodeAttribute(null=True)       # competition: 一等奖, 第一名 …
    number = UnicodeAttribute(null=True)     # certificate / patent number
    issuer = UnicodeAttribute(null=True)
    hours = NumberAttribute(null=True)       # training hours
    description = UnicodeAttribute(default="")
    evidence = ListAttribute(of=EvidenceAttr, default=list)  # type: ignore[var-annotated]
    version = NumberAttribute()


class CraftsmanEntry(_EntryContent):
    """The current version of an entry (sk ``C#<entry_id>``), its verification and its claim."""

    class Meta(TableMeta):
        table_name = table_name("craftsmen-entries")

    org_path = UnicodeAttribute()
    verified = BooleanAttribute(default=False)
    verified_version = NumberAttribute(null=True)
    verified_by = UnicodeAttribute(null=True)
    verified_by_name = UnicodeAttribute(null=True)
    verified_at = UnicodeAttribute(null=True)
    claimed_app_id = UnicodeAttribute(null=True)   # the 产改20条 application that claimed it
    claimed_by = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    updated_by_name = UnicodeAttribute(default="")
    updated_at = UnicodeAttribute()


class CraftsmanEntryVersion(_EntryContent):
    """One version of an entry as it was written (sk ``H#<entry_id>#<0001>``): who, when, what changed."""

    class Meta(TableMeta):
        table_name = table_name("craftsmen-entries")

    change = UnicodeAttribute()                    # created | edited | evidence_added
    changed_by = UnicodeAttribute()
    changed_by_name = UnicodeAttribute(default="")
    changed_at = UnicodeAttribute()
    verified_by_name = UnicodeAttribute(null=True)  # the union's mark on this version (its content stays as written)
    verified_at = UnicodeAttribute(null=True)
