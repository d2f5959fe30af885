
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
    title: str | None = Field(None, description="帖子标题（企业论坛）")
    space: str | None = Field(None, description="所在空间：planet#<星球> / board#<版块>；空为普通动态",
                              examples=["planet#pl-1a2b3c4d5e"])
    topics: list[str] = Field(default_factory=list, description="所带话题的 id", examples=[["t-1a2b3c4d5e6f"]])
    pinned: bool = False
    locked: bool = False


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


# --- spaces: topics, interest planets, the enterprise forum ---------------------------------

TOPIC_NAME = Field(..., min_length=1, max_length=20, description="话题名（不含 #）", examples=["周末徒步"])


class NewTopic(Schema):
    name: str = TOPIC_NAME
    description: str = Field("", max_length=300, description="话题简介", examples=["分享杭州周边的徒步路线"])
    cover: str | None = Field(None, max_length=300, description="封面图地址", examples=["covers/hiking.jpg"])

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip().strip("#").strip()
        if not value or "#" in value:
            raise ValueError("话题名不能为空，也不能包含 #")
        return value


class TopicView(Schema):
    topic_id: str = Field(..., examples=["t-1a2b3c4d5e6f"])
    name: str = Field(..., examples=["周末徒步"])
    description: str | None = None
    cover: str | None = None
    featured: bool = False
    status: str = Field(..., examples=["approved"])
    status_name: str = Field(..., examples=["已上线"])
    posts: int = 0
    followers: int = 0
    heat: float = Field(0.0, description="当前热度（随时间衰减）", examples=[12.5])
    followed_by_me: bool = False
    created_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])


class TopicPage(Schema):
    items: list[TopicView]
    next_cursor: str | None = None


class MyTopicView(TopicView):
    new_posts: int = Field(0, description="上次查看后的新动态数", examples=[3])
    last_visit: str | None = None


class MyTopicPage(Schema):
    items: list[MyTopicView]
    next_cursor: str | None = None


class TopicPostsQuery(PageQuery):
    order: Literal["newest", "hottest"] = Field("newest", description="排序：最新 / 最热")


class TopicReviewQuery(PageQuery):
    status: Literal["pending", "approved", "rejected"] = "pending"


class SpaceReview(Schema):
    approve: bool = Field(..., examples=[True])
    reason: str = Field("", max_length=300, description="审核意见", examples=["内容健康，同意上线"])


class NewPlanet(Schema):
    name: str = Field(..., min_length=2, max_length=20, description="星球名", examples=["西湖徒步星球"])
    interest: str = Field(..., min_length=1, max_length=32, description="兴趣（资料中的爱好/运动代码）",
                          examples=["hiking"])
    description: str = Field("", max_length=500, examples=["每周末一起走杭州周边的山"])
    join_mode: Literal["open", "approval", "closed"] = Field(
        "open", description="加入方式：直接加入 / 需审核 / 暂停加入", examples=["open"])
    cap: int = Field(200, ge=2, le=2000, description="成员上限", examples=[200])


class PlanetView(Schema):
    planet_id: str = Field(..., examples=["pl-1a2b3c4d5e"])
    name: str = Field(..., examples=["西湖徒步星球"])
    interest: str = Field(..., examples=["hiking"])
    interest_name: str = Field(..., examples=["徒步"])
    description: str = ""
    owner: str
    org_path: str = ""
    join_mode: str = Field(..., examples=["open"])
    join_mode_name: str = Field(..., examples=["直接加入"])
    cap: int
    members: int
    status: str = Field(..., examples=["approved"])
    status_name: str = Field(..., examples=["已上线"])
    my_role: str | None = Field(None, description="我在星球中的角色：owner / moderator / member",
                                examples=["member"])
    my_state: str | None = Field(None, description="我的成员状态：member / pending / left / removed",
                                 examples=["member"])
    created_at: str
    next_step: str | None = Field(None, description="接下来会发生什么", examples=["等待工会工作人员审核"])


class PlanetPage(Schema):
    items: list[PlanetView]
    next_cursor: str | None = None


class PlanetMemberView(Schema):
    user_id: str
    role: str = Field(..., examples=["member"])
    role_name: str = Field(..., examples=["成员"])
    state: str = Field(..., examples=["pending"])
    state_name: str = Field(..., examples=["待审核"])
    updated_at: str


class PlanetMemberPage(Schema):
    items: list[PlanetMemberView]
    next_cursor: str | None = None


class PlanetMembersQuery(PageQuery):
    state: Literal["member", "pending"] = Field("pending", description="成员 / 待审核的申请")


class JoinDecision(Schema):
    approve: bool = Field(..., examples=[True])


class NewBoard(Schema):
    name: str = Field(..., min_length=1, max_length=20, examples=["食堂建议"])
    description: str = Field("", max_length=300, examples=["对食堂菜品、服务的建议"])


class BoardView(Schema):
    board_id: str = Field(..., examples=["b-1a2b3c4d5e"])
    org_path: str = Field(..., examples=["zj/huz/nanxun/e-sanxing"])
    org_name: str = Field("", examples=["三行电气"])
    name: str
    description: str = ""
    created_at: str


class BoardPage(Schema):
    items: list[BoardView]
    next_cursor: str | None = None


class BoardQuery(PageQuery):
    org: str | None = Field(None, max_length=200, description="企业（工会工作人员查看时必填）",
                            examples=["zj/huz/nanxun/e-sanxing"])


class NewThread(Schema):
    title: str = Field(..., min_length=1, max_length=50, examples=["夜班食堂能不能加个面食窗口？"])
    text: str = Field(..., min_length=1, max_length=2000, examples=["夜班下班后只有盒饭，希望加个面食窗口。"])

    @field_validator("title", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()


class ThreadFlag(Schema):
    on: bool = Field(..., description="置顶/锁定：true 开启，false 取消", examples=[True])
