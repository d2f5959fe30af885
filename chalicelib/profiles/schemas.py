"""Requests and views of 光年间 profiles, photos, browse and matching."""

from typing import Any, Literal

from pydantic import ConfigDict, Field, computed_field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Line, Schema, deprecated_label, label_of

from .vocabulary import (
    CITIES,
    DISTRICTS,
    EDUCATION,
    HOBBIES,
    MAX_FREE_TAGS,
    MAX_HOBBIES,
    MAX_INTERESTS,
    MAX_SPORTS,
    SPORTS,
)

Gender = Literal["male", "female"]
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
MIN_AGE, MAX_AGE = 18, 65
MAX_AGE_SPAN = 20


def _unique_known(values: list[str], known: dict[str, str], what: str) -> list[str]:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"不认识的{what}: {', '.join(unknown[:3])}")
    if len(set(values)) != len(values):
        raise ValueError(f"{what}不能重复")
    return values


class Seeking(Schema):
    model_config = ConfigDict(extra="forbid")
    gender: Gender | None = Field(None, description="希望认识的性别，不填表示不限")
    age_min: int = Field(20, ge=MIN_AGE, le=MAX_AGE)
    age_max: int = Field(40, ge=MIN_AGE, le=MAX_AGE)
    cities: list[str] = Field(default_factory=list, max_length=11, description="希望对方所在城市，空表示全省")
    must_have: list[str] = Field(default_factory=list, max_length=3, description="必须有的兴趣")
    nice_to_have: list[str] = Field(default_factory=list, max_length=6, description="最好有的兴趣")

    @field_validator("cities")
    @classmethod
    def _cities(cls, v: list[str]) -> list[str]:
        return _unique_known(v, CITIES, "城市")

    @field_validator("must_have", "nice_to_have")
    @classmethod
    def _interests(cls, v: list[str]) -> list[str]:
        return _unique_known(v, {**HOBBIES, **SPORTS}, "兴趣")

    @model_validator(mode="after")
    def _range(self) -> "Seeking":
        if self.age_min > self.age_max:
            raise ValueError("年龄范围的下限不能大于上限")
        if set(self.must_have) & set(self.nice_to_have):
            raise ValueError("同一兴趣不能既是必须有又是最好有")
        return self


class ProfileInput(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    nickname: Line = Field(..., min_length=1, max_length=20)
    gender: Gender
    birth_year: int = Field(..., ge=1960, le=2008)
    height_cm: int = Field(..., ge=130, le=220)
    hometown: str = Field("", max_length=30)
    education: str = Field(..., description="学历代码，见 /profiles/vocabulary")
    industry: str = Field("", max_length=30)
    job: str = Field("", max_length=30)
    city: str
    district: str = ""
    hobbies: list[str] = Field(default_factory=list, max_length=MAX_HOBBIES)
    sports: list[str] = Field(default_factory=list, max_length=MAX_SPORTS)
    free_tags: list[str] = Field(default_factory=list, max_length=MAX_FREE_TAGS)
    intro: str = Field("", max_length=500, description="自我介绍")
    seeking: Seeking = Field(default_factory=lambda: Seeking.model_validate({}))

    @field_validator("education")
    @classmethod
    def _education(cls, v: str) -> str:
        if v not in EDUCATION:
            raise ValueError("学历不在可选范围内")
        return v

    @field_validator("city")
    @classmethod
    def _city(cls, v: str) -> str:
        if v not in CITIES:
            raise ValueError("城市不在浙江省可选范围内")
        return v

    @field_validator("hobbies")
    @classmethod
    def _hobbies(cls, v: list[str]) -> list[str]:
        return _unique_known(v, HOBBIES, "爱好")

    @field_validator("sports")
    @classmethod
    def _sports(cls, v: list[str]) -> list[str]:
        return _unique_known(v, SPORTS, "运动")

    @field_validator("free_tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        cleaned = [t.strip() for t in v]
        if any(not 1 <= len(t) <= 12 for t in cleaned):
            raise ValueError("自定义标签每个 1 到 12 个字")
        return cleaned

    @model_validator(mode="after")
    def _place_and_interests(self) -> "ProfileInput":
        if self.district and self.district not in DISTRICTS.get(self.city, {}):
            raise ValueError("区县不属于所选城市")
        if len(self.hobbies) + len(self.sports) > MAX_INTERESTS:
            raise ValueError(f"爱好和运动合计最多 {MAX_INTERESTS} 个")
        if not self.hobbies and not self.sports:
            raise ValueError("请至少选择一个爱好或运动")
        return self


class PrivacyInput(Schema):
    model_config = ConfigDict(extra="forbid")
    hide_from_colleagues: bool | None = Field(None, description="不让同企业同事看到我")
    hide_enterprise: bool | None = Field(None, description="资料中不显示企业名称")
    paused: bool | None = Field(None, description="暂停展示我的资料")


class PhotoView(Schema):
    photo_id: str
    status: Literal["uploading", "pending_review", "approved", "rejected", "invalid"]
    status_text: str = deprecated_label("status_name")
    status_name = label_of("status_text", "状态的中文名")

    reason: str = ""
    thumb_url: str = ""
    display_url: str = ""


class MyProfileView(Schema):
    user_id: str
    complete: bool
    active: bool
    visible: bool
    visibility_text: str = deprecated_label("visibility_name")
    visibility_name = label_of("visibility_text", "可见性的中文说明")

    nickname: str = ""
    gender: str = ""
    birth_year: int = 0
    height_cm: int = 0
    hometown: str = ""
    education: str = ""
    industry: str = ""
    job: str = ""
    city: str = ""
    district: str = ""
    hobbies: list[str] = Field(default_factory=list)
    sports: list[str] = Field(default_factory=list)
    free_tags: list[str] = Field(default_factory=list)
    intro: str = ""
    seeking: dict[str, Any] = Field(default_factory=dict)
    enterprise_name: str = ""
    hide_from_colleagues: bool = False
    hide_enterprise: bool = False
    paused: bool = False
    photos: list[PhotoView] = Field(default_factory=list)

    @computed_field(description="接下来会发生什么、怎样得知（资料在后台生效、建立索引）")  # type: ignore[prop-decorator]
    @property
    def next_step(self) -> str | None:
        if not self.complete:
            return "填写资料（PUT /profiles/me）后，其他会员才能看到你。"
        if not self.active:
            return ("会员资格生效后资料才会展示：完成人脸与名册认证并签署承诺（GET /identity/me 查看进度）；"
                    "生效后通常几秒内资料开始展示。")
        if self.paused:
            return None
        return ("资料已保存。浏览与推荐在后台更新，通常 1–2 秒内其他会员就能看到新资料"
                "（在此之前别人打开你的主页可能是 404 或旧资料）。")


class MemberCard(Schema):
    user_id: str
    nickname: str
    gender: str
    age: int
    height_cm: int
    city: str
    city_name: str
    district: str
    district_name: str
    education: str
    job: str
    hobbies: list[str]
    sports: list[str]
    interest_names: list[str]
    cover_url: str = ""
    last_active_at: str = ""


class ProfileLikedByItem(Schema):
    user_id: str = Field(..., examples=["demo-tingting"])
    nickname: str = Field(..., examples=["婷婷"])
    age: int = Field(..., examples=[27])
    city_name: str = Field("", examples=["杭州市"])
    cover_url: str = Field("", description="封面缩略图地址")
    liked_at: str = Field(..., description="心动时间（UTC）", examples=["2026-11-30T09:00:00.000Z"])


class ProfileLikedByQuery(Schema):
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class ProfileLikedByPage(Schema):
    items: list[ProfileLikedByItem] = Field(..., description="对我心动的会员（只列出仍在展示资料的）")
    next_cursor: str | None = None


class MemberProfileView(MemberCard):
    hometown: str = ""
    industry: str = ""
    enterprise_name: str | None = None
    free_tags: list[str] = Field(default_factory=list)
    intro: str = ""
    photos: list[PhotoView] = Field(default_factory=list)
    match_reason: str | None = None


class BrowseQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    gender: Gender | None = Field(None, description="想看的性别，默认取自我的择偶要求")
    age_min: int | None = Field(None, ge=MIN_AGE, le=MAX_AGE, description="默认取自我的择偶要求")
    age_max: int | None = Field(None, ge=MIN_AGE, le=MAX_AGE, description="默认取自我的择偶要求")
    city: str | None = Field(None, description="城市，不填表示全省")
    district: str | None = Field(None, description="区县，需同时给出城市")
    hobbies: list[str] = Field(default_factory=list, max_length=3)
    sports: list[str] = Field(default_factory=list, max_length=3)
    match: Literal["any", "all"] = Field("any", description="兴趣满足任一(any)还是全部(all)")
    order: Literal["recent", "score"] = Field("recent", description="按最近活跃(recent)或匹配度(score)")
    hide_colleagues: bool = Field(False, description="不看同企业的同事")
    limit: int = Field(20, ge=10, le=50)
    cursor: str | None = Field(None, max_length=4096)

    @field_validator("city")
    @classmethod
    def _city(cls, v: str | None) -> str | None:
        if v is not None and v not in CITIES:
            raise ValueError("城市不在浙江省可选范围内")
        return v

    @field_validator("hobbies")
    @classmethod
    def _hobbies(cls, v: list[str]) -> list[str]:
        return _unique_known(v, HOBBIES, "爱好")

    @field_validator("sports")
    @classmethod
    def _sports(cls, v: list[str]) -> list[str]:
        return _unique_known(v, SPORTS, "运动")

    @model_validator(mode="after")
    def _checks(self) -> "BrowseQuery":
        if self.age_min is not None and self.age_max is not None:
            if self.age_min > self.age_max:
                raise ValueError("年龄范围的下限不能大于上限")
            if self.age_max - self.age_min > MAX_AGE_SPAN:
                raise ValueError(f"年龄范围最多跨 {MAX_AGE_SPAN} 岁")
        if self.district and (not self.city or self.district not in DISTRICTS.get(self.city, {})):
            raise ValueError("区县需与所属城市一起选择")
        if len(self.hobbies) + len(self.sports) > 3:
            raise ValueError("最多同时按 3 个兴趣筛选")
        return self


class BrowseStats(Schema):
    items_read: int
    queries: int


class BrowsePage(Schema):
    items: list[MemberCard]
    next_cursor: str | None = None
    stats: BrowseStats = Field(exclude=True)  # internal read counters (benchmarks, logs): not in responses


class Recommendation(Schema):
    card: MemberCard
    score: float
    reason: str


class RecommendationList(Schema):
    items: list[Recommendation]
    computed_at: str = ""


class UploadRequest(Schema):
    __schema_name__ = "ProfilePhotoUploadRequest"
    model_config = ConfigDict(extra="forbid")
    content_type: PhotoType
    size_bytes: int = Field(..., ge=1024, le=8 * 1024 * 1024, description="文件大小（字节），最大 8MB")


class UploadTicket(Schema):
    __schema_name__ = "ProfilePhotoUploadTicket"
    photo_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_in: int


class ModerationQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class PendingPhoto(Schema):
    user_id: str
    photo_id: str
    org_path: str
    uploaded_at: str
    display_url: str
    thumb_url: str


class PendingPhotoPage(Schema):
    items: list[PendingPhoto]
    next_cursor: str | None = None


class PhotoDecision(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=100, description="驳回原因（驳回时必填）")

    @model_validator(mode="after")
    def _reason(self) -> "PhotoDecision":
        if self.decision == "reject" and not self.reason:
            raise ValueError("驳回照片时请写明原因")
        return self


class LikeResult(Schema):
    mutual: bool
    message: str


class Vocabulary(Schema):
    hobbies: dict[str, str]
    sports: dict[str, str]
    education: dict[str, str]
    cities: dict[str, str]
    districts: dict[str, dict[str, str]]
