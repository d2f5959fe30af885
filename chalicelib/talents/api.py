"""千名技能人才 routes: union staff open rounds and follow them; enterprise union admins declare
their skilled workers (one by one or by an XLSX template); the district union reviews, the city
optionally confirms; approved talents form the pool the union queries."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

from .schemas import (
    TalentAttachmentBody,
    TalentBulkResult,
    TalentBulkTicket,
    TalentCountsQuery,
    TalentCountsView,
    TalentDecisionBody,
    TalentDeclarationBody,
    TalentDeclarationEdit,
    TalentDeclarationPage,
    TalentDeclarationQuery,
    TalentDeclarationView,
    TalentPoolPage,
    TalentPoolQuery,
    TalentProgressPage,
    TalentProgressQuery,
    TalentReviewQuery,
    TalentRoundBody,
    TalentRoundList,
    TalentRoundQuery,
    TalentRoundView,
    TalentTargetBody,
    TalentTemplateView,
    TalentUploadTicket,
)

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)
TAGS = ["talents"]
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
ENTERPRISE = {Role.ENTERPRISE_ADMIN}
STAFF = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/talents/rounds", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=TalentRoundBody, response=TalentRoundView, status=201,
          summary="发起年度技能人才申报（市、区县总工会：截止日期、每家企业名额、是否市级复核）", tags=TAGS)
def open_round(principal: Principal, body: TalentRoundBody) -> TalentRoundView:
    return logic.open_round(principal, body)


@bp.route("/talents/rounds", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=TalentRoundQuery, response=TalentRoundList,
          summary="申报批次（本节点及上级工会发起的）", tags=TAGS)
def list_rounds(principal: Principal, query: TalentRoundQuery) -> TalentRoundList:
    return logic.list_rounds(principal, query.org)


@bp.route("/talents/rounds/{round_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=TalentRoundView, summary="申报批次详情", tags=TAGS)
def get_round(principal: Principal, round_id: str) -> TalentRoundView:
    return logic.get_round(principal, round_id)


@bp.route("/talents/rounds/{round_id}/progress", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TalentProgressQuery, response=TalentProgressPage,
          summary="各企业申报进度（已申报、已提交、已通过与名额）", tags=TAGS)
def progress(principal: Principal, round_id: str, query: TalentProgressQuery) -> TalentProgressPage:
    return logic.round_progress(principal, round_id, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/talents/rounds/{round_id}/declarations", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=TalentDeclarationBody, response=TalentDeclarationView,
          status=201, summary="申报技能人才（企业工会管理员；可存草稿或直接提交）", tags=TAGS)
def declare(principal: Principal, round_id: str, body: TalentDeclarationBody) -> TalentDeclarationView:
    return logic.declare(principal, round_id, body)


@bp.route("/talents/rounds/{round_id}/declarations", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=TalentDeclarationQuery, response=TalentDeclarationPage,
          summary="某企业在本批次的申报（企业工会管理员看本单位；工会管理员指定企业）", tags=TAGS)
def enterprise_declarations(principal: Principal, round_id: str,
                            query: TalentDeclarationQuery) -> TalentDeclarationPage:
    return logic.enterprise_declarations(principal, round_id, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/talents/rounds/{round_id}/review", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TalentReviewQuery, response=TalentDeclarationPage,
          summary="审核队列（区县待审核；市级待复核；按状态查看）", tags=TAGS)
def review_queue(principal: Principal, round_id: str, query: TalentReviewQuery) -> TalentDeclarationPage:
    return logic.review_queue(principal, round_id, query.state, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/talents/template", methods=["GET"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SHARED, response=TalentTemplateView,
          summary="下载批量申报 XLSX 模板（含职业目录与技能等级）", tags=TAGS)
def template() -> TalentTemplateView:
    return logic.template()


@bp.route("/talents/rounds/{round_id}/bulk", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, response=TalentBulkTicket, status=201,
          summary="批量申报：获取 XLSX 上传地址（企业工会管理员）", tags=TAGS)
def bulk_ticket(principal: Principal, round_id: str) -> TalentBulkTicket:
    return logic.bulk_ticket(principal, round_id)


@bp.route("/talents/rounds/{round_id}/bulk/{upload_id}", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, response=TalentBulkResult,
          summary="批量申报：逐行校验已上传的 XLSX 并申报（同一文件重复上传不会重复申报）", tags=TAGS)
def bulk_declare(principal: Principal, round_id: str, upload_id: str) -> TalentBulkResult:
    return logic.bulk_declare(principal, round_id, upload_id)


@bp.route("/talents/declarations/{declaration_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=TalentDeclarationView,
          summary="申报详情（本单位企业工会管理员、管辖范围内的工会管理员）", tags=TAGS)
def get_declaration(principal: Principal, declaration_id: str) -> TalentDeclarationView:
    return logic.get_declaration(principal, declaration_id)


@bp.route("/talents/declarations/{declaration_id}", methods=["PATCH"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=TalentDeclarationEdit, response=TalentDeclarationView,
          summary="修改申报（草稿或被退回的申报，企业工会管理员）", tags=TAGS)
def edit_declaration(principal: Principal, declaration_id: str, body: TalentDeclarationEdit) -> TalentDeclarationView:
    return logic.edit_declaration(principal, declaration_id, body)


@bp.route("/talents/declarations/{declaration_id}/attachments", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=TalentAttachmentBody, response=TalentUploadTicket,
          status=201, summary="上传技能证书或获奖证明（预签名上传，限 JPEG/PNG/PDF、10 MB）", tags=TAGS)
def attachment(principal: Principal, declaration_id: str, body: TalentAttachmentBody) -> TalentUploadTicket:
    return logic.request_attachment(principal, declaration_id, body)


@bp.route("/talents/declarations/{declaration_id}/submit", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, response=TalentDeclarationView,
          summary="提交申报（草稿首次提交占用名额；被退回的修改后重新提交）", tags=TAGS)
def submit(principal: Principal, declaration_id: str) -> TalentDeclarationView:
    return logic.submit_declaration(principal, declaration_id)


@bp.route("/talents/declarations/{declaration_id}/decision", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=TalentDecisionBody, response=TalentDeclarationView,
          summary="审核申报：通过、退回修改或不通过（区县总工会；市级复核由市总工会）", tags=TAGS)
def decide(principal: Principal, declaration_id: str, body: TalentDecisionBody) -> TalentDeclarationView:
    return logic.decide(principal, declaration_id, body)


@bp.route("/talents/pool", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TalentPoolQuery, response=TalentPoolPage,
          summary="技能人才库：按职业、等级、区县、企业查询", tags=TAGS)
def pool(principal: Principal, query: TalentPoolQuery) -> TalentPoolPage:
    return logic.talent_pool(principal, query)


@bp.route("/talents/pool/counts", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TalentCountsQuery, response=TalentCountsView,
          summary="各区县人才库人数与目标（默认 1000 人）", tags=TAGS)
def pool_counts(principal: Principal, query: TalentCountsQuery) -> TalentCountsView:
    return logic.pool_counts(principal, query.org)


@bp.route("/talents/pool/targets", methods=["PUT"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=TalentTargetBody, response=TalentCountsView,
          summary="设定区县的千名技能人才目标人数", tags=TAGS)
def set_target(principal: Principal, body: TalentTargetBody) -> TalentCountsView:
    return logic.set_target(principal, body.org_path, body.target)
