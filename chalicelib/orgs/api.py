"""Union hierarchy routes."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import ChildrenQuery, NewOrg, NodeQuery, OrgList, OrgView

bp = Blueprint(__name__)


@bp.route("/orgs/children", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=ChildrenQuery, response=OrgList,
          summary="下级组织列表", tags=["orgs"])
def list_children(query: ChildrenQuery) -> OrgList:
    return logic.children(query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/orgs/node", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=NodeQuery, response=OrgView,
          summary="组织详情", tags=["orgs"])
def get_node(query: NodeQuery) -> OrgView:
    return logic.get_node(query.path)


@bp.route("/orgs", methods=["POST"])
@endpoint(roles={Role.UNION_ADMIN, Role.PLATFORM_ADMIN}, ownership=Ownership.SCOPE, body=NewOrg,
          response=OrgView, status=201, summary="登记下级工会组织", tags=["orgs"], idempotent=True)
def create(principal: Principal, body: NewOrg) -> OrgView:
    return logic.create_node(principal, body)
