"""Record domain events (from the audit queue) and read them back per scope."""
from __future__ import annotations

from typing import Any

from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import NotFound
from chalicelib.platform.events import DomainEvent
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.pii import scrub

from .models import AuditEntry
from .schemas import AuditEntryView, AuditPage

MAX_DATA_CHARS = 4000


def ancestors(org: str) -> list[str]:
    parts = org.split("/") if org else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))] or ["-"]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Strings are scrubbed of ID/phone numbers; very large payloads are summarised."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value)[:500]
        if isinstance(value, dict):
            return {str(k): walk(v) for k, v in list(value.items())[:50]}
        if isinstance(value, list):
            return [walk(v) for v in value[:50]]
        return value

    cleaned: dict[str, Any] = walk(data)
    return cleaned if len(str(cleaned)) <= MAX_DATA_CHARS else {"summary": "内容过长，已省略"}


def entries_of(source: str, detail_type: str, event: DomainEvent) -> list[AuditEntry]:
    """The event's entry under its node and under every ancestor. An entry's key and content
    come from the event alone, so writing it again (a redelivery) rewrites the same item."""
    return [AuditEntry(scope, f"{event.time}#{event.event_id}", event_id=event.event_id, org=event.org or "-",
                       source=source, detail_type=detail_type, actor_id=event.actor.user_id,
                       actor_role=event.actor.role, data=_clean(event.data))
            for scope in ancestors(event.org)]


def write(entries: list[AuditEntry]) -> int:
    """One BatchWriteItem per 25 entries (PynamoDB retries unprocessed items). Idempotent:
    the same event always writes the same items, so no condition is needed. An event delivered
    twice in one batch gives the same keys twice, which BatchWriteItem refuses: keep one."""
    unique = {(entry.scope, entry.at): entry for entry in entries}
    with AuditEntry.batch_write() as batch:
        for entry in unique.values():
            batch.save(entry)
    return len(unique)


def record(source: str, detail_type: str, event: DomainEvent) -> int:
    """Write one event's entries (the audit Lambda writes a whole batch's at once)."""
    return write(entries_of(source, detail_type, event))


def list_events(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> AuditPage:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"audit:{scope}"
    page = AuditEntry.query(scope, scan_index_forward=False, limit=limit,
                            last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [AuditEntryView(event_id=e.event_id, time=e.at.split("#", 1)[0], org=e.org, source=e.source,
                            detail_type=e.detail_type, actor_id=e.actor_id, actor_role=e.actor_role,
                            data=e.data.as_dict() if hasattr(e.data, "as_dict") else dict(e.data))
             for e in page]
    return AuditPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))
