"""光年间 chat routes: send (202, idempotent on the client message id), inbox, history,
read receipts, recall; and the safety rule table union staff tune."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import
from chalicelib.social.schemas import Ok, PageQuery

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    ConversationRef,
    HistoryPage,
    InboxPage,
    MessageView,
    QuotaView,
    ReadReceipt,
    ReadState,
    SafetyRuleHistory,
    SafetyRuleIn,
    SafetyRuleList,
    SafetyRuleView,
    ScanRequest,
    ScanResult,
    SendAccepted,
    SendMessage,
)

bp = Blueprint(__name__)
TAGS = ["messaging"]
MEMBER = {Role.WORKER}
STAFF = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/messaging/messages", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=SendMessage, response=SendAccepted, status=202,
          summary="发送消息（按 client_id 幂等，立即返回）", tags=TAGS, caller_check="first_read")
def send(principal: Principal, body: SendMessage) -> SendAccepted:
    return logic.send(principal, body.to, body.client_id, body.text)


@bp.route("/messaging/messages/{message_id}/recall", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, response=MessageView, summary="撤回消息（2 分钟内）", tags=TAGS)
def recall(principal: Principal, message_id: str) -> MessageView:
    return logic.recall(principal, message_id)


@bp.route("/messaging/inbox", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=InboxPage,
          summary="消息列表（按最近消息排序）", tags=TAGS)
def inbox(principal: Principal, query: PageQuery) -> InboxPage:
    return logic.inbox(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/messaging/with/{user_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=ConversationRef, summary="我与某会员的会话 id", tags=TAGS)
def conversation_with(principal: Principal, user_id: str) -> ConversationRef:
    return ConversationRef(conversation_id=logic.conversation_with(principal, user_id), other=user_id)


@bp.route("/messaging/conversations/{conversation_id}/messages", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, query=PageQuery, response=HistoryPage,
          summary="聊天记录（最新在前）", tags=TAGS)
def history(principal: Principal, conversation_id: str, query: PageQuery) -> HistoryPage:
    return logic.history(principal, conversation_id, limit=query.limit, cursor=query.cursor)


@bp.route("/messaging/conversations/{conversation_id}/read", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, body=ReadReceipt, response=ReadState, summary="已读回执", tags=TAGS)
def mark_read(principal: Principal, conversation_id: str, body: ReadReceipt) -> ReadState:
    return logic.mark_read(principal, conversation_id, body.up_to_seq)


@bp.route("/messaging/quota", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=QuotaView, summary="我今天的打招呼额度", tags=TAGS)
def quota(principal: Principal) -> QuotaView:
    return logic.quota_view(principal)


@bp.route("/messaging/safety/rules", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=SafetyRuleList, summary="风控规则表", tags=TAGS)
def list_rules(principal: Principal) -> SafetyRuleList:
    """全省规则、上级工会的规则和本辖区的规则；``editable`` 表示当前用户能否修改。"""
    return logic.list_rules(principal)


@bp.route("/messaging/safety/rules/{rule_id}", methods=["PUT"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=SafetyRuleIn, response=SafetyRuleView,
          summary="新增或修改风控规则", tags=TAGS)
def put_rule(principal: Principal, rule_id: str, body: SafetyRuleIn) -> SafetyRuleView:
    """新规则归当前用户所在组织（平台管理员：全省）；已有规则只能由其所属组织或上级修改。
    上级的规则返回 403 ``RULE_NOT_OWNED``，其他地区的规则返回 404。"""
    return logic.put_rule(principal, rule_id, body)


@bp.route("/messaging/safety/rules/{rule_id}", methods=["DELETE"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=Ok, summary="删除风控规则", tags=TAGS)
def delete_rule(principal: Principal, rule_id: str) -> Ok:
    logic.delete_rule(principal, rule_id)
    return Ok()


@bp.route("/messaging/safety/rules/{rule_id}/history", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=PageQuery, response=SafetyRuleHistory,
          summary="风控规则的修改记录（谁、何时、改前改后）", tags=TAGS)
def rule_history(principal: Principal, rule_id: str, query: PageQuery) -> SafetyRuleHistory:
    return logic.rule_history(principal, rule_id, limit=query.limit, cursor=query.cursor)


@bp.route("/messaging/safety/scan", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=ScanRequest, response=ScanResult,
          summary="用本辖区适用的规则试扫一段文字", tags=TAGS)
def try_scan(principal: Principal, body: ScanRequest) -> ScanResult:
    return logic.try_scan(principal, body.text, body.first_message)


@bp.route("/messaging/asyncapi.json", methods=["GET"])
@endpoint(roles=frozenset(), ownership=Ownership.PUBLIC, summary="聊天 WebSocket 协议（AsyncAPI 2.6）", tags=TAGS)
def websocket_protocol() -> dict[str, object]:
    """连接地址与令牌、双向的每一种消息帧，机器可读（AsyncAPI 2.6）；README 的「聊天 WebSocket」一节是同一份说明。"""
    from .protocol import asyncapi

    return asyncapi()
