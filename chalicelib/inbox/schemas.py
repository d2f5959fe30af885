from pydantic import Field

from chalicelib.platform.schema import Schema


class InboxPageQuery(Schema):
    kind: str | None = Field(None, max_length=32, description="只看某类通知，如 dorms、aid、announcement",
                             examples=["dorms"])
    limit: int = Field(20, ge=1, le=100, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class InboxItemView(Schema):
    item_id: str = Field(..., description="消息编号", examples=["3f2a9c0d1e4b5a6c7d8e9f00"])
    kind: str = Field(..., description="通知类别", examples=["dorms"])
    kind_name: str = Field(..., description="通知类别名称", examples=["宿舍"])
    title: str = Field(..., description="标题", examples=["宿舍申请已通过"])
    body: str = Field("", description="正文", examples=["请于三日内到宿管处办理入住。"])
    link: str | None = Field(None, description="小程序内跳转页面", examples=["pages/dorm/index"])
    created_at: str = Field(..., description="送达时间（UTC）", examples=["2026-11-30T08:00:00.000Z"])
    read: bool = Field(..., description="是否已读")
    meta: dict[str, str] = Field(default_factory=dict, description="来源功能附带的引用（如申请编号）")


class InboxItemPage(Schema):
    items: list[InboxItemView] = Field(..., description="消息，新的在前")
    next_cursor: str | None = Field(None, description="下一页游标")


class InboxUnreadView(Schema):
    total: int = Field(..., description="未读总数", examples=[3])
    by_kind: dict[str, int] = Field(default_factory=dict, description="各类别未读数", examples=[{"dorms": 2, "aid": 1}])


class InboxAnnouncementDraft(Schema):
    title: str = Field(..., min_length=1, max_length=60, description="公告标题",
                       examples=["关于开展2026年金秋助学的通知"])
    body: str = Field("", max_length=2000, description="公告正文（纯文本）",
                      examples=["请符合条件的会员于12月15日前申请。"])
    link: str | None = Field(None, max_length=300, description="小程序内跳转页面（如一篇文章）",
                             examples=["pages/content/article?id=ca-3f2a9c0d"])
    audience_org: str = Field(..., max_length=200, pattern=r"^zj(/[a-z0-9-]{1,40}){0,6}$",
                              description="面向的组织节点：某个区县、某家企业，或全省（zj）",
                              examples=["zj/huz/nanxun"])
    glnj_only: bool = Field(False, description="只发给光年间会员")
    push: bool = Field(False, description="同时发送订阅消息（在每人的订阅额度内）")
    send_at: str | None = Field(None, max_length=40, description="定时发送时间（ISO 8601，默认立即）",
                                examples=["2026-12-01T09:00:00+08:00"])


class InboxAnnouncementPreview(Schema):
    recipients: int = Field(..., description="预计送达人数", examples=[1200])
    enterprises: int = Field(..., description="涉及的企业数", examples=[12])


class InboxAnnouncementView(Schema):
    ann_id: str = Field(..., description="公告编号", examples=["an-3f2a9c0d1e4b5a6c"])
    title: str = Field(..., description="标题")
    body: str = Field("", description="正文")
    link: str | None = Field(None, description="跳转页面")
    audience_org: str = Field(..., description="面向的组织节点")
    glnj_only: bool = Field(False, description="只发给光年间会员")
    push: bool = Field(False, description="是否推送订阅消息")
    status: str = Field(..., description="状态：scheduled 待发送、sending 发送中", examples=["sending"])
    send_at: str = Field(..., description="发送时间（UTC）")
    recipients: int = Field(0, description="撰写时预计送达人数")
    delivered: int = Field(0, description="已送达人数")
    read: int = Field(0, description="已读人数（逐条打开计数）")
