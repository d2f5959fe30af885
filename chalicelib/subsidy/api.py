"""产改20条 subsidy routes: enterprises preview and claim (浙江政务服务网 企业端); union
staff review line by line and keep the yearly budget (浙政钉)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.errors import ValidationFailed
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .policy import PolicyVersion
from .schemas import (
    BudgetBody,
    BudgetQuery,
    BudgetView,
    CalculationView,
    ClaimBody,
    PageQuery,
    PolicyQuery,
    PolicyView,
    QueueQuery,
    RejectBody,
    ReviewBody,
    SubsidyApplicationView,
    SubsidyPage,
    UploadBody,
    UploadTicket,
)

bp = Blueprint(__name__)
TAGS = ["subsidy"]
ENTERPRISE = {Role.ENTERPRISE_ADMIN}
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/subsidy/policy", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=PolicyQuery, response=PolicyView,
          summary="当前生效的补助政策版本", tags=TAGS)
def current_policy(principal: Principal, query: PolicyQuery) -> PolicyView:
    return logic.current_policy(query.org or _district_of(principal), query.on)


def _district_of(principal: Principal) -> str:
    """The district (province/city/district) the caller belongs to, for a filter left out."""
    parts = principal.org_path.split("/")
    if len(parts) < 3:
        raise ValidationFailed("请用 org 指定区县", code="DISTRICT_REQUIRED",
                               details=[{"field": "org", "type": "missing", "message": "org：必填"}])
    return "/".join(parts[:3])


@bp.route("/subsidy/policies", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=PolicyVersion, response=PolicyView, status=201,
          summary="发布新的政策版本", tags=TAGS)
def publish_policy(principal: Principal, body: PolicyVersion) -> PolicyView:
    return logic.publish_policy_as(principal, body)


@bp.route("/subsidy/preview", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SELF, body=ClaimBody, response=CalculationView,
          summary="试算：按当前政策能拿到多少", tags=TAGS)
def preview(principal: Principal, body: ClaimBody) -> CalculationView:
    return logic.preview(principal, body)


@bp.route("/subsidy/uploads", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SELF, body=UploadBody, response=UploadTicket, status=201,
          summary="上传证明材料（获取预签名上传地址）", tags=TAGS)
def request_upload(principal: Principal, body: UploadBody) -> UploadTicket:
    return logic.request_upload(principal, body)


@bp.route("/subsidy/applications", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SELF, body=ClaimBody, response=SubsidyApplicationView, status=202,
          summary="提交补助申请（异步计算）", tags=TAGS, idempotent=True)
def submit(principal: Principal, body: ClaimBody) -> SubsidyApplicationView:
    return logic.submit(principal, body)


@bp.route("/subsidy/applications", methods=["GET"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SELF, query=PageQuery, response=SubsidyPage,
          summary="本企业的补助申请", tags=TAGS)
def enterprise_applications(principal: Principal, query: PageQuery) -> SubsidyPage:
    return logic.enterprise_applications(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/subsidy/applications/{app_id}", methods=["GET"])
@endpoint(roles=ENTERPRISE | UNION, ownership=Ownership.SCOPE, response=SubsidyApplicationView,
          summary="补助申请详情（逐条计算说明）", tags=TAGS)
def get_application(principal: Principal, app_id: str) -> SubsidyApplicationView:
    return logic.get_application(principal, app_id)


@bp.route("/subsidy/queue", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=QueueQuery, response=SubsidyPage,
          summary="待审核的补助申请", tags=TAGS)
def review_queue(principal: Principal, query: QueueQuery) -> SubsidyPage:
    return logic.review_queue(principal, state=query.state, district=query.org, limit=query.limit,
                              cursor=query.cursor)


@bp.route("/subsidy/applications/{app_id}/review", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=ReviewBody, response=SubsidyApplicationView,
          summary="逐条核准补助明细", tags=TAGS)
def review(principal: Principal, app_id: str, body: ReviewBody) -> SubsidyApplicationView:
    return logic.review(principal, app_id, body)


@bp.route("/subsidy/applications/{app_id}/reject", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=RejectBody, response=SubsidyApplicationView,
          summary="驳回补助申请", tags=TAGS)
def reject(principal: Principal, app_id: str, body: RejectBody) -> SubsidyApplicationView:
    return logic.reject(principal, app_id, body.reason)


@bp.route("/subsidy/budgets", methods=["PUT"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=BudgetBody, response=BudgetView,
          summary="设置区县年度补助预算", tags=TAGS)
def set_budget(principal: Principal, body: BudgetBody) -> BudgetView:
    return logic.set_budget(principal, body)


@bp.route("/subsidy/budgets", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=BudgetQuery, response=BudgetView,
          summary="区县年度补助预算与已核拨", tags=TAGS)
def get_budget(principal: Principal, query: BudgetQuery) -> BudgetView:
    return logic.get_budget(principal, query.org or _district_of(principal), query.year)
