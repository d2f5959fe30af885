"""The transactional outbox: a domain event is written in the same DynamoDB transaction as
the state change it announces, so the two commit together or not at all.

A feature stages its event inside its own ``TransactWrite``::

    with dynamo_errors(conflict), outbox.transaction() as tx:
        tx.update(app, actions=[...], condition=...)
        publish("aid", "AidStepTaken", data={...}, tx=tx)   # an outbox Put in the same transaction

Delivery: the outbox table has a DynamoDB stream (new images). In AWS an EventBridge Pipe
reads the stream's INSERT records and puts each event on the bus (``infra/stacks/outbox.py``);
locally the event pump reads the same stream (``local/pump.py``). A stream record is delivered
at least once; every consumer is idempotent on the event id, so each event takes effect
exactly once downstream. Rewriting an outbox item (a retried operation that reuses its event
id) is a MODIFY record, which is never delivered: one event id, one INSERT, one delivery.
Items expire a day after they are written (TTL); expiry is a REMOVE record, never delivered.
"""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from .db import TableMeta, table_name
from .settings import get_settings

OUTBOX_TABLE_SHORT = "outbox"
KEEP = timedelta(days=1)


class OutboxEvent(Model):
    """One staged domain event. Access pattern: none on a request path; the stream reads it."""

    class Meta(TableMeta):
        table_name = table_name(OUTBOX_TABLE_SHORT)
        stream_view_type = "NEW_IMAGE"

    pk = UnicodeAttribute(hash_key=True)      # "<source>#<event id>"
    source = UnicodeAttribute()               # gonghui.<feature>
    detail_type = UnicodeAttribute()
    detail = UnicodeAttribute()               # the DomainEvent as JSON, exactly as put on the bus
    expires = TTLAttribute()


def transaction() -> TransactWrite:
    """A write transaction for a state change and its events (one connection, any tables)."""
    return TransactWrite(connection=OutboxEvent._get_connection().connection)


def item(source: str, detail_type: str, detail: str, event_id: str) -> OutboxEvent:
    """The outbox item of one event (its stream record becomes the event on the bus)."""
    return OutboxEvent(f"{source}#{event_id}", source=source, detail_type=detail_type, detail=detail, expires=KEEP)


def stage(tx: TransactWrite, source: str, detail_type: str, detail: str, event_id: str) -> None:
    """Add the event to ``tx``: it reaches the bus if, and only if, ``tx`` commits."""
    tx.save(item(source, detail_type, detail, event_id))


def entry_of(record: dict[str, Any]) -> dict[str, Any] | None:
    """The PutEvents entry for a stream record (what the Pipe's target parameters build), or
    None for anything but a new outbox item."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    try:
        return {"Source": image["source"]["S"], "DetailType": image["detail_type"]["S"],
                "Detail": image["detail"]["S"], "EventBusName": get_settings().event_bus_name}
    except KeyError:
        return None


def event_id_of(entry: dict[str, Any]) -> str:
    return str(json.loads(entry["Detail"]).get("event_id", ""))
