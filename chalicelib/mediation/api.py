"""Labour-dispute mediation (劳动争议调解) routes: parties file and follow their case in the
mini-program; the district union accepts, assigns a mediator and records the outcome in 浙政钉.
A case is visible to its parties, its mediator and the mediator's supervisors only (404 otherwise)."""
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
from .schemas import (
    MediationAccessLog,
    MediationAgreementBody,
    MediationAssignBody,
    MediationCaseList,
    MediationCaseView,
    MediationDecisionBody,
    MediationEvidenceBody,
    MediationExtensionBody,
    MediationFailureBody,
    MediationFileBody,
    MediationListQuery,
    MediationPageQuery,
    MediationSessionBody,
    MediationUploadTicket,
)

bp = Blueprint(__name__)
TAGS = ["mediation"]
PARTIES = {Role.WORKER, Role.ENTERPRISE_ADMIN}
UNION = {Role.UNION_ADMIN}
ANYONE_ON_CASE = {Role.WORKER, Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN}


@bp.route("/mediation/cases", methods=["POST"])
@endpoint(roles=PARTIES, ownership=Ownership.SELF, body=MediationFileBody, response=MediationCaseView, status=201,
          summary="申请劳动争议调解（职工或企业管理员本人提出）", tags=TAGS)
def file_case(principal: Principal, body: MediationFileBody) -> MediationCaseView:
    return logic.file_case(principal, body)


@bp.route("/mediation/my-cases", methods=["GET"])
@endpoint(roles=PARTIES, ownership=Ownership.SELF, query=MediationPageQuery, response=MediationCaseList,
          summary="我申请的调解案件（申请人本人）", tags=TAGS)
def my_cases(principal: Principal, query: MediationPageQuery) -> MediationCaseList:
    return logic.my_cases(principal, query.limit)


@bp.route("/mediation/queue", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=MediationListQuery, response=MediationCaseList,
          summary="区县工会收到的调解申请（该区县及上级工会管理员）", tags=TAGS)
def queue(principal: Principal, query: MediationListQuery) -> MediationCaseList:
    return logic.district_queue(principal, query.org, query.limit)


@bp.route("/mediation/assigned", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SELF, query=MediationPageQuery, response=MediationCaseList,
          summary="指派给我的调解案件（调解员本人）", tags=TAGS)
def assigned(principal: Principal, query: MediationPageQuery) -> MediationCaseList:
    return logic.assigned_to_me(principal, query.limit)


@bp.route("/mediation/cases/{case_id}", methods=["GET"])
@endpoint(roles=ANYONE_ON_CASE, ownership=Ownership.OWNER, response=MediationCaseView,
          summary="调解案件详情（仅双方当事人、调解员及其上级工会可见，每次查看都会留痕）", tags=TAGS)
def read_case(principal: Principal, case_id: str) -> MediationCaseView:
    return logic.read_case(principal, case_id)


@bp.route("/mediation/cases/{case_id}/access-log", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.OWNER, response=MediationAccessLog,
          summary="案件查阅记录（调解员及其上级工会）", tags=TAGS)
def access_log(principal: Principal, case_id: str) -> MediationAccessLog:
    return logic.access_log(principal, case_id)


@bp.route("/mediation/cases/{case_id}/evidence", methods=["POST"])
@endpoint(roles=PARTIES, ownership=Ownership.OWNER, body=MediationEvidenceBody, response=MediationUploadTicket,
          status=201, summary="上传证据（当事人获取预签名上传地址，限 JPEG/PNG/PDF、10 MB）", tags=TAGS)
def evidence(principal: Principal, case_id: str, body: MediationEvidenceBody) -> MediationUploadTicket:
    return logic.request_evidence_upload(principal, case_id, body)


@bp.route("/mediation/cases/{case_id}/decision", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=MediationDecisionBody, response=MediationCaseView,
          summary="受理或不予受理（区县及上级工会管理员；不予受理须写理由与去处）", tags=TAGS)
def decide(principal: Principal, case_id: str, body: MediationDecisionBody) -> MediationCaseView:
    return logic.decide(principal, case_id, body)


@bp.route("/mediation/cases/{case_id}/mediator", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=MediationAssignBody, response=MediationCaseView,
          summary="指派调解员（区县及上级工会管理员）", tags=TAGS)
def assign(principal: Principal, case_id: str, body: MediationAssignBody) -> MediationCaseView:
    return logic.assign_mediator(principal, case_id, body.mediator_id)


@bp.route("/mediation/cases/{case_id}/sessions", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.OWNER, body=MediationSessionBody, response=MediationCaseView,
          status=201, summary="安排调解会（调解员或其上级工会）", tags=TAGS)
def schedule_session(principal: Principal, case_id: str, body: MediationSessionBody) -> MediationCaseView:
    return logic.schedule_session(principal, case_id, body)


@bp.route("/mediation/cases/{case_id}/agreement", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.OWNER, body=MediationAgreementBody, response=MediationCaseView,
          summary="提出调解协议书（调解员）", tags=TAGS)
def propose_agreement(principal: Principal, case_id: str, body: MediationAgreementBody) -> MediationCaseView:
    return logic.propose_agreement(principal, case_id, body)


@bp.route("/mediation/cases/{case_id}/agreement/confirm", methods=["POST"])
@endpoint(roles=PARTIES, ownership=Ownership.OWNER, response=MediationCaseView,
          summary="确认调解协议（双方当事人各自确认）", tags=TAGS)
def confirm_agreement(principal: Principal, case_id: str) -> MediationCaseView:
    return logic.confirm_agreement(principal, case_id)


@bp.route("/mediation/cases/{case_id}/failure", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.OWNER, body=MediationFailureBody, response=MediationCaseView,
          summary="记录调解不成并告知可申请劳动仲裁（调解员）", tags=TAGS)
def record_failure(principal: Principal, case_id: str, body: MediationFailureBody) -> MediationCaseView:
    return logic.record_failure(principal, case_id, body)


@bp.route("/mediation/cases/{case_id}/extension", methods=["POST"])
@endpoint(roles=PARTIES, ownership=Ownership.OWNER, body=MediationExtensionBody, response=MediationCaseView,
          summary="书面同意延长调解期限（双方当事人各自同意）", tags=TAGS)
def extension(principal: Principal, case_id: str, body: MediationExtensionBody) -> MediationCaseView:
    return logic.agree_extension(principal, case_id, body.days)
