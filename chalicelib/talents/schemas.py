"""Requests and views of the 千名技能人才 programme: rounds, declarations, bulk declaration by
XLSX, review, and the talent pool."""
from __future__ import annotations

import enum
from typing import Literal

from pydantic import Field, field_validator

from chalicelib.platform.schema import Line, Schema

ORG_PATTERN = r"^[a-z0-9-]+(/[a-z0-9-]+)*$"
OCCUPATION_PATTERN = r"^\d-\d{2}-\d{2}-\d{2}$"
ID_EXAMPLE_MASKED = "330106********7714"


class SkillLevel(enum.StrEnum):
    """国家职业资格（职业技能等级）五个等级，从低到高。"""

    JUNIOR = "junior"                        # 五级/初级工
    INTERMEDIATE = "intermediate"            # 四级/中级工
    SENIOR = "senior"                        # 三级/高级工
    TECHNICIAN = "technician"                # 二级/技师
    SENIOR_TECHNICIAN = "senior_technician"  # 一级/高级技师


LEVEL_NAMES: dict[SkillLevel, str] = {
    SkillLevel.JUNIOR: "五级/初级工",
    SkillLevel.INTERMEDIATE: "四级/中级工",
    SkillLevel.SENIOR: "三级/高级工",
    SkillLevel.TECHNICIAN: "二级/技师",
    SkillLevel.SENIOR_TECHNICIAN: "一级/高级技师",
}

STATE_NAMES = {
    "draft": "草稿", "submitted": "已提交，待区县工会审核", "returned": "已退回修改",
    "city_review": "区县已通过，待市总工会复核", "approved": "已通过，入选人才库", "rejected": "未通过",
}
ATTACHMENT_KIND_NAMES = {"certificate": "技能证书", "award": "获奖证明"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- rounds -------------------------------------------------------------------------------

class TalentRoundBody(Schema):
    year: int = Field(..., ge=2020, le=2100, description="申报年度", examples=[2026])
    title: Line = Field(..., min_length=2, max_length=60, description="申报名称",
                        examples=["2026年度南浔区千名技能人才申报"])
    deadline: str = Field(..., pattern=r"^\d{4}-\d{2}-\d{2}$", description="截止日期（北京时间，当天有效）",
                          examples=["2026-12-31"])
    quota_per_enterprise: int = Field(..., ge=1, le=5000, description="每家企业可申报人数上限", examples=[10])
    city_step: bool = Field(False, description="区县审核通过后是否还需市总工会复核", examples=[False])


class TalentRoundView(Schema):
    round_id: str = Field(..., description="申报批次编号", examples=["tr-2026-6f1c2a9d"])
    year: int = Field(..., examples=[2026])
    title: str = Field(..., examples=["2026年度南浔区千名技能人才申报"])
    org_path: str = Field(..., description="发起申报的工会节点", examples=["zj/huz/nanxun"])
    org_name: str = Field(..., examples=["南浔区总工会"])
    deadline: str = Field(..., examples=["2026-12-31"])
    open: bool = Field(..., description="是否仍在申报期内", examples=[True])
    quota_per_enterprise: int = Field(..., examples=[10])
    city_step: bool = Field(..., examples=[False])
    created_at: str = Field(..., examples=["2026-11-30T02:00:00.000Z"])


class TalentRoundList(Schema):
    items: list[TalentRoundView]


class TalentRoundQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN,
                            description="工会节点（含下级），默认本人所在节点", examples=["zj/huz/nanxun"])


class TalentProgressRow(Schema):
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field(..., examples=["浙江三行电气科技有限公司工会"])
    declared: int = Field(..., description="已建申报（含草稿）", examples=[3])
    submitted: int = Field(..., description="已提交（占用名额）", examples=[3])
    approved: int = Field(..., examples=[2])
    rejected: int = Field(..., examples=[0])
    quota: int = Field(..., examples=[10])


class TalentProgressPage(Schema):
    round_id: str = Field(..., examples=["tr-2026-6f1c2a9d"])
    items: list[TalentProgressRow]
    next_cursor: str | None = Field(None, examples=[None])


class TalentProgressQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN,
                            description="只看该节点（含下级）的企业，默认本人所在节点", examples=["zj/huz/nanxun"])
    limit: int = Field(50, ge=1, le=100, description="每页条数", examples=[50])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


# --- declarations -------------------------------------------------------------------------

class TalentDeclarationBody(Schema):
    real_name: Line = Field(..., min_length=2, max_length=30, description="姓名（须与本单位工会会员名册一致）",
                            examples=["陈宏鑫"])
    id_number: str = Field(..., min_length=15, max_length=40, description="身份证号（加密保存，只显示掩码）",
                           examples=["330106200103047714"])
    occupation_code: str = Field(..., max_length=12, pattern=OCCUPATION_PATTERN,
                                 description="职业编码（国家职业分类大典细类）", examples=["6-31-01-03"])
    level: SkillLevel = Field(..., description="技能等级：junior 五级/初级工 … senior_technician 一级/高级技师",
                              examples=["technician"])
    recommendation: str = Field(..., min_length=10, max_length=2000, description="推荐理由",
                                examples=["从事电气装配十二年，主持完成变频柜装配工艺改进，年节约成本三十万元。"])
    submit: bool = Field(False, description="true：保存并提交区县工会审核；false：只保存草稿", examples=[False])


class TalentDeclarationEdit(Schema):
    occupation_code: str | None = Field(None, max_length=12, pattern=OCCUPATION_PATTERN,
                                        description="职业编码", examples=["6-31-01-03"])
    level: SkillLevel | None = Field(None, description="技能等级", examples=["senior_technician"])
    recommendation: str | None = Field(None, min_length=10, max_length=2000, description="推荐理由",
                                       examples=["补充：2025年获湖州市职业技能大赛电工项目一等奖。"])


class TalentAttachmentBody(Schema):
    kind: Literal["certificate", "award"] = Field(..., description="certificate 技能证书；award 获奖证明",
                                                  examples=["certificate"])
    filename: Line = Field(..., min_length=1, max_length=100, pattern=r"^[^/\\]+$", description="文件名",
                           examples=["电工技师证书.pdf"])
    content_type: Literal["image/jpeg", "image/png", "application/pdf"] = Field(
        ..., description="文件类型：仅限 JPEG、PNG 图片或 PDF", examples=["application/pdf"])
    size_bytes: int = Field(..., ge=1, le=MAX_ATTACHMENT_BYTES, description="文件大小（字节），不超过 10 MB",
                            examples=[204800])


class TalentUploadTicket(Schema):
    key: str = Field(..., description="上传对象键", examples=["talents/td-1/certificate/ab12-证书.pdf"])
    url: str = Field(..., description="预签名上传地址（POST 表单）", examples=["https://uploads.example/"])
    fields: dict[str, str] = Field(..., description="随表单提交的字段")
    max_bytes: int = Field(..., description="允许的最大字节数", examples=[204800])
    expires_in: int = Field(..., description="上传地址有效秒数", examples=[900])
    next_step: str = Field(..., description="接下来做什么",
                           examples=["用 url 和 fields 以表单 POST 上传文件；提交申报时只计入已上传的文件"])


class TalentAttachmentView(Schema):
    kind: str = Field(..., examples=["certificate"])
    kind_name: str = Field(..., examples=["技能证书"])
    filename: str = Field(..., examples=["电工技师证书.pdf"])
    content_type: str = Field(..., examples=["application/pdf"])
    uploaded: bool = Field(..., description="文件是否已上传（提交时核对）", examples=[True])


class TalentDecisionView(Schema):
    step: str = Field(..., description="district 区县审核；city 市级复核", examples=["district"])
    action: str = Field(..., examples=["return"])
    action_name: str = Field(..., examples=["退回修改"])
    reason: str = Field("", examples=["请补充技师证书扫描件"])
    by_name: str = Field(..., examples=["南浔区总工会 杨老师"])
    at: str = Field(..., examples=["2026-12-02T03:00:00.000Z"])


class TalentDeclarationView(Schema):
    declaration_id: str = Field(..., examples=["td-3b8f0c2d9e1a4f5b6c7d"])
    round_id: str = Field(..., examples=["tr-2026-6f1c2a9d"])
    org_path: str = Field(..., description="申报企业工会", examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field(..., examples=["浙江三行电气科技有限公司工会"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    id_masked: str = Field(..., description="身份证号（掩码）", examples=[ID_EXAMPLE_MASKED])
    occupation_code: str = Field(..., examples=["6-31-01-03"])
    occupation_name: str = Field(..., examples=["电工"])
    level: SkillLevel = Field(..., examples=["technician"])
    level_name: str = Field(..., examples=["二级/技师"])
    recommendation: str = Field(..., examples=["从事电气装配十二年……"])
    state: str = Field(..., examples=["submitted"])
    state_name: str = Field(..., examples=["已提交，待区县工会审核"])
    attachments: list[TalentAttachmentView] = Field(default_factory=list)
    decisions: list[TalentDecisionView] = Field(default_factory=list)
    created_at: str = Field(..., examples=["2026-11-30T02:00:00.000Z"])
    submitted_at: str | None = Field(None, examples=["2026-11-30T02:05:00.000Z"])
    next_step: str = Field(..., description="接下来会发生什么、如何得知",
                           examples=["等待南浔区总工会审核；结果会发到申报人的消息中心"])


class TalentDeclarationRow(Schema):
    declaration_id: str = Field(..., examples=["td-3b8f0c2d9e1a4f5b6c7d"])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field(..., examples=["浙江三行电气科技有限公司工会"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    id_masked: str = Field(..., examples=[ID_EXAMPLE_MASKED])
    occupation_code: str = Field(..., examples=["6-31-01-03"])
    occupation_name: str = Field(..., examples=["电工"])
    level: SkillLevel = Field(..., examples=["technician"])
    level_name: str = Field(..., examples=["二级/技师"])
    state: str = Field(..., examples=["submitted"])
    state_name: str = Field(..., examples=["已提交，待区县工会审核"])
    updated_at: str = Field(..., examples=["2026-11-30T02:05:00.000Z"])


class TalentDeclarationPage(Schema):
    items: list[TalentDeclarationRow]
    next_cursor: str | None = Field(None, examples=[None])


class TalentDeclarationQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN,
                            description="企业工会节点（工会管理员查看某企业时必填；企业管理员默认本单位）",
                            examples=["zj/huz/nanxun/e-sanxing"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class TalentReviewQuery(Schema):
    state: Literal["submitted", "city_review", "returned", "approved", "rejected"] = Field(
        "submitted", description="submitted 待区县审核（org 为区县）；city_review 待市级复核（org 为市）；"
                                 "returned / approved / rejected 按区县查看", examples=["submitted"])
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN,
                            description="区县节点（city_review 时为市级节点），默认本人所在节点",
                            examples=["zj/huz/nanxun"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class TalentDecisionBody(Schema):
    action: Literal["approve", "return", "reject"] = Field(
        ..., description="approve 通过；return 退回修改（须写理由）；reject 不通过（须写理由）", examples=["approve"])
    reason: str | None = Field(None, min_length=2, max_length=500, description="理由（退回、不通过时必填）",
                               examples=["推荐理由与证书等级不符，请补充技师证书"])


# --- bulk declaration ---------------------------------------------------------------------

class TalentTemplateView(Schema):
    filename: str = Field(..., examples=["千名技能人才申报模板.xlsx"])
    content_type: str = Field(..., examples=["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
    content_base64: str = Field(..., description="XLSX 文件内容（Base64）", examples=["UEsDBBQAAAAIAA=="])
    columns: list[str] = Field(..., examples=[["姓名", "身份证号", "职业编码", "技能等级", "推荐理由"]])


class TalentBulkUploadBody(Schema):
    filename: Line = Field(..., min_length=1, max_length=120, pattern=r"(?i)^[^/\\]+\.xlsx$",
                           description="文件名（.xlsx）", examples=["三行电气技能人才申报.xlsx"])


class TalentBulkTicket(Schema):
    upload_id: str = Field(..., examples=["tu-0c9d8e7f6a5b4c3d2e1f"])
    url: str = Field(..., description="预签名上传地址（POST 表单）", examples=["https://uploads.example/"])
    fields: dict[str, str] = Field(..., description="随表单提交的字段")
    max_bytes: int = Field(..., examples=[2097152])
    expires_in: int = Field(..., examples=[900])
    next_step: str = Field(..., examples=["上传后调用 POST /talents/rounds/{round_id}/bulk/{upload_id} 逐行校验并申报"])


class TalentBulkRejection(Schema):
    row: int = Field(..., description="Excel 行号（表头为第 1 行）", examples=[7])
    code: str = Field(..., examples=["TALENT_NOT_ON_ROSTER"])
    reason: str = Field(..., examples=["该职工不在本单位工会会员名册中"])


class TalentBulkResult(Schema):
    upload_id: str = Field(..., examples=["tu-0c9d8e7f6a5b4c3d2e1f"])
    rows: int = Field(..., description="数据行数", examples=[3])
    declared: int = Field(..., description="本次新申报并提交的人数", examples=[3])
    already_declared: int = Field(..., description="本批次已由本单位申报过、本次未重复申报的人数", examples=[0])
    rejected: list[TalentBulkRejection] = Field(default_factory=list)
    next_step: str = Field(..., examples=["新申报已提交区县工会审核；被拒的行改正后可再次上传，已申报的人不会重复"])


# --- talent pool --------------------------------------------------------------------------

class TalentPoolQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN,
                            description="市、区县或企业节点（含下级），默认本人所在节点", examples=["zj/huz/nanxun"])
    occupation_code: str | None = Field(None, max_length=12, pattern=OCCUPATION_PATTERN, examples=["6-31-01-03"])
    level: SkillLevel | None = Field(None, examples=["technician"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")

    @field_validator("org")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        return value or None


class TalentPoolRow(Schema):
    talent_id: str = Field(..., examples=["td-3b8f0c2d9e1a4f5b6c7d"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    id_masked: str = Field(..., examples=[ID_EXAMPLE_MASKED])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field(..., examples=["浙江三行电气科技有限公司工会"])
    occupation_code: str = Field(..., examples=["6-31-01-03"])
    occupation_name: str = Field(..., examples=["电工"])
    level: SkillLevel = Field(..., examples=["technician"])
    level_name: str = Field(..., examples=["二级/技师"])
    year: int = Field(..., examples=[2026])
    approved_at: str = Field(..., examples=["2026-12-05T06:00:00.000Z"])


class TalentPoolPage(Schema):
    items: list[TalentPoolRow]
    next_cursor: str | None = Field(None, examples=[None])


class TalentCountRow(Schema):
    org_path: str = Field(..., description="区县工会", examples=["zj/huz/nanxun"])
    approved: int = Field(..., description="人才库人数", examples=[2])
    target: int = Field(..., description="目标人数（工会设定，默认 1000）", examples=[1000])
    percent: float = Field(..., description="完成比例（%）", examples=[0.2])


class TalentCountsView(Schema):
    org_path: str = Field(..., examples=["zj/huz/nanxun"])
    items: list[TalentCountRow]
    total: int = Field(..., examples=[2])


class TalentCountsQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN, description="市或区县节点，默认本人所在节点",
                            examples=["zj/huz"])


class TalentTargetBody(Schema):
    org_path: str = Field(..., max_length=200, pattern=ORG_PATTERN, description="区县工会节点",
                          examples=["zj/huz/nanxun"])
    target: int = Field(..., ge=1, le=1_000_000, description="目标人数", examples=[1000])
