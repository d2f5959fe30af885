"""The idempotency table, described as a model so infra and the local stack build it like
every other table. Powertools writes it; nothing in the app reads it through this model."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from .db import TableMeta, table_name
from .idempotency import IDEMPOTENCY_TABLE_SHORT


class IdempotencyRecord(Model):
    class Meta(TableMeta):
        table_name = table_name(IDEMPOTENCY_TABLE_SHORT)

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)
    in_progress_expiration = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    validation = UnicodeAttribute(null=True)
