"""Hardship aid (帮扶申请) routes: the worker applies and follows progress in the
mini-program; union staff review, approve and pay from 浙政钉."""
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
from .schemas import (
    AidApplicationView,
    AidDraftBody,
    AidDraftPatch,
    AidFigures,
    AidPage,
    AidTypeList,
    DisburseBody,
    FiguresQuery,
    MineQuery,
    NoticeList,
    NoticeQuery,
    NotificationList,
    ObjectionBody,
    ObjectionView,
    QueueQuery,
    ScopeSettingsBody,
    ScopeSettingsView,
    StepBody,
    UploadRequest,
    UploadTicket,
)

bp = Blueprint(__name__)
TAGS = ["aid"]
WORKER = {Role.WORKER}
STAFF = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/aid/types", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=AidTypeList, summary="帮扶类型、年度上限与所需材料",
          tags=TAGS)
def aid_types() -> AidTypeList:
    return logic.list_types()


@bp.route("/aid/applications", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=AidDraftBody, response=AidApplicationView, status=201,
          summary="新建帮扶申请（草稿）", tags=TAGS, idempotent=True)
def create_draft(principal: Principal, body: AidDraftBody) -> AidApplicationView:
    return logic.create_draft(principal, body)


@bp.route("/aid/my-applications", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=MineQuery, response=AidPage, summary="我的帮扶申请",
          tags=TAGS)
def mine(principal: Principal, query: MineQuery) -> AidPage:
    return logic.my_applications(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/aid/applications/{app_id}", methods=["GET"])
@endpoint(roles=WORKER | STAFF, ownership=Ownership.OWNER, response=AidApplicationView,
          summary="帮扶申请详情与办理进度", tags=TAGS)
def get_application(principal: Principal, app_id: str) -> AidApplicationView:
    return logic.get_application(principal, app_id)


@bp.route("/aid/applications/{app_id}", methods=["PATCH"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, body=AidDraftPatch, response=AidApplicationView,
          summary="修改草稿或退回的申请", tags=TAGS)
def update_draft(principal: Principal, app_id: str, body: AidDraftPatch) -> AidApplicationView:
    return logic.update_draft(principal, app_id, body)


@bp.route("/aid/applications/{app_id}/documents", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, body=UploadRequest, response=UploadTicket, status=201,
          summary="上传证明材料（获取预签名上传地址）", tags=TAGS)
def request_upload(principal: Principal, app_id: str, body: UploadRequest) -> UploadTicket:
    return logic.request_upload(principal, app_id, body)


@bp.route("/aid/applications/{app_id}/submit", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, response=AidApplicationView, summary="提交（或修改后重新提交）申请",
          tags=TAGS)
def submit(principal: Principal, app_id: str) -> AidApplicationView:
    return logic.submit(principal, app_id)


@bp.route("/aid/applications/{app_id}/withdraw", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, response=AidApplicationView, summary="撤回申请", tags=TAGS)
def withdraw(principal: Principal, app_id: str) -> AidApplicationView:
    return logic.withdraw(principal, app_id)


@bp.route("/aid/notifications", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=MineQuery, response=NotificationList,
          summary="帮扶进度通知", tags=TAGS)
def notifications(principal: Principal, query: MineQuery) -> NotificationList:
    return logic.my_notifications(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/aid/notices", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=NoticeQuery, response=NoticeList,
          summary="本单位帮扶公示", tags=TAGS)
def notices(principal: Principal, query: NoticeQuery) -> NoticeList:
    return logic.public_notices(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/aid/applications/{app_id}/objections", methods=["POST"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, body=ObjectionBody, response=ObjectionView, status=201,
          summary="对公示提出异议", tags=TAGS)
def raise_objection(principal: Principal, app_id: str, body: ObjectionBody) -> ObjectionView:
    """Only while the application is on public notice, and only by a worker of the same
    enterprise (not the applicant) or staff whose scope covers it; anyone else gets 404."""
    return logic.raise_objection(principal, app_id, body.text)


@bp.route("/aid/queue", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=QueueQuery, response=AidPage,
          summary="管辖范围内待办的帮扶申请", tags=TAGS)
def staff_queue(principal: Principal, query: QueueQuery) -> AidPage:
    return logic.queue(principal, state=query.state, org=query.org, aid_type=query.aid_type, limit=query.limit,
                       cursor=query.cursor)


@bp.route("/aid/applications/{app_id}/steps", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=StepBody, response=AidApplicationView,
          summary="审核：通过、退回修改或不予通过", tags=TAGS)
def take_step(principal: Principal, app_id: str, body: StepBody) -> AidApplicationView:
    return logic.take_step(principal, app_id, body)


@bp.route("/aid/applications/{app_id}/disburse", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=DisburseBody, response=AidApplicationView,
          summary="登记帮扶金发放（金额与银行流水号，只记一次）", tags=TAGS)
def disburse(principal: Principal, app_id: str, body: DisburseBody) -> AidApplicationView:
    return logic.disburse(principal, app_id, body.amount_fen, body.reference)


@bp.route("/aid/figures", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=FiguresQuery, response=AidFigures,
          summary="帮扶统计：各状态与类型数量、各环节用时中位数、发放金额", tags=TAGS)
def figures(principal: Principal, query: FiguresQuery) -> AidFigures:
    return logic.figures(principal, query.org, query.year)


@bp.route("/aid/settings", methods=["PUT"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=ScopeSettingsBody, response=ScopeSettingsView,
          summary="设置本级审核时限与公示天数", tags=TAGS)
def set_settings(principal: Principal, body: ScopeSettingsBody) -> ScopeSettingsView:
    return logic.set_scope_limits(principal, body)
