"""光年间 identity and trust: face verification, membership, pledge, appeals, admin actions,
roster imports and the union's figures."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.http import EndpointSpec, FoldedCheck, Ownership, endpoint, register_caller_check
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic, roster, standing
else:
    logic = lazy_import(f"{__package__}.logic")
    roster = lazy_import(f"{__package__}.roster")
    standing = lazy_import(f"{__package__}.standing")
from .schemas import (
    AcceptPledge,
    AdminAction,
    AppealInboxPage,
    AppealQuery,
    AppealView,
    FaceCallback,
    FaceCheckOutcome,
    FaceCheckStarted,
    FiguresQuery,
    FiguresView,
    MemberStatus,
    NewAppeal,
    NewRosterImport,
    PageQuery,
    PledgeText,
    RejectAppeal,
    RejectionPage,
    RosterImportPage,
    RosterImportView,
    RosterListQuery,
    RosterUpload,
    StartFaceCheck,
    TransitionPage,
)

bp = Blueprint(__name__)
TAGS = ["identity"]


def caller_reads(principal: Principal) -> list[Any]:
    return standing.caller_reads(principal)


def check_caller(principal: Principal, spec: EndpointSpec) -> Principal:
    """Every non-public route: a banned or suspended worker is refused at once, a ``MEMBERS``
    route admits only active members, and the caller's organisation is the one they have now."""
    return standing.check_caller(principal, members_only=spec.ownership is Ownership.MEMBERS)


register_caller_check(check_caller, folded=FoldedCheck(
    reads=caller_reads,
    judge=lambda principal, spec, found: standing.judge_found(
        principal, found, members_only=spec.ownership is Ownership.MEMBERS),
    conditions=lambda principal, spec: standing.caller_conditions(
        principal, members_only=spec.ownership is Ownership.MEMBERS)))
WORKER = {Role.WORKER}
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
STAFF = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


# --- the member's own journey -----------------------------------------------------------------

@bp.route("/identity/me", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=MemberStatus, summary="我的认证状态", tags=TAGS)
def my_status(principal: Principal) -> MemberStatus:
    return logic.my_status(principal)


@bp.route("/identity/me/transitions", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=PageQuery, response=TransitionPage,
          summary="我的认证记录", tags=TAGS)
def my_transitions(principal: Principal, query: PageQuery) -> TransitionPage:
    return logic.my_transitions(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/identity/face/start", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=StartFaceCheck, response=FaceCheckStarted, status=201,
          summary="发起支付宝人脸实名认证", tags=TAGS)
def start_face_check(principal: Principal, body: StartFaceCheck) -> FaceCheckStarted:
    return logic.start_face_check(principal, body.real_name, body.id_number)


@bp.route("/identity/face/callback", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, body=FaceCallback, response=FaceCheckOutcome,
          summary="人脸核验回调（服务端向支付宝查询结果）", tags=TAGS)
def face_callback(principal: Principal, body: FaceCallback) -> FaceCheckOutcome:
    return logic.face_callback(principal, body.certify_id, body.result_code)


@bp.route("/identity/membership/recheck", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=MemberStatus, summary="重新与工会会员库比对", tags=TAGS)
def recheck_membership(principal: Principal) -> MemberStatus:
    return logic.recheck_membership(principal)


@bp.route("/identity/pledge", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=PledgeText, summary="单身承诺书（当前版本）",
          tags=TAGS)
def pledge_text() -> PledgeText:
    return logic.current_pledge()


@bp.route("/identity/pledge", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=AcceptPledge, response=MemberStatus,
          summary="签署单身承诺", tags=TAGS)
def accept_pledge(principal: Principal, body: AcceptPledge) -> MemberStatus:
    return logic.accept_pledge(principal, body.version)


@bp.route("/identity/pledge", methods=["DELETE"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=MemberStatus, summary="撤回单身承诺（立即隐藏资料）",
          tags=TAGS)
def withdraw_pledge(principal: Principal) -> MemberStatus:
    return logic.withdraw_pledge(principal)


@bp.route("/identity/appeals", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=NewAppeal, response=AppealView, status=201,
          summary="会员身份申诉（会员库中未找到本人）", tags=TAGS)
def file_appeal(principal: Principal, body: NewAppeal) -> AppealView:
    return logic.file_appeal(principal, body)


@bp.route("/identity/appeals/mine", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=AppealView, summary="我的申诉", tags=TAGS)
def my_appeal(principal: Principal) -> AppealView:
    return logic.my_appeal(principal)


# --- union admins -----------------------------------------------------------------------------

@bp.route("/identity/appeals", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=AppealQuery, response=AppealInboxPage,
          summary="待处理的会员身份申诉", tags=TAGS)
def appeal_inbox(principal: Principal, query: AppealQuery) -> AppealInboxPage:
    return logic.appeal_inbox(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/identity/appeals/{appeal_id}", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, response=AppealView, summary="申诉详情", tags=TAGS)
def get_appeal(principal: Principal, appeal_id: str) -> AppealView:
    return logic.get_appeal(principal, appeal_id)


@bp.route("/identity/appeals/{appeal_id}/accept", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=AdminAction, response=AppealView,
          summary="确认申诉并加入会员库", tags=TAGS)
def accept_appeal(principal: Principal, appeal_id: str, body: AdminAction) -> AppealView:
    return logic.decide_appeal(principal, appeal_id, accept=True, reason=body.reason)


@bp.route("/identity/appeals/{appeal_id}/reject", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=RejectAppeal, response=AppealView,
          summary="驳回申诉（需说明原因）", tags=TAGS)
def reject_appeal(principal: Principal, appeal_id: str, body: RejectAppeal) -> AppealView:
    return logic.decide_appeal(principal, appeal_id, accept=False, reason=body.reason)


@bp.route("/identity/members/{user_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=MemberStatus, summary="会员认证状态", tags=TAGS)
def member_status(principal: Principal, user_id: str) -> MemberStatus:
    return logic.member_for_admin(principal, user_id)


@bp.route("/identity/members/{user_id}/transitions", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=PageQuery, response=TransitionPage,
          summary="会员状态变更记录", tags=TAGS)
def member_transitions(principal: Principal, user_id: str, query: PageQuery) -> TransitionPage:
    return logic.member_transitions(principal, user_id, limit=query.limit, cursor=query.cursor)


@bp.route("/identity/members/{user_id}/suspend", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=AdminAction, response=MemberStatus,
          summary="暂停会员使用", tags=TAGS)
def suspend_member(principal: Principal, user_id: str, body: AdminAction) -> MemberStatus:
    return logic.block_member(principal, user_id, kind="suspended", reason=body.reason)


@bp.route("/identity/members/{user_id}/ban", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=AdminAction, response=MemberStatus,
          summary="封禁会员", tags=TAGS)
def ban_member(principal: Principal, user_id: str, body: AdminAction) -> MemberStatus:
    return logic.block_member(principal, user_id, kind="banned", reason=body.reason)


@bp.route("/identity/members/{user_id}/reinstate", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=AdminAction, response=MemberStatus,
          summary="恢复会员使用", tags=TAGS)
def reinstate_member(principal: Principal, user_id: str, body: AdminAction) -> MemberStatus:
    return logic.reinstate_member(principal, user_id, reason=body.reason)


@bp.route("/identity/rosters", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=NewRosterImport, response=RosterUpload, status=201,
          summary="上传会员名册（获取上传地址）", tags=TAGS)
def start_roster_import(principal: Principal, body: NewRosterImport) -> RosterUpload:
    return roster.start_import(principal, body)


@bp.route("/identity/rosters", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=RosterListQuery, response=RosterImportPage,
          summary="名册导入记录", tags=TAGS)
def list_roster_imports(principal: Principal, query: RosterListQuery) -> RosterImportPage:
    return roster.list_imports(principal, query.org or principal.org_path, limit=query.limit, cursor=query.cursor)


@bp.route("/identity/rosters/{import_id}", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, response=RosterImportView, summary="名册导入进度", tags=TAGS)
def roster_import_status(principal: Principal, import_id: str) -> RosterImportView:
    return roster.import_status(principal, import_id)


@bp.route("/identity/rosters/{import_id}/rejections", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=PageQuery, response=RejectionPage,
          summary="名册中未导入的行及原因", tags=TAGS)
def roster_rejections(principal: Principal, import_id: str, query: PageQuery) -> RejectionPage:
    return roster.rejections(principal, import_id, limit=query.limit, cursor=query.cursor)


@bp.route("/identity/figures", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=FiguresQuery, response=FiguresView,
          summary="光年间认证数据（按组织、按日）", tags=TAGS)
def figures(principal: Principal, query: FiguresQuery) -> FiguresView:
    return logic.figures(principal, query.org, query.days)
