
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator

from chalicelib.platform.schema import Schema

MAX_MESSAGE_CHARS = 2000


class SendMessage(Schema):
    to: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", description="收信会员 id")
    client_id: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                           description="客户端生成的消息 id（重试时保持不变）")
    text: str = Field(..., max_length=MAX_MESSAGE_CHARS, description="消息内容，最多 2000 字")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("消息内容不能为空")
        return value.strip()


class SendAccepted(Schema):
    message_id: str
    client_id: str
    conversation_id: str
    seq: int | None = Field(None, description="会话内序号（历史按此排序）：消息送达时按会话内的送达顺序分配；"
                                              "新发送的消息为空，重试已送达的消息时返回已分配的序号")
    status: Literal["accepted"]
    duplicate: bool = False


class MessageView(Schema):
    message_id: str
    conversation_id: str
    seq: int
    sender: str
    recipient: str
    text: str
    status: str
    warning: str | None = None
    sent_at: str
    read: bool = False


class HistoryPage(Schema):
    conversation_id: str
    other: str
    items: list[MessageView]
    next_cursor: str | None = None


class InboxItem(Schema):
    __schema_name__ = "MessageInboxItem"
    conversation_id: str
    other: str = Field(..., description="对方的会员 id")
    other_name: str = Field(..., description="对方的昵称（未填资料时为“光年间会员”）", examples=["小林"])
    other_avatar_url: str = Field(..., description="对方头像的临时链接（1 小时内有效；无照片时为空）")
    last_at: str
    last_seq: int
    preview: str
    unread: int


class InboxPage(Schema):
    items: list[InboxItem]
    next_cursor: str | None = None


class ReadReceipt(Schema):
    up_to_seq: int = Field(..., ge=1, le=10**9, description="已读到的消息序号")


class ReadState(Schema):
    conversation_id: str
    read_up_to: int
    unread: int


class ConversationRef(Schema):
    conversation_id: str
    other: str


class SafetyRuleIn(Schema):
    pattern: str = Field(..., min_length=1, max_length=300, examples=["(中奖了|领奖).{0,10}(领取|手续费)"],
                         description="RE2 正则表达式（不区分大小写；不支持回溯引用和前后断言）")
    category: Literal["money", "investment", "gambling", "crypto", "link", "off_platform", "contact", "other"]
    action: Literal["hold", "warn", "count"]
    weight: int = Field(1, ge=1, le=10)
    first_only: bool = Field(False, description="只对首次联系（未获回复的非好友消息）生效")
    enabled: bool = True
    description: str | None = Field(None, max_length=200)


class SafetyRuleView(SafetyRuleIn):
    rule_id: str
    owner: str = Field(..., examples=["zj"], description="规则所属组织：zj 为全省规则，区县规则只对本区县会员生效")
    editable: bool = Field(..., description="当前用户能否修改或删除这条规则")
    updated_by: str | None = None
    updated_at: str | None = None


class SafetyRuleList(Schema):
    items: list[SafetyRuleView]
    hold_score: int


class SafetyRuleChangeView(Schema):
    rule_id: str
    change: Literal["created", "updated", "deleted"]
    owner: str = Field(..., examples=["zj/huz/nanxun"])
    actor: str = Field(..., examples=["demo-nanxun-admin"])
    actor_role: str
    actor_org: str | None = None
    changed_at: str
    before: dict[str, Any] | None = Field(None, description="修改前的规则（新增时为空）")
    after: dict[str, Any] | None = Field(None, description="修改后的规则（删除时为空）")


class SafetyRuleHistory(Schema):
    rule_id: str
    items: list[SafetyRuleChangeView] = Field(..., description="修改记录，最新在前")
    next_cursor: str | None = None


class ScanRequest(Schema):
    text: str = Field(..., min_length=1, max_length=MAX_MESSAGE_CHARS)
    first_message: StrictBool = False


class ScanResult(Schema):
    action: str
    categories: list[str]
    rules: list[str]
    score: int
    warning: str | None = None


class QuotaView(Schema):
    verified: bool
    active_days: int
    daily_first_contacts: int
    used_today: int
    recent_strikes: int
    sends_per_minute: int
