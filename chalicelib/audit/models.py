"""The audit trail: every domain event, readable by the union staff whose scope covers it.

Access patterns:
- events inside a scope (any node), newest first → Query ``scope`` with ``at`` descending.
Each event is written once under its own node and once under every ancestor, so a
city union reads its whole subtree with one Query and no Scan.
"""
from __future__ import annotations

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class AuditEntry(Model):
    class Meta(TableMeta):
        table_name = table_name("audit")

    scope = UnicodeAttribute(hash_key=True)       # an org path (the event's node or an ancestor)
    at = UnicodeAttribute(range_key=True)         # "<time>#<event id>"
    event_id = UnicodeAttribute()
    org = UnicodeAttribute()
    source = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    data = MapAttribute(default=dict)  # type: ignore[var-annotated]
