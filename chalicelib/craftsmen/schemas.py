"""Requests and views of the craftsman archive (南浔工匠 一人一档)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import SubsidyFen
from chalicelib.platform.schema import Line, Schema

EntryKind = Literal["certificate", "competition", "patent", "operation_method", "golden_idea", "training", "honour"]
KIND_NAMES = {"certificate": "技能证书", "competition": "竞赛成绩", "patent": "专利", "operation_method": "先进操作法",
              "golden_idea": "金点子", "training": "培训学时", "honour": "荣誉"}
Level = Literal["national", "provincial", "city", "district", "enterprise"]
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "city": "市级", "district": "区县级", "enterprise": "企业级"}
CHANGE_NAMES = {"created": "建立", "edited": "修改", "evidence_added": "上传证明材料"}
GENDER_NAMES = {"male": "男", "female": "女"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")

# What each kind must say (beyond a title), as the archive's paper form asks.
REQUIRED = {"certificate": ("number",), "competition": ("level", "rank", "year"), "patent": ("number", "year"),
            "operation_method": ("year",), "golden_idea": ("year",), "training": ("hours", "year"),
            "honour": ("level", "year")}
FIELD_NAMES = {"number": "证书或专利编号", "level": "级别", "rank": "名次或奖项", "year": "年份", "hours": "学时"}


class CraftsmanFileBody(Schema):
    real_name: Line = Field(..., min_length=2, max_length=20, description="姓名（与工会会员名册一致）",
                            examples=["陈宏鑫"])
    id_number: str = Field(..., min_length=15, max_length=24, description="身份证号码（加密保存，显示时打码）",
                           examples=["330106200103047714"])
    occupation: Line = Field("", max_length=40, description="职业（工种）", examples=["电工"])
    job_title: Line = Field("", max_length=40, description="技能等级或职称", examples=["二级/技师"])


class CraftsmanEntryBody(Schema):
    kind: EntryKind = Field(..., examples=["competition"],
                            description="条目类别：技能证书、竞赛成绩、专利、先进操作法、金点子、培训学时、荣誉")
    title: Line = Field(..., min_length=2, max_length=80, examples=["湖州市电工职业技能竞赛"],
                        description="证书、赛事、专利、操作法、金点子、培训或荣誉的名称")
    year: int | None = Field(None, ge=1950, le=2100, description="年份", examples=[2025])
    level: Level | None = Field(None, description="级别：国家级、省级、市级、区县级、企业级", examples=["city"])
    rank: Line | None = Field(None, min_length=1, max_length=20, description="名次或奖项（竞赛成绩必填）",
                              examples=["一等奖"])
    number: Line | None = Field(None, min_length=1, max_length=40, description="证书或专利编号",
                                examples=["S000033050000251000123"])
    issuer: Line | None = Field(None, min_length=1, max_length=60, description="发证或授予单位",
                                examples=["湖州市总工会"])
    hours: int | None = Field(None, ge=1, le=5000, description="培训学时", examples=[48])
    description: str = Field("", max_length=500, description="说明", examples=["高压开关柜装配项目"])

    @model_validator(mode="after")
    def _required(self) -> CraftsmanEntryBody:
        missing = [FIELD_NAMES[f] for f in REQUIRED[self.kind] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"{KIND_NAMES[self.kind]}需要填写：{'、'.join(missing)}")
        return self


class CraftsmanEntryEdit(CraftsmanEntryBody):
    version: int = Field(..., ge=1, description="修改所依据的当前版本号（他人刚改过则拒绝）", examples=[1])


class CraftsmanEvidenceBody(Schema):
    filename: Line = Field(..., min_length=1, max_length=100, pattern=r"^[^/\\]+$", description="文件名",
                           examples=["竞赛获奖证书.jpg"])
    content_type: str = Field(..., min_length=3, max_length=100, description="文件类型：仅限 JPEG、PNG 图片或 PDF",
                              examples=["image/jpeg"])
    size_bytes: int = Field(..., ge=1, le=10**12, description="文件大小（字节），不超过 10 MB", examples=[204800])


class CraftsmanVerifyBody(Schema):
    version: int = Field(..., ge=1, description="核验的版本号（核验的是这一版的内容）", examples=[1])


class CraftsmanListQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织（其下所有企业），默认本人所在组织",
                            examples=["zj/huz/nanxun"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="翻页游标")

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class CraftsmanClaimItem(Schema):
    file_id: str = Field(..., min_length=3, max_length=40, description="档案编号",
                         examples=["cm-0123456789abcdef01234567"])
    entry_id: str = Field(..., min_length=3, max_length=40, description="条目编号", examples=["ce-0123456789abcdef"])
    cost_fen: SubsidyFen | None = Field(None, description="按费用补助的项目（如承办竞赛）须填实际合规费用（分）",
                                        examples=[5000000])


class CraftsmanClaimBody(Schema):
    items: list[CraftsmanClaimItem] = Field(..., min_length=1, max_length=20, description="申报的已核验条目")

    @model_validator(mode="after")
    def _unique(self) -> CraftsmanClaimBody:
        keys = [(i.file_id, i.entry_id) for i in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("同一条目在一次申报中只能出现一次")
        return self


class CraftsmanEvidenceView(Schema):
    key: str = Field(..., description="对象键", examples=["craftsmen/cm-1/ce-1/ab12cd34-证书.jpg"])
    filename: str = Field(..., examples=["竞赛获奖证书.jpg"])
    content_type: str = Field(..., examples=["image/jpeg"])
    size_bytes: int = Field(..., examples=[204800])
    uploaded_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])
    download_url: str = Field(..., description="查看地址（5 分钟内有效）", examples=["https://uploads.example/..."])


class CraftsmanEntryView(Schema):
    entry_id: str = Field(..., examples=["ce-0123456789abcdef"])
    kind: EntryKind = Field(..., examples=["competition"])
    kind_name: str = Field(..., examples=["竞赛成绩"])
    title: str = Field(..., examples=["湖州市电工职业技能竞赛"])
    year: int | None = Field(None, examples=[2025])
    level: Level | None = Field(None, examples=["city"])
    level_name: str | None = Field(None, examples=["市级"])
    rank: str | None = Field(None, examples=["一等奖"])
    number: str | None = Field(None, examples=["S000033050000251000123"])
    issuer: str | None = Field(None, examples=["湖州市总工会"])
    hours: int | None = Field(None, examples=[48])
    description: str = Field("", examples=[""])
    evidence: list[CraftsmanEvidenceView]
    version: int = Field(..., description="当前版本号", examples=[2])
    verified: bool = Field(..., description="当前版本是否已由区县工会核验", examples=[True])
    verified_by_name: str | None = Field(None, examples=["南浔区总工会 杨老师"])
    verified_at: str | None = Field(None, examples=["2026-11-30T09:00:00.000Z"])
    claimed_app_id: str | None = Field(None, description="已申报的产改20条补助申请", examples=["sub-0123"])
    claimable: bool = Field(..., description="可否申报产改20条补助（已核验、可申报类别、未被申报）", examples=[True])
    updated_by_name: str = Field("", examples=["三行电气工会主席 沈嘉俊"])
    updated_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])


class CraftsmanFileView(Schema):
    file_id: str = Field(..., examples=["cm-0123456789abcdef01234567"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    id_masked: str = Field(..., description="打码的身份证号", examples=["330106********7714"])
    gender: Literal["male", "female"] | None = Field(None, examples=["male"])
    gender_name: str | None = Field(None, examples=["男"])
    birth_date: str | None = Field(None, examples=["2001-03-04"])
    occupation: str = Field("", examples=["电工"])
    job_title: str = Field("", examples=["二级/技师"])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field("", examples=["浙江三行电气科技有限公司工会"])
    created_by_name: str = Field("", examples=["三行电气工会主席 沈嘉俊"])
    created_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])
    training_hours: int = Field(..., description="已核验的培训学时合计", examples=[96])
    verified_entries: int = Field(..., examples=[3])
    unverified_entries: int = Field(..., examples=[1])
    entries: list[CraftsmanEntryView]


class CraftsmanFileRow(Schema):
    file_id: str = Field(..., examples=["cm-0123456789abcdef01234567"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    id_masked: str = Field(..., examples=["330106********7714"])
    occupation: str = Field("", examples=["电工"])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field("", examples=["浙江三行电气科技有限公司工会"])
    created_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])


class CraftsmanFilePage(Schema):
    items: list[CraftsmanFileRow]
    next_cursor: str | None = None


class CraftsmanVersionView(Schema):
    version: int = Field(..., examples=[1])
    change: Literal["created", "edited", "evidence_added"] = Field(..., examples=["created"])
    change_name: str = Field(..., examples=["建立"])
    changed_by_name: str = Field("", examples=["三行电气工会主席 沈嘉俊"])
    changed_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])
    title: str = Field(..., examples=["湖州市电工职业技能竞赛"])
    year: int | None = Field(None, examples=[2025])
    level: Level | None = Field(None, examples=["city"])
    rank: str | None = Field(None, examples=["一等奖"])
    number: str | None = Field(None, examples=[None])
    issuer: str | None = Field(None, examples=[None])
    hours: int | None = Field(None, examples=[None])
    description: str = Field("", examples=[""])
    evidence: list[str] = Field(..., description="该版本的证明材料文件名", examples=[["竞赛获奖证书.jpg"]])
    verified_by_name: str | None = Field(None, description="核验该版本的工会人员", examples=["南浔区总工会 杨老师"])
    verified_at: str | None = Field(None, examples=["2026-11-30T09:00:00.000Z"])


class CraftsmanHistory(Schema):
    entry_id: str = Field(..., examples=["ce-0123456789abcdef"])
    kind: EntryKind = Field(..., examples=["competition"])
    kind_name: str = Field(..., examples=["竞赛成绩"])
    current_version: int = Field(..., examples=[2])
    versions: list[CraftsmanVersionView] = Field(..., description="所有版本，从早到晚")


class CraftsmanUploadTicket(Schema):
    key: str = Field(..., description="上传对象键", examples=["craftsmen/cm-1/ce-1/ab12cd34-证书.jpg"])
    url: str = Field(..., description="预签名上传地址", examples=["https://uploads.example/"])
    fields: dict[str, str] = Field(..., description="随表单提交的字段")
    max_bytes: int = Field(..., description="允许的最大字节数", examples=[MAX_EVIDENCE_BYTES])
    expires_in: int = Field(..., description="上传地址有效秒数", examples=[900])
    entry: CraftsmanEntryView = Field(..., description="上传后条目的新版本（待区县工会重新核验）")


class CraftsmanPdfTicket(Schema):
    filename: str = Field(..., examples=["南浔工匠档案-陈宏鑫.pdf"])
    url: str = Field(..., description="PDF 下载地址（预签名，5 分钟内有效）", examples=["https://uploads.example/..."])
    expires_in: int = Field(..., description="下载地址有效秒数", examples=[300])
    size_bytes: int = Field(..., examples=[8192])


class CraftsmanClaimedEntry(Schema):
    file_id: str = Field(..., examples=["cm-0123456789abcdef01234567"])
    entry_id: str = Field(..., examples=["ce-0123456789abcdef"])
    real_name: str = Field(..., examples=["陈宏鑫"])
    kind: EntryKind = Field(..., examples=["operation_method"])
    kind_name: str = Field(..., examples=["先进操作法"])
    title: str = Field(..., examples=["开关柜母线一次对位操作法"])
    measure: str = Field(..., description="产改20条补助项目编码", examples=["operation_method"])


class CraftsmanClaimView(Schema):
    app_id: str = Field(..., description="新建的产改20条补助申请", examples=["sub-0123456789abcdef0123"])
    state: str = Field(..., examples=["calculating"])
    state_name: str = Field(..., examples=["计算中"])
    claimed: list[CraftsmanClaimedEntry]
    next_step: str = Field(..., description="接下来会发生什么", examples=[
        "补助金额由产改20条政策在后台计算（通常几秒），之后进入区县工会审核；"
        "用 GET /subsidy/applications/{app_id} 查看"])
