"""Requests and views of the enterprise register, the legal-person login and the figures."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Line, Schema

Industry = Literal["manufacturing", "construction", "transport", "wholesale_retail", "hospitality", "it",
                   "finance", "real_estate", "services", "agriculture", "education", "health", "other"]
INDUSTRY_NAMES = {"manufacturing": "制造业", "construction": "建筑业", "transport": "交通运输、仓储和邮政业",
                  "wholesale_retail": "批发和零售业", "hospitality": "住宿和餐饮业",
                  "it": "信息传输、软件和信息技术服务业", "finance": "金融业", "real_estate": "房地产业",
                  "services": "租赁和商务服务业", "agriculture": "农、林、牧、渔业", "education": "教育",
                  "health": "卫生和社会工作", "other": "其他"}
Size = Literal["large", "medium", "small", "micro"]
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _org(value: str | None) -> str | None:
    return check_path(value) if value else value


class EnterpriseBody(Schema):
    credit_code: str = Field(..., min_length=18, max_length=18, description="统一社会信用代码（GB 32100，含校验位）",
                             examples=["91330503MA2B3C4D5N"])
    name: Line = Field(..., min_length=2, max_length=80, description="企业名称", examples=["浙江三行电气科技有限公司"])
    org_path: str = Field(..., max_length=200, description="企业工会组织节点（区县之下；不存在时一并登记）",
                          examples=["zj/huz/nanxun/e-sanxing"])
    industry: Industry = Field(..., description="行业", examples=["manufacturing"])
    size: Size = Field(..., description="企业规模", examples=["medium"])
    union_founded: bool = Field(..., description="是否已建立工会", examples=[True])

    _path = field_validator("org_path")(check_path)

    @field_validator("credit_code", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class EnterprisePatch(Schema):
    name: Line | None = Field(None, min_length=2, max_length=80, description="企业名称",
                              examples=["浙江三行电气科技有限公司"])
    industry: Industry | None = Field(None, description="行业", examples=["manufacturing"])
    size: Size | None = Field(None, description="企业规模", examples=["large"])
    union_founded: bool | None = Field(None, description="是否已建立工会", examples=[True])


class EnterpriseView(Schema):
    credit_code: str = Field(..., examples=["91330503MA2B3C4D5N"])
    name: str = Field(..., examples=["浙江三行电气科技有限公司"])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    district_path: str = Field(..., examples=["zj/huz/nanxun"])
    industry: str = Field(..., examples=["manufacturing"])
    industry_name: str = Field(..., examples=["制造业"])
    size: str = Field(..., examples=["medium"])
    size_name: str = Field(..., examples=["中型"])
    union_founded: bool = Field(..., examples=[True])
    legal_person: str | None = Field(None, description="法定代表人（法人登录时由政务服务网提供）", examples=["沈三行"])
    updated_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])


class EnterpriseListQuery(Schema):
    org: str | None = Field(None, max_length=200, description="区县或市级组织路径，默认本人管辖范围",
                            examples=["zj/huz/nanxun"])
    industry: Industry | None = Field(None, description="按行业筛选", examples=["manufacturing"])
    size: Size | None = Field(None, description="按规模筛选", examples=["medium"])
    union_founded: bool | None = Field(None, description="按是否建会筛选", examples=[True])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    next_token: str | None = Field(None, max_length=2048, description="上一页返回的 next_token")

    _path = field_validator("org")(_org)


class EnterpriseList(Schema):
    items: list[EnterpriseView]
    next_token: str | None = Field(None, description="下一页的游标；为空表示没有更多")


class EnterpriseLegalLogin(Schema):
    ssotoken: str = Field(..., min_length=8, max_length=512,
                          description="政务服务网法人统一身份认证回跳时带回的 ssotoken",
                          examples=["ST-7f3c9a1e5b2d4c6a8e0f"])


# --- figures ------------------------------------------------------------------------------------

class EnterpriseMetric(Schema):
    key: str = Field(..., examples=["roster_members"])
    name: str = Field(..., examples=["会员库在册会员"])
    unit: str = Field(..., examples=["人"])


class EnterpriseMonthFigures(Schema):
    month: str = Field(..., examples=["2026-11"])
    figures: dict[str, int] = Field(..., description="指标键 → 数值（金额为分）", examples=[{"roster_members": 120}])


class EnterpriseFiguresQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围", examples=["zj/huz/nanxun"])
    month_from: str = Field(..., pattern=MONTH, description="起始月份（含）", examples=["2026-06"])
    month_to: str = Field(..., pattern=MONTH, description="截止月份（含）", examples=["2026-11"])

    _path = field_validator("org")(_org)


class EnterpriseFiguresView(Schema):
    org_path: str = Field(..., examples=["zj/huz/nanxun"])
    org_name: str = Field(..., examples=["湖州市南浔区总工会"])
    metrics: list[EnterpriseMetric]
    months: list[EnterpriseMonthFigures]


class EnterpriseChildrenQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围", examples=["zj/huz/nanxun"])
    month: str = Field(..., pattern=MONTH, description="月份", examples=["2026-11"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    next_token: str | None = Field(None, max_length=2048, description="上一页返回的 next_token")

    _path = field_validator("org")(_org)


class EnterpriseChildFigures(Schema):
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field(..., examples=["浙江三行电气科技有限公司工会"])
    kind: Literal["city", "district", "enterprise"] = Field(..., examples=["enterprise"])
    figures: dict[str, int] = Field(..., examples=[{"roster_members": 120}])


class EnterpriseChildrenView(Schema):
    org_path: str = Field(..., examples=["zj/huz/nanxun"])
    month: str = Field(..., examples=["2026-11"])
    items: list[EnterpriseChildFigures]
    next_token: str | None = Field(None, description="下一页的游标；为空表示没有更多")


class EnterpriseExportQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围", examples=["zj/huz/nanxun"])
    month_from: str = Field(..., pattern=MONTH, description="起始月份（含）", examples=["2026-06"])
    month_to: str = Field(..., pattern=MONTH, description="截止月份（含）", examples=["2026-11"])

    _path = field_validator("org")(_org)
