"""Record domain events (from the audit queue) and read them back per scope."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

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


def record(source: str, detail_type: str, event: DomainEvent) -> int:
    """Write the event under its node and every ancestor. Redelivery writes nothing new."""
    written = 0
    for scope in ancestors(event.org):
        entry = AuditEntry(scope, f"{event.time}#{event.event_id}", event_id=event.event_id, org=event.org or "-",
                           source=source, detail_type=detail_type, actor_id=event.actor.user_id,
                           actor_role=event.actor.role, data=_clean(event.data))
        try:
            entry.save(condition=AuditEntry.at.does_not_exist())
            written += 1
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    return written


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
