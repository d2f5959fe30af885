
from typing import Any

from pydantic import Field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Schema


class AuditQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class AuditEntryView(Schema):
    event_id: str
    time: str
    org: str
    source: str
    detail_type: str
    actor_id: str
    actor_role: str
    data: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditEntryView]
    next_cursor: str | None = None
