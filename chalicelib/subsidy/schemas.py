
from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import BudgetFen, SubsidyFen
from chalicelib.platform.schema import Line, Schema

from .policy import PolicyVersion

MAX_ITEMS = 80
StateName = Literal["calculating", "pending_review", "waiting_budget", "approved", "rejected"]


class ClaimItemBody(Schema):
    measure: str = Field(..., pattern=r"^[a-z_]{2,40}$", description="补助项目编码，如 training、competition")
    subject: str = Field("", max_length=80, description="证书编号、赛事名称、操作法或金点子名称")
    cost_fen: SubsidyFen | None = Field(None, description="实际发生的合规费用（分）")
    level: str | None = Field(None, max_length=20, description="级别，如 national / provincial / ningbo")
    evidence: list[str] = Field(default_factory=list, max_length=10, description="已上传证明材料的 key")
    note: str = Field("", max_length=200)


class ClaimBody(Schema):
    items: list[ClaimItemBody] = Field(..., min_length=1, max_length=MAX_ITEMS)


class LineView(Schema):
    item_id: str
    measure: str
    measure_name: str
    clause: str
    subject: str
    claimed_cost_fen: int | None
    cap_fen: int | None
    amount_fen: int
    capped: bool
    duplicate: bool
    explanation: str
    decision: str | None = None
    reason: str | None = None
    paid_fen: int | None = None


class CalculationView(Schema):
    policy_version: str
    policy_title: str
    lines: list[LineView]
    total_fen: int


class SubsidyApplicationView(Schema):
    app_id: str
    enterprise_path: str
    district_path: str
    state: StateName
    state_name: str
    policy_version: str
    year: int
    items: list[ClaimItemBody]
    lines: list[LineView]
    total_fen: int | None = None
    approved_fen: int | None = None
    paid_fen: int | None = None
    budget_note: str | None = None
    reject_reason: str | None = None
    created_at: str
    calculated_at: str | None = None
    decided_at: str | None = None
    version: int


class SubsidySummary(Schema):
    app_id: str
    enterprise_path: str
    state: StateName
    state_name: str
    total_fen: int | None
    paid_fen: int | None
    created_at: str


class SubsidyPage(Schema):
    items: list[SubsidySummary]
    next_cursor: str | None = None


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class QueueQuery(PageQuery):
    state: StateName = "pending_review"
    org: str | None = Field(None, max_length=200, examples=["zj/nb/yuyao"],
                            description="组织路径（含下级）；不填则为管辖范围")

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class LineDecision(Schema):
    item_id: str = Field(..., max_length=10)
    approve: bool
    reason: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _reason(self) -> "LineDecision":
        if not self.approve and len(self.reason.strip()) < 2:
            raise ValueError("不予核准的明细必须填写理由")
        return self


class ReviewBody(Schema):
    decisions: list[LineDecision] = Field(..., min_length=1, max_length=MAX_ITEMS)


class RejectBody(Schema):
    reason: str = Field(..., min_length=2, max_length=300)


class UploadBody(Schema):
    filename: Line = Field(..., min_length=1, max_length=100, pattern=r"^[^/\\]+$")
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]


class UploadTicket(Schema):
    __schema_name__ = "SubsidyUploadTicket"
    key: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_in: int


class BudgetBody(Schema):
    district_path: str = Field(..., max_length=200)
    year: int = Field(..., ge=2020, le=2100)
    total_fen: BudgetFen

    _org = field_validator("district_path")(check_path)


class BudgetQuery(Schema):
    org: str | None = Field(None, max_length=200, examples=["zj/nb/yuyao"],
                            description="区县组织路径；不填则取调用者所在的区县")
    year: int = Field(..., ge=2020, le=2100)

    _org = field_validator("org")(check_path)


class BudgetView(Schema):
    district_path: str
    year: int
    total_fen: int
    committed_fen: int
    remaining_fen: int


class PolicyQuery(Schema):
    org: str | None = Field(None, max_length=200, examples=["zj/nb/yuyao"],
                            description="区县组织路径；不填则取调用者所在的区县")
    on: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="日期，默认今天")

    _org = field_validator("org")(check_path)

    @field_validator("on")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError("日期不存在，格式应为 YYYY-MM-DD") from exc
        return value


class PolicyView(Schema):
    policy: PolicyVersion
    version_key: str
