"""Requests, answers and event payloads of identity and trust."""

from typing import Literal

from pydantic import Field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Line, Schema

State = Literal["registered", "face_verified", "member_verified", "pledged", "active",
                "suspended", "banned", "left_union"]
ClientResult = Literal["9000", "6001", "6002", "4000"]


# --- face verification ------------------------------------------------------------------

class StartFaceCheck(Schema):
    real_name: Line = Field(..., min_length=2, max_length=30, description="真实姓名（与身份证一致）")
    id_number: str = Field(..., min_length=15, max_length=24, description="18 位居民身份证号码")

    @field_validator("real_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 2 or any(ch.isdigit() for ch in value):
            raise ValueError("请填写与身份证一致的真实姓名")
        return value


class FaceCheckStarted(Schema):
    certify_id: str
    certify_url: str = Field(..., description="小程序打开的支付宝人脸核验地址")
    id_masked: str
    attempts_left_today: int


class FaceCallback(Schema):
    certify_id: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    result_code: ClientResult = Field(..., description="支付宝页面返回码：9000 完成/6001 取消/6002 网络/4000 错误")


class FaceCheckOutcome(Schema):
    certify_id: str
    status: Literal["passed", "failed", "pending"]
    fail_reason: str | None = None
    message: str
    state: State


# --- member status ----------------------------------------------------------------------

class AppealView(Schema):
    appeal_id: str
    user_id: str
    org_path: str
    enterprise: str
    note: str
    status: Literal["pending", "accepted", "rejected"]
    reason: str | None = None
    created_at: str
    decided_at: str | None = None


class MemberStatus(Schema):
    user_id: str
    state: State
    active: bool
    face_verified: bool
    member_verified: bool
    pledged: bool
    roster_status: str
    id_masked: str | None = None
    name_masked: str | None = None
    org_path: str | None = None
    enterprise: str | None = None
    pledge_version: str | None = None
    pledged_at: str | None = None
    block_reason: str | None = None
    next_step: str = Field(..., description="下一步要做什么（中文）")


class TransitionView(Schema):
    at: str
    from_state: str
    to_state: str
    actor_id: str
    actor_role: str
    reason: str


class TransitionPage(Schema):
    items: list[TransitionView]
    next_cursor: str | None = None


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class AdminAction(Schema):
    reason: str = Field(..., min_length=2, max_length=200, description="原因（会记入操作记录）")


# --- pledge -----------------------------------------------------------------------------

class PledgeText(Schema):
    version: str
    title: str
    text: str


class AcceptPledge(Schema):
    version: str = Field(..., min_length=1, max_length=20, description="所阅读的承诺书版本")
    agree: Literal[True] = Field(..., description="本人确认以上承诺属实")


# --- roster -----------------------------------------------------------------------------

class NewRosterImport(Schema):
    scope: str = Field(..., max_length=200, description="本次名册覆盖的组织（管辖范围内）", examples=["zj/hz/xihu"])
    file_name: Line = Field(..., min_length=1, max_length=120, examples=["会员名册.csv"])
    file_format: Literal["csv", "xlsx"] = Field(..., examples=["csv"])
    mode: Literal["add", "replace"] = Field(
        ..., examples=["add"],
        description="add：只新增或更新名册中的会员；replace：以名册为准，本范围内名册中没有的在会会员标记为离会")
    dry_run: bool = Field(False, examples=[True],
                          description="只预演：统计将新增、更新、不变、离会的人数，不写入任何数据")
    confirm_leavers: bool = Field(
        False, examples=[False],
        description="replace 将使超过规定比例（默认 10%）的在会会员离会时，须确认后才会执行")

    _scope = field_validator("scope")(check_path)


class RosterUpload(Schema):
    import_id: str
    upload_url: str
    upload_method: str = "PUT"
    upload_headers: dict[str, str]
    object_key: str
    expires_in: int


class RosterImportView(Schema):
    import_id: str
    scope: str
    file_name: str
    file_format: str
    status: str
    encoding: str | None = None
    rows_total: int
    rows_done: int
    rows_accepted: int
    rows_rejected: int
    rows_left: int
    mode: Literal["add", "replace"] = Field("replace", description="add 只新增/更新；replace 以名册为准")
    dry_run: bool = Field(False, description="是否只预演")
    rows_added: int | None = Field(None, description="将新增（预演或替换前统计）")
    rows_updated: int | None = Field(None, description="将更新")
    rows_unchanged: int | None = Field(None, description="不变")
    rows_would_leave: int | None = Field(None, description="将标记为离会")
    members_before: int | None = Field(None, description="导入前本范围名册中的在会人数")
    progress_percent: int
    error_code: str | None = None
    error_message: str | None = None
    created_at: str
    finished_at: str | None = None


class RosterImportPage(Schema):
    items: list[RosterImportView]
    next_cursor: str | None = None


class RosterListQuery(PageQuery):
    org: str | None = Field(None, max_length=200, examples=["zj/huz/nanxun"],
                            description="组织路径（含下级）；不填则取调用者所在的组织")

    _org = field_validator("org")(check_path)


class RejectionView(Schema):
    row_no: int
    field: str
    code: str
    reason: str


class RejectionPage(Schema):
    items: list[RejectionView]
    next_cursor: str | None = None


# --- appeals ----------------------------------------------------------------------------

class NewAppeal(Schema):
    org_path: str = Field(..., max_length=200, description="所在企业工会的组织路径")
    enterprise: str = Field(..., min_length=2, max_length=60, description="单位名称")
    note: str = Field("", max_length=300, description="补充说明（如入会时间、工会小组）")

    _org = field_validator("org_path")(check_path)


class AppealQuery(PageQuery):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class InboxItem(Schema):
    __schema_name__ = "AppealInboxItem"
    appeal_id: str
    org_path: str
    enterprise: str
    name_masked: str
    created_at: str


class AppealInboxPage(Schema):
    items: list[InboxItem]
    next_cursor: str | None = None


class RejectAppeal(Schema):
    reason: str = Field(..., min_length=2, max_length=200)


# --- figures ----------------------------------------------------------------------------

class FiguresQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")
    days: int = Field(7, ge=1, le=92)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class DayFigures(Schema):
    day: str
    registered: int
    face_verified: int
    member_verified: int
    active: int


class FiguresView(Schema):
    org_path: str
    days: list[DayFigures]
