"""Requests and responses of 光年间 member tiers."""
from __future__ import annotations

from pydantic import Field, model_validator

from chalicelib.platform.schema import Schema

ORG_PATTERN = r"^zj(/[a-z0-9-]{1,40}){0,6}$"


class TierDefinition(Schema):
    name: str = Field(..., min_length=1, max_length=10, description="等级名称", examples=["亮星"])
    min_points: int = Field(..., ge=0, le=1_000_000, description="达到该等级所需积分", examples=[100])
    extra_first_messages: int = Field(0, ge=0, le=50, description="每天可多主动打招呼的人数", examples=[5])
    see_who_liked: bool = Field(False, description="可查看谁对我心动")


class TierConfigBody(Schema):
    org_path: str = Field(..., max_length=200, pattern=ORG_PATTERN, description="省或市总工会节点",
                          examples=["zj/hz"])
    based_on_version: int = Field(..., ge=0, description="修改所基于的版本号（首次设置为 0；并发修改时防覆盖）",
                                  examples=[1])
    tiers: list[TierDefinition] = Field(..., min_length=2, max_length=8,
                                        description="从低到高的等级；第一级门槛须为 0，门槛逐级递增")
    note: str = Field("", max_length=200, description="修改说明", examples=["提高恒星门槛"])

    @model_validator(mode="after")
    def _ordered(self) -> TierConfigBody:
        if self.tiers[0].min_points != 0:
            raise ValueError("第一级的门槛须为 0")
        if any(b.min_points <= a.min_points for a, b in zip(self.tiers, self.tiers[1:], strict=False)):
            raise ValueError("等级门槛须逐级递增")
        if len({t.name for t in self.tiers}) != len(self.tiers):
            raise ValueError("等级名称不能重复")
        return self


class TierConfigView(Schema):
    org_path: str = Field(..., description="定义所属的省或市节点（默认定义为 zj）", examples=["zj"])
    version: int = Field(..., description="版本号（0 为系统默认，从未修改）", examples=[1])
    tiers: list[TierDefinition]
    note: str = Field("", description="修改说明")
    changed_by_name: str = Field("", description="修改人", examples=["省总工会平台管理员"])
    changed_at: str | None = Field(None, description="修改时间（UTC）", examples=["2026-11-30T09:00:00.000Z"])


class TierConfigQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=ORG_PATTERN, description="省或市节点，默认 zj",
                            examples=["zj/hz"])


class TierConfigHistoryQuery(TierConfigQuery):
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class TierConfigHistory(Schema):
    items: list[TierConfigView] = Field(..., description="新的在前")
    next_cursor: str | None = None


class TierEarnRuleView(Schema):
    kind: str = Field(..., examples=["liked"])
    kind_name: str = Field(..., examples=["动态获得他人点赞"])
    points: int = Field(..., description="每次得分", examples=[2])
    cap: int = Field(..., description="上限次数", examples=[20])
    cap_per: str = Field(..., description="day：每天；ever：仅一次", examples=["day"])


class TierLevelView(Schema):
    level: int = Field(..., description="等级序号（0 起）", examples=[1])
    name: str = Field(..., examples=["亮星"])
    min_points: int = Field(..., examples=[100])
    extra_first_messages: int = Field(0, examples=[5])
    see_who_liked: bool = False
    unlocks: list[str] = Field(default_factory=list, description="该等级解锁的权益（中文）",
                               examples=[["每天多 5 次主动打招呼", "查看谁对我心动"]])


class TierMeView(Schema):
    points: int = Field(..., description="当前积分", examples=[120])
    tier: TierLevelView
    next_tier: TierLevelView | None = Field(None, description="下一等级；已是最高级为空")
    points_to_next: int = Field(0, description="距下一等级还差的积分", examples=[180])
    progress_percent: int = Field(100, ge=0, le=100, description="本级到下一级的进度（百分比）", examples=[6])
    frozen: bool = Field(False, description="账号被封禁期间不累计积分")
    rules: list[TierEarnRuleView] = Field(..., description="积分规则（每类行为有上限；对自己内容的操作不计分）")
    next_step: str = Field(..., description="积分如何变化：由后台按事件计入，通常几秒内可见",
                           examples=["积分由后台根据你的行为计入，通常几秒内更新"])


class TierHistoryItem(Schema):
    kind: str = Field(..., examples=["liked"])
    kind_name: str = Field(..., examples=["动态获得他人点赞"])
    points: int = Field(..., description="本次变动（扣回为负数）", examples=[2])
    at: str = Field(..., description="发生时间（UTC）", examples=["2026-11-30T09:00:00.000Z"])


class TierHistoryQuery(Schema):
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class TierHistoryPage(Schema):
    items: list[TierHistoryItem] = Field(..., description="新的在前")
    next_cursor: str | None = None
