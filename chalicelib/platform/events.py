"""Domain events on EventBridge: source ``gonghui.<feature>``, detail with event id, time,
actor and org. One function publishes; one model reads them back in handlers."""

import json
import uuid
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from . import clock
from .aws import client
from .errors import ServiceUnavailable
from .schema import Schema
from .settings import get_settings

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite


class Actor(Schema):
    model_config = ConfigDict(frozen=True)
    user_id: str
    role: str


SYSTEM = Actor(user_id="system", role="system")


def actor_of(principal: Any) -> "Actor":
    """The actor of an event caused by a logged-in caller."""
    return Actor(user_id=principal.user_id, role=principal.role.value)


class DomainEvent(Schema):
    """The ``detail`` of every Gonghui event."""

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    time: str = Field(default_factory=clock.now_iso)
    actor: Actor = SYSTEM
    org: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


def source_of(feature: str) -> str:
    return f"gonghui.{feature}"


def entry(feature: str, detail_type: str, event: DomainEvent) -> dict[str, Any]:
    return {
        "Source": source_of(feature),
        "DetailType": detail_type,
        "Detail": event.model_dump_json(),
        "EventBusName": get_settings().event_bus_name,
    }


def publish(feature: str, detail_type: str, *, data: dict[str, Any], actor: Actor = SYSTEM,
            org: str = "", event_id: str | None = None, tx: "TransactWrite | None" = None) -> "DomainEvent":
    """Publish one domain event. ``event_id`` lets a retried operation publish the same id.

    With ``tx`` (the transaction that writes the state change the event announces) the event
    goes through the outbox: it is staged in ``tx`` and reaches the bus if and only if ``tx``
    commits (see ``platform/outbox.py``). Without it the event is put on the bus now: use
    that only for events that follow no state write of their own.
    """
    event = DomainEvent(actor=actor, org=org, data=data, **({"event_id": event_id} if event_id else {}))
    if tx is not None:
        from . import outbox

        outbox.stage(tx, source_of(feature), detail_type, event.model_dump_json(), event.event_id)
        return event
    result = client("events").put_events(Entries=[entry(feature, detail_type, event)])
    if result.get("FailedEntryCount"):
        raise ServiceUnavailable("事件发布失败，请稍后重试", code="EVENT_PUBLISH_FAILED")
    return event


def transaction() -> "TransactWrite":
    """A write transaction for a state change and the events it publishes (``tx=``)."""
    from . import outbox

    return outbox.transaction()


def parse_eventbridge(raw: dict[str, Any]) -> tuple[str, str, DomainEvent]:
    """(source, detail-type, detail) from an EventBridge event as Lambda receives it."""
    detail = raw.get("detail") or {}
    if isinstance(detail, str):
        detail = json.loads(detail)
    return raw.get("source", ""), raw.get("detail-type", ""), DomainEvent.model_validate(detail)
