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


class InboxPage(Schema):
    items: list[InboxItemView] = Field(..., description="消息，新的在前")
    next_cursor: str | None = Field(None, description="下一页游标")


class InboxUnreadView(Schema):
    total: int = Field(..., description="未读总数", examples=[3])
    by_kind: dict[str, int] = Field(default_factory=dict, description="各类别未读数", examples=[{"dorms": 2, "aid": 1}])
