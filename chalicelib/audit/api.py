from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import AuditPage, AuditQuery

bp = Blueprint(__name__)


@bp.route("/audit/events", methods=["GET"])
@endpoint(roles={Role.UNION_ADMIN, Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN}, ownership=Ownership.SCOPE,
          query=AuditQuery, response=AuditPage, summary="管辖范围内的操作记录", tags=["audit"])
def list_events(principal: Principal, query: AuditQuery) -> AuditPage:
    return logic.list_events(principal, query.org, limit=query.limit, cursor=query.cursor)
