
from typing import Literal

from pydantic import Field, field_validator

from chalicelib.platform.schema import Schema

USER_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
REPORT_REASONS = ("scam", "money_request", "harassment", "fake_identity", "married", "obscene",
                  "advertising", "other", "scam_pattern")
ReasonCode = Literal["scam", "money_request", "harassment", "fake_identity", "married", "obscene",
                     "advertising", "other"]


class Ok(Schema):
    __schema_name__ = "SocialOk"
    ok: bool = True


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class MemberRef(Schema):
    user_id: str
    nickname: str = Field(..., description="昵称（未填资料时为“光年间会员”）", examples=["小林"])
    avatar_url: str = Field(..., description="头像的临时链接（1 小时内有效；无照片时为空）")
    since: str


class MemberPage(Schema):
    items: list[MemberRef]
    next_cursor: str | None = None


class Relation(Schema):
    user_id: str
    following: bool
    followed_by: bool
    friends: bool
    blocked: bool


class PhotoUploadRequest(Schema):
    __schema_name__ = "SocialPhotoUploadRequest"
    content_type: Literal["image/jpeg", "image/png", "image/webp"] = "image/jpeg"


class PhotoUpload(Schema):
    __schema_name__ = "SocialPhotoUpload"
    key: str
    url: str
    fields: dict[str, str]
    max_bytes: int


class NewPost(Schema):
    text: str = Field(..., min_length=1, max_length=1000, description="动态正文")
    photos: list[str] = Field(default_factory=list, max_length=9, description="已上传照片的 key，最多 9 张")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("动态内容不能为空")
        return value.strip()

    @field_validator("photos")
    @classmethod
    def _photos(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("照片不能重复")
        for key in value:
            if len(key) > 200 or ".." in key:
                raise ValueError("照片 key 不合法")
        return value


class PostView(Schema):
    post_id: str
    author: str
    author_name: str = Field(..., description="作者昵称（未填资料时为“光年间会员”）", examples=["小林"])
    author_avatar_url: str = Field(..., description="作者头像的临时链接（1 小时内有效；无照片时为空）")
    text: str
    photos: list[str]
    created_at: str
    status: str
    likes: int
    comments: int
    liked_by_me: bool = False


class PostPage(Schema):
    items: list[PostView]
    next_cursor: str | None = None


class TimelineQuery(PageQuery):
    kind: Literal["following", "friends", "recommended"] = Field("following", description="时间线")


class NewComment(Schema):
    text: str = Field(..., min_length=1, max_length=500)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("评论不能为空")
        return value.strip()


class CommentView(Schema):
    comment_id: str
    author: str
    author_name: str = Field(..., description="评论者昵称", examples=["阿旺"])
    author_avatar_url: str = Field(..., description="评论者头像的临时链接（无照片时为空）")
    text: str
    created_at: str


class CommentPage(Schema):
    items: list[CommentView]
    next_cursor: str | None = None


class Liked(Schema):
    post_id: str
    liked: bool
    likes: int


class NewReport(Schema):
    kind: Literal["member", "post", "message"]
    target_id: str = Field(..., min_length=1, max_length=200, description="会员 id、动态 id 或消息 id")
    reason_code: ReasonCode
    note: str | None = Field(None, max_length=500)


class ReportView(Schema):
    report_id: str
    kind: str
    target_id: str
    target_member: str
    target_member_name: str = Field(..., description="被举报会员的昵称", examples=["小林"])
    reason_code: str
    note: str | None
    excerpt: str | None
    reporter: str
    reporter_name: str = Field(..., description="举报人昵称；安全规则自动举报时为“安全规则”", examples=["阿旺"])
    org: str
    status: str
    created_at: str
    action: str | None = None
    action_reason: str | None = None
    action_by: str | None = None
    action_at: str | None = None


class ReportPage(Schema):
    items: list[ReportView]
    next_cursor: str | None = None


class ReportQueueQuery(PageQuery):
    status: Literal["open", "actioned", "dismissed"] = "open"


class ModerationAction(Schema):
    action: Literal["warn", "hide", "suspend", "ban", "dismiss"]
    reason: str = Field(..., min_length=2, max_length=500, description="处理理由（会被记录）")
    days: int = Field(7, ge=1, le=365, description="停用天数（仅 suspend）")


class StandingView(Schema):
    user_id: str
    active: bool
    identity_status: str
    sanction: str
    sanction_until: str | None
    warnings: int
    verified: bool
    active_days: int
