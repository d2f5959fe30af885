
from typing import Literal

from pydantic import Field, computed_field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import AidFen, IncomeFen
from chalicelib.platform.schema import Line, Schema

from .rules import AID_TYPES, DOC_KINDS, normalize_bank_card

AidTypeCode = Literal["serious_illness", "accident", "disaster", "family_hardship", "education"]
DocKind = Literal["diagnosis", "hospital_bill", "accident_proof", "disaster_proof", "household_register",
                  "income_proof", "admission_notice", "bank_card", "other"]
StaffAction = Literal["approve", "return", "reject"]
StateName = Literal["draft", "enterprise_review", "district_review", "public_notice", "objection_review",
                    "approved", "disbursed", "needs_changes", "rejected", "withdrawn"]
MAX_HOUSEHOLD_INCOME_FEN = 100_000_000  # 一百万元/年: beyond that no one is in hardship


class AidTypeView(Schema):
    code: str
    name: str
    yearly_cap_fen: int
    required_docs: list[dict[str, str]]


class AidTypeList(Schema):
    items: list[AidTypeView]


class AidDraftBody(Schema):
    aid_type: AidTypeCode = Field(..., description="帮扶类型")
    household_size: int = Field(..., ge=1, le=20, description="家庭人口")
    household_income_fen: IncomeFen = Field(..., le=MAX_HOUSEHOLD_INCOME_FEN, description="家庭年收入（分）")
    requested_fen: AidFen = Field(..., le=max(t.yearly_cap_fen for t in AID_TYPES.values()),
                               description="申请金额（分）")
    description: str = Field(..., min_length=10, max_length=2000, description="困难情况说明")
    bank_card: str | None = Field(None, min_length=16, max_length=23, description="收款银行卡号")
    bank_name: Line | None = Field(None, max_length=40)
    applicant_name: Line | None = Field(None, min_length=1, max_length=20)

    @field_validator("bank_card")
    @classmethod
    def _card(cls, value: str | None) -> str | None:
        return normalize_bank_card(value) if value else value


class AidDraftPatch(Schema):
    household_size: int | None = Field(None, ge=1, le=20)
    household_income_fen: IncomeFen | None = Field(None, le=MAX_HOUSEHOLD_INCOME_FEN)
    requested_fen: AidFen | None = Field(None, le=max(t.yearly_cap_fen for t in AID_TYPES.values()))
    description: str | None = Field(None, min_length=10, max_length=2000)
    bank_card: str | None = Field(None, min_length=16, max_length=23)
    bank_name: Line | None = Field(None, max_length=40)

    @field_validator("bank_card")
    @classmethod
    def _card(cls, value: str | None) -> str | None:
        return normalize_bank_card(value) if value else value


class UploadRequest(Schema):
    __schema_name__ = "AidUploadRequest"
    kind: DocKind
    filename: Line = Field(..., min_length=1, max_length=100, pattern=r"^[^/\\]+$")
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]


class UploadTicket(Schema):
    __schema_name__ = "AidUploadTicket"
    kind: str
    key: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_in: int


class DocumentView(Schema):
    kind: str
    kind_name: str
    filename: str
    uploaded_at: str


class TimelineEntry(Schema):
    seq: int
    action: str
    action_name: str
    from_state: str
    to_state: str
    to_state_name: str
    actor_role: str
    actor_name: str
    opinion: str
    amount_fen: int | None = None
    at: str


class ObjectionView(Schema):
    at: str
    text: str
    raised_role: str


# What happens next to an application that is not finished, and how people learn of it.
AID_NEXT: dict[str, str] = {
    "draft": "补齐材料后提交（POST /aid/applications/{app_id}/submit）。",
    "enterprise_review": "等待企业工会审核；结果会发到申请人的收件箱。",
    "district_review": "等待区总工会审核；结果会发到申请人的收件箱。",
    "public_notice": "公示中，至 notice_ends_at 结束；期满无异议由系统自动批准，结果会发到申请人的收件箱。",
    "objection_review": "公示期间收到异议，区总工会正在复核；结果会发到申请人的收件箱。",
    "approved": "已批准，等待工会发放帮扶金；发放后会通知申请人。",
    "needs_changes": "请按退回意见修改后重新提交。",
}


class AidApplicationView(Schema):
    app_id: str
    aid_type: str
    aid_type_name: str
    state: StateName
    state_name: str
    org_path: str
    applicant_name: str
    household_size: int
    household_income_fen: int
    per_capita_income_fen: int
    requested_fen: int
    approved_fen: int | None = None
    description: str
    documents: list[DocumentView]
    missing_documents: list[str]
    bank_card: str | None = Field(None, description="脱敏后的银行卡号")
    bank_name: str | None = None
    last_note: str | None = None
    assigned_path: str
    escalations: int
    notice_ends_at: str | None = None
    objection_count: int
    payment_reference: str | None = None
    disbursed_fen: int | None = None
    disbursed_at: str | None = None
    created_at: str
    submitted_at: str | None = None
    version: int

    @computed_field(description="接下来会发生什么、怎样得知（尚未结束的申请才有）")  # type: ignore[prop-decorator]
    @property
    def next_step(self) -> str | None:
        if self.state == "public_notice" and not self.notice_ends_at:
            return ("区总工会已审核通过，公示正在后台开启（通常几秒内）；公示结束时间随后出现在 notice_ends_at，"
                    f"开始时会通知申请人。可查看 GET /aid/applications/{self.app_id}。")
        text = AID_NEXT.get(self.state)
        return text.replace("{app_id}", self.app_id) if text else None
    next_actions: list[str]
    timeline: list[TimelineEntry] = Field(default_factory=list)
    objections: list[ObjectionView] = Field(default_factory=list)


class AidApplicationSummary(Schema):
    app_id: str
    aid_type: str
    aid_type_name: str
    state: StateName
    state_name: str
    org_path: str
    applicant_name: str
    requested_fen: int
    approved_fen: int | None = None
    per_capita_income_fen: int
    entered_at: str
    escalations: int


class AidPage(Schema):
    items: list[AidApplicationSummary]
    next_cursor: str | None = None


class MineQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class QueueQuery(Schema):
    state: StateName = Field("enterprise_review", description="队列：申请所处的环节")
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")
    aid_type: AidTypeCode | None = None
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class StepBody(Schema):
    from_state: StateName = Field(..., description="审核人看到的环节（防止重复处理）")
    action: StaffAction
    opinion: str = Field("", max_length=500, description="审核意见；退回和不予通过必填")
    amount_fen: AidFen | None = Field(None, description="核定金额（区总工会审核通过时必填；年度上限由业务规则核对）")


class DisburseBody(Schema):
    amount_fen: AidFen = Field(..., le=max(t.yearly_cap_fen for t in AID_TYPES.values()))
    reference: str = Field(..., min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="银行流水号")


class ObjectionBody(Schema):
    text: str = Field(..., min_length=5, max_length=500)


class NoticeItem(Schema):
    app_id: str
    applicant: str
    aid_type_name: str
    approved_fen: int | None
    notice_ends_at: str | None


class NoticeList(Schema):
    items: list[NoticeItem]
    next_cursor: str | None = None


class NoticeQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class NotificationView(Schema):
    at: str
    app_id: str
    title: str
    body: str
    state: str


class NotificationList(Schema):
    items: list[NotificationView]
    next_cursor: str | None = None


class FiguresQuery(Schema):
    org: str | None = Field(None, max_length=200)
    year: int | None = Field(None, ge=2000, le=2100)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class AidFigures(Schema):
    org: str
    year: int
    by_state: dict[str, int]
    by_type: dict[str, int]
    median_days_per_step: dict[str, float | None]
    disbursed_fen: int
    disbursed_count: int


class ScopeSettingsBody(Schema):
    org_path: str = Field(..., max_length=200)
    escalate_after_days: int = Field(..., ge=1, le=60, description="待审超过多少天上报上级")
    notice_days: int = Field(..., ge=1, le=30, description="公示天数")

    _org = field_validator("org_path")(check_path)


class ScopeSettingsView(Schema):
    org_path: str
    escalate_after_days: int
    notice_days: int


DOC_KIND_NAMES = DOC_KINDS
