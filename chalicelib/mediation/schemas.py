"""Requests and views of labour-dispute mediation (劳动争议调解)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Line, Schema

MediationCategory = Literal["wage_arrears", "social_insurance", "work_injury", "contract_termination",
                            "overtime", "other"]
CATEGORY_NAMES = {"wage_arrears": "欠薪", "social_insurance": "社会保险", "work_injury": "工伤",
                  "contract_termination": "解除劳动合同", "overtime": "加班", "other": "其他"}
STATE_NAMES = {"filed": "已申请，待受理", "accepted": "已受理，待指派调解员", "mediating": "调解中",
               "agreement_proposed": "调解协议待双方确认", "settled": "已达成调解协议",
               "failed": "调解不成，可申请劳动仲裁", "declined": "不予受理"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class MediationFileBody(Schema):
    category: MediationCategory = Field(..., description="争议类别：欠薪、社会保险、工伤、解除劳动合同、加班、其他",
                                        examples=["wage_arrears"])
    respondent_kind: Literal["enterprise", "worker"] = Field(..., description="对方当事人类型：企业或职工",
                                                            examples=["enterprise"])
    respondent_org: str | None = Field(None, max_length=200, pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)*$",
                                       description="对方企业的组织节点（对方为企业时必填）",
                                       examples=["zj/ls/jinyun/e-huayuan"])
    respondent_user_id: str | None = Field(None, min_length=1, max_length=64,
                                           description="对方职工的用户编号（对方为职工时必填）", examples=["w-2"])
    respondent_name: Line = Field(..., min_length=1, max_length=60, description="对方当事人名称",
                                  examples=["缙云华源机械有限公司"])
    claim: str = Field(..., min_length=5, max_length=2000, description="请求事项与事实理由",
                       examples=["公司拖欠 2026 年 9、10 月工资共 12000 元，请求一次付清。"])
    amount_fen: int | None = Field(None, ge=0, le=10**11, description="涉及金额（分）", examples=[1200000])
    applicant_name: Line | None = Field(None, min_length=1, max_length=40, description="申请人姓名或名称",
                                        examples=["王师傅"])


class MediationEvidenceBody(Schema):
    filename: Line = Field(..., min_length=1, max_length=100, pattern=r"^[^/\\]+$", description="文件名",
                           examples=["工资条.jpg"])
    content_type: Literal["image/jpeg", "image/png", "application/pdf"] = Field(
        ..., description="文件类型：仅限 JPEG、PNG 图片或 PDF", examples=["image/jpeg"])
    size_bytes: int = Field(..., ge=1, description="文件大小（字节），不超过 10 MB", examples=[204800])


class MediationUploadTicket(Schema):
    key: str = Field(..., description="上传对象键", examples=["mediation/c-1/evidence/ab12-工资条.jpg"])
    url: str = Field(..., description="预签名上传地址", examples=["https://uploads.example/"])
    fields: dict[str, str] = Field(..., description="随表单提交的字段")
    max_bytes: int = Field(..., description="允许的最大字节数", examples=[MAX_EVIDENCE_BYTES])
    expires_in: int = Field(..., description="上传地址有效秒数", examples=[900])


class MediationDecisionBody(Schema):
    action: Literal["accept", "decline"] = Field(..., description="受理或不予受理", examples=["accept"])
    reason: str | None = Field(None, min_length=2, max_length=500, description="不予受理的理由",
                               examples=["该争议已进入劳动仲裁程序"])
    referral: str | None = Field(None, min_length=2, max_length=200, description="不予受理时建议的去处",
                                 examples=["缙云县劳动人事争议仲裁委员会"])


class MediationAssignBody(Schema):
    mediator_id: str = Field(..., min_length=1, max_length=64, description="调解员（工会工作人员）的用户编号",
                             examples=["demo-jinyun-mediator"])


class MediationSessionBody(Schema):
    venue_id: str = Field(..., pattern=r"^v-[a-f0-9]{12}$", description="调解室（预约引擎中的场馆编号）",
                          examples=["v-0123456789ab"])
    date: dt.date = Field(..., description="日期（北京时间）", examples=["2026-12-03"])
    start: str = Field(..., pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="时段开始时间（北京时间）",
                       examples=["09:00"])
    note: Line = Field("", max_length=200, description="备注", examples=["请携带工资条原件"])


class MediationAgreementBody(Schema):
    text: str = Field(..., min_length=10, max_length=5000, description="调解协议书正文",
                      examples=["被申请人于 2026 年 12 月 10 日前一次性支付拖欠工资 12000 元。"])


class MediationFailureBody(Schema):
    reason: str = Field(..., min_length=2, max_length=500, description="调解不成的原因", examples=["双方分歧较大"])
    arbitration_referral: Line = Field(..., min_length=2, max_length=200, description="告知可申请仲裁的机构",
                                       examples=["缙云县劳动人事争议仲裁委员会"])


class MediationExtensionBody(Schema):
    days: int = Field(..., ge=1, le=30, description="双方书面同意延长的天数", examples=[10])


class MediationPageQuery(Schema):
    limit: int = Field(20, ge=1, le=50, description="每页条数", examples=[20])


class MediationListQuery(Schema):
    org: str | None = Field(None, max_length=200, description="区县工会的组织路径；不填则取本人所在的区县",
                            examples=["zj/ls/jinyun"])
    limit: int = Field(20, ge=1, le=50, description="每页条数", examples=[20])

    _org = field_validator("org")(check_path)


class MediationSessionView(Schema):
    session_id: str = Field(..., examples=["s-1"])
    starts_at: str = Field(..., examples=["2026-12-03T01:30:00.000Z"])
    room: str = Field(..., description="调解室名称", examples=["新建镇职工服务中心 调解室"])
    venue_id: str | None = Field(None, description="调解室的场馆编号", examples=["v-0123456789ab"])
    booking_id: str | None = Field(None, description="预约引擎中为本案占用该时段的预约编号",
                                   examples=["e-0f3b8c1d2a4e5f6a7b8c"])
    note: str = Field("", examples=[""])


class MediationEvidenceView(Schema):
    filename: str = Field(..., examples=["工资条.jpg"])
    content_type: str = Field(..., examples=["image/jpeg"])
    size_bytes: int = Field(..., examples=[204800])
    party: str = Field(..., examples=["applicant"])
    uploaded_at: str = Field(..., examples=["2026-11-30T02:00:00.000Z"])


class MediationCaseView(Schema):
    case_id: str = Field(..., description="案件编号", examples=["c-9f2a"])
    category: str = Field(..., examples=["wage_arrears"])
    category_name: str = Field(..., examples=["欠薪"])
    state: str = Field(..., examples=["mediating"])
    state_name: str = Field(..., examples=["调解中"])
    applicant_name: str = Field(..., examples=["王师傅"])
    respondent_name: str = Field(..., examples=["缙云华源机械有限公司"])
    claim: str = Field(..., examples=["拖欠工资"])
    amount_fen: int | None = Field(None, examples=[1200000])
    district_path: str = Field(..., examples=["zj/ls/jinyun"])
    filed_at: str = Field(..., examples=["2026-11-30T02:00:00.000Z"])
    deadline_at: str = Field(..., description="调解期限（收到申请之日起十五日，双方书面同意可延长）",
                             examples=["2026-12-15T02:00:00.000Z"])
    your_relation: str = Field(..., description="你与本案的关系：applicant/respondent/mediator/supervisor",
                               examples=["applicant"])
    mediator_name: str | None = Field(None, examples=["调解员 周老师"])
    decline_reason: str | None = None
    referral: str | None = None
    sessions: list[MediationSessionView] = Field(default_factory=list)
    evidence: list[MediationEvidenceView] = Field(default_factory=list)
    agreement: str | None = Field(default=None, description="调解协议全文（双方确认后生效）")
    confirmed_by: list[str] = Field(default_factory=list, examples=[["applicant"]])
    failure_reason: str | None = None
    arbitration_referral: str | None = None
    extension_days: int | None = None
    extension_agreed_by: list[str] = Field(default_factory=list)
    arbitration_right_notified: bool = Field(False, description="是否已告知可申请劳动仲裁")


class MediationCaseList(Schema):
    items: list[MediationCaseView]


class MediationAccessView(Schema):
    at: str = Field(..., examples=["2026-11-30T02:00:00.000Z"])
    user_id: str = Field(..., examples=["demo-jinyun-admin"])
    role: str = Field(..., examples=["union_admin"])
    relation: str = Field(..., examples=["supervisor"])
    action: str = Field(..., examples=["read"])


class MediationAccessLog(Schema):
    items: list[MediationAccessView]
