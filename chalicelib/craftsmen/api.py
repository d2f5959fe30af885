"""南浔工匠 一人一档 routes: the enterprise union keeps its craftsmen's files (浙江政务服务网
企业端), the district union verifies entries (浙政钉), the craftsman reads and prints their own
file (mini-program), and verified entries are claimed for the 产改20条 subsidy."""
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
    CraftsmanClaimBody,
    CraftsmanClaimView,
    CraftsmanEntryBody,
    CraftsmanEntryEdit,
    CraftsmanEntryView,
    CraftsmanEvidenceBody,
    CraftsmanFileBody,
    CraftsmanFilePage,
    CraftsmanFileView,
    CraftsmanHistory,
    CraftsmanListQuery,
    CraftsmanPdfTicket,
    CraftsmanUploadTicket,
    CraftsmanVerifyBody,
)

bp = Blueprint(__name__)
TAGS = ["craftsmen"]
ENTERPRISE = {Role.ENTERPRISE_ADMIN}
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
STAFF = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/craftsmen/files", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=CraftsmanFileBody, response=CraftsmanFileView, status=201,
          summary="为本企业职工建立工匠档案（一人一档；须在本企业工会会员名册中）", tags=TAGS)
def create_file(principal: Principal, body: CraftsmanFileBody) -> CraftsmanFileView:
    """一人一档：同一身份证号只能建一份档案。身份证号以密文与查找哈希保存，显示时打码；姓名须与会员名册一致。"""
    return logic.create_file(principal, body)


@bp.route("/craftsmen/files", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=CraftsmanListQuery, response=CraftsmanFilePage,
          summary="工匠档案列表（本企业，或所辖区县的企业）", tags=TAGS)
def list_files(principal: Principal, query: CraftsmanListQuery) -> CraftsmanFilePage:
    return logic.list_files(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/craftsmen/files/{file_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=CraftsmanFileView,
          summary="工匠档案详情（各条目的当前版本与核验状态）", tags=TAGS)
def get_file(principal: Principal, file_id: str) -> CraftsmanFileView:
    return logic.get_file(principal, file_id)


@bp.route("/craftsmen/files/{file_id}/entries", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=CraftsmanEntryBody, response=CraftsmanEntryView,
          status=201,
          summary="新增档案条目（证书、竞赛、专利、先进操作法、金点子、培训、荣誉；待区县工会核验）",
          tags=TAGS)
def add_entry(principal: Principal, file_id: str, body: CraftsmanEntryBody) -> CraftsmanEntryView:
    return logic.add_entry(principal, file_id, body)


@bp.route("/craftsmen/files/{file_id}/entries/{entry_id}", methods=["PUT"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=CraftsmanEntryEdit, response=CraftsmanEntryView,
          summary="修改档案条目（生成新版本，留存修改人与时间；已核验的条目回到未核验）", tags=TAGS)
def edit_entry(principal: Principal, file_id: str, entry_id: str, body: CraftsmanEntryEdit) -> CraftsmanEntryView:
    """条目从不被悄悄改写：每次修改生成新版本（修改人、时间、内容均留存，可在历史中查看）。

    `version` 须为当前版本号，否则 409；已申报补助的条目在申报期间不能修改。"""
    return logic.edit_entry(principal, file_id, entry_id, body)


@bp.route("/craftsmen/files/{file_id}/entries/{entry_id}/history", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=CraftsmanHistory,
          summary="档案条目的全部版本（谁、何时、改了什么、谁核验）", tags=TAGS)
def history(principal: Principal, file_id: str, entry_id: str) -> CraftsmanHistory:
    return logic.history(principal, file_id, entry_id)


@bp.route("/craftsmen/files/{file_id}/entries/{entry_id}/evidence", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=CraftsmanEvidenceBody, response=CraftsmanUploadTicket,
          status=201,
          summary="上传证明材料（预签名上传地址，限 JPEG/PNG/PDF、10 MB；生成条目新版本）",
          tags=TAGS)
def evidence(principal: Principal, file_id: str, entry_id: str,
             body: CraftsmanEvidenceBody) -> CraftsmanUploadTicket:
    return logic.request_evidence(principal, file_id, entry_id, body)


@bp.route("/craftsmen/files/{file_id}/entries/{entry_id}/verify", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CraftsmanVerifyBody, response=CraftsmanEntryView,
          summary="核验档案条目的某一版本（须有已上传的证明材料）", tags=TAGS)
def verify(principal: Principal, file_id: str, entry_id: str, body: CraftsmanVerifyBody) -> CraftsmanEntryView:
    """核验的是某一版本的内容；企业之后再修改，条目回到未核验。核验前须已上传证明材料。"""
    return logic.verify_entry(principal, file_id, entry_id, body.version)


@bp.route("/craftsmen/files/{file_id}/pdf", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=CraftsmanPdfTicket,
          summary="导出工匠档案 PDF（纸质存档；返回 5 分钟内有效的下载地址）", tags=TAGS)
def export_pdf(principal: Principal, file_id: str) -> CraftsmanPdfTicket:
    """PDF 用 reportlab 内置的 CID 字体 STSong-Light 排版（无需字体文件）。

    文件放在上传桶的临时目录（两天内自动删除），应答给出 5 分钟内有效的预签名下载地址：
    接口始终是 JSON，不依赖 API Gateway 的二进制类型，也不受 Lambda 6 MB 应答上限影响。"""
    return logic.export_pdf(principal, file_id)


@bp.route("/craftsmen/me", methods=["GET"])
@endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, response=CraftsmanFileView,
          summary="我的工匠档案（完成实名认证的职工本人）", tags=TAGS)
def my_file(principal: Principal) -> CraftsmanFileView:
    return logic.my_file(principal)


@bp.route("/craftsmen/me/pdf", methods=["GET"])
@endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, response=CraftsmanPdfTicket,
          summary="下载我的工匠档案 PDF（本人）", tags=TAGS)
def my_pdf(principal: Principal) -> CraftsmanPdfTicket:
    return logic.my_pdf(principal)


@bp.route("/craftsmen/claims", methods=["POST"])
@endpoint(roles=ENTERPRISE, ownership=Ownership.SCOPE, body=CraftsmanClaimBody, response=CraftsmanClaimView,
          status=201,
          summary="用已核验的竞赛成绩、先进操作法、金点子申报产改20条补助（每个条目只能申报一次）",
          tags=TAGS)
def claim(principal: Principal, body: CraftsmanClaimBody) -> CraftsmanClaimView:
    """新建一份产改20条补助申请，条目内容（名称、级别、证明材料）自动带入，金额仍由补助政策计算。

    申请与条目的申报标记在同一个 DynamoDB 事务中写入：同一条目只能申报一次，并发申报只有一个成功。
    申请被驳回后，其中的条目可再次申报。"""
    return logic.claim(principal, body)
