"""Enterprise routes: the legal person's login through 浙江政务服务网 (法人登录), the enterprise
register kept by district and city staff, and the enterprise figures the union console reads
month by month, drills down and exports."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.platform.auth import STAFF_ROLES, Principal, Role
from chalicelib.platform.http import PUBLIC, Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.accounts.schemas import TokenPair

    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from chalicelib.accounts.schemas import TokenPair as TokenPairSchema

from .schemas import (
    EnterpriseBody,
    EnterpriseChildrenQuery,
    EnterpriseChildrenView,
    EnterpriseExportQuery,
    EnterpriseFiguresQuery,
    EnterpriseFiguresView,
    EnterpriseLegalLogin,
    EnterpriseList,
    EnterpriseListQuery,
    EnterprisePatch,
    EnterpriseView,
)

bp = Blueprint(__name__)
TAGS = ["enterprises"]
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/auth/zwfw", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=EnterpriseLegalLogin, response=TokenPairSchema,
          summary="企业法人登录（浙江政务服务网法人统一身份认证，回跳带回的 ssotoken）", tags=TAGS)
def legal_person_login(body: EnterpriseLegalLogin) -> TokenPair:
    """The portal validates the token server-side; a credit code not in the enterprise register
    is refused (403 ENTERPRISE_NOT_REGISTERED). The caller becomes the enterprise union admin of
    the enterprise's union node."""
    return logic.login_legal_person(body.ssotoken)  # type: ignore[no-any-return]


@bp.route("/enterprises", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=EnterpriseBody, response=EnterpriseView, status=201,
          summary="登记企业（区县、市总工会；统一社会信用代码按 GB 32100 校验）", tags=TAGS, idempotent=True)
def register(principal: Principal, body: EnterpriseBody) -> EnterpriseView:
    return logic.register(principal, body)


@bp.route("/enterprises", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=EnterpriseListQuery, response=EnterpriseList,
          summary="企业名录（本人管辖的区县或市，按名称分页，可按行业、规模、是否建会筛选）", tags=TAGS)
def list_enterprises(principal: Principal, query: EnterpriseListQuery) -> EnterpriseList:
    return logic.list_enterprises(principal, query)


@bp.route("/enterprises/figures", methods=["GET"])
@endpoint(roles=STAFF_ROLES, ownership=Ownership.SCOPE, query=EnterpriseFiguresQuery, response=EnterpriseFiguresView,
          summary="企业与工会组织月度数据（本级及下级汇总，逐月）", tags=TAGS)
def figures(principal: Principal, query: EnterpriseFiguresQuery) -> EnterpriseFiguresView:
    return logic.figures_view(principal, query.org, query.month_from, query.month_to)


@bp.route("/enterprises/figures/children", methods=["GET"])
@endpoint(roles=STAFF_ROLES, ownership=Ownership.SCOPE, query=EnterpriseChildrenQuery,
          response=EnterpriseChildrenView, summary="下一级组织的月度数据（逐级下钻，分页）", tags=TAGS)
def figures_children(principal: Principal, query: EnterpriseChildrenQuery) -> EnterpriseChildrenView:
    return logic.children_view(principal, query.org, query.month, limit=query.limit, next_token=query.next_token)


@bp.route("/enterprises/figures/export", methods=["GET"])
@endpoint(roles=STAFF_ROLES, ownership=Ownership.SCOPE, query=EnterpriseExportQuery,
          summary="导出月度数据（XLSX，单元格不会作为公式执行）", tags=TAGS)
def figures_export(principal: Principal, query: EnterpriseExportQuery) -> Response:
    """One row a month, one column a metric (amounts in fen), for the node and its subtree.
    Send ``Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`` (or
    ``*/*``): the file is binary."""
    name, data = logic.export(principal, query.org, query.month_from, query.month_to)
    return Response(body=data, status_code=200, headers={
        "Content-Type": XLSX, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@bp.route("/enterprises/{credit_code}", methods=["GET"])
@endpoint(roles=STAFF_ROLES, ownership=Ownership.SCOPE, response=EnterpriseView,
          summary="企业详情（管辖该企业的工会，或企业工会本身）", tags=TAGS)
def get_enterprise(principal: Principal, credit_code: str) -> EnterpriseView:
    return logic.get(principal, credit_code)


@bp.route("/enterprises/{credit_code}", methods=["PATCH"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=EnterprisePatch, response=EnterpriseView,
          summary="修改企业信息（管辖该企业的区县、市总工会）", tags=TAGS)
def update_enterprise(principal: Principal, credit_code: str, body: EnterprisePatch) -> EnterpriseView:
    return logic.update(principal, credit_code, body)
