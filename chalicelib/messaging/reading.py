"""光年间 chat, reading: history, the inbox, read receipts, recall, and the look-ups moderation uses.
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import (
    Conflict,
    NotFound,
)
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.social import standing as social

from .common import RECALL_SECONDS, _view, conversation_id
from .delivery import _preview, notify_user
from .models import (
    Conversation,
    InboxEntry,
    Message,
)
from .schemas import (
    HistoryPage,
    InboxItem,
    InboxPage,
    MessageView,
    ReadState,
)


def _conversation_for(principal: Principal, conv_id: str) -> tuple[Conversation, str]:
    """The conversation if the caller is in it and may still see the other member; else 404."""
    try:
        conversation = Conversation.get(conv_id)
    except Conversation.DoesNotExist as exc:
        raise NotFound("找不到该会话", code="CONVERSATION_NOT_FOUND") from exc
    me = principal.user_id
    if me not in (conversation.member_a, conversation.member_b):
        raise NotFound("找不到该会话", code="CONVERSATION_NOT_FOUND")
    other = conversation.member_b if me == conversation.member_a else conversation.member_a
    if other is None or social.blocked_between(me, other) or not social.is_active(other):
        raise NotFound("找不到该会话", code="CONVERSATION_NOT_FOUND")
    return conversation, other


def _read_marks(conversation: Conversation, me: str) -> tuple[int, int]:
    """(my read mark, the other member's read mark)."""
    mine_a = me == conversation.member_a
    a, b = int(conversation.read_a or 0), int(conversation.read_b or 0)
    return (a, b) if mine_a else (b, a)


def history(principal: Principal, conv_id: str, *, limit: int, cursor: str | None) -> HistoryPage:
    conversation, other = _conversation_for(principal, conv_id)
    me = principal.user_id
    _, theirs = _read_marks(conversation, me)
    bound = f"messaging:history:{conv_id}:{me}"
    page = Message.query(conv_id, scan_index_forward=False, limit=limit,
                         last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = []
    for message in page:
        if message.sender != me and message.status not in ("delivered", "recalled"):
            continue  # held / blocked / hidden messages never reach the recipient
        items.append(_view(message, viewer=me, read_up_to=theirs))
    return HistoryPage(conversation_id=conv_id, other=other, items=items,
                       next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def conversation_with(principal: Principal, other: str) -> str:
    """The id of my conversation with ``other`` (deterministic; it may have no message yet)."""
    if other == principal.user_id or not social.is_active(other) or social.blocked_between(principal.user_id, other):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return conversation_id(principal.user_id, other)


def inbox(principal: Principal, *, limit: int, cursor: str | None) -> InboxPage:
    me = principal.user_id
    bound = f"messaging:inbox:{me}"
    page = InboxEntry.by_last.query(me, scan_index_forward=False, limit=limit,
                                    last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    entries = list(page)
    hidden, badges = social.visible_badges(me, {e.other for e in entries})
    items = [InboxItem(conversation_id=e.conversation_id, other=e.other, other_name=badges[e.other].nickname,
                       other_avatar_url=badges[e.other].avatar_url, last_at=e.last_at, last_seq=int(e.last_seq),
                       preview=e.preview, unread=int(e.unread or 0)) for e in entries if e.other not in hidden]
    return InboxPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def mark_read(principal: Principal, conv_id: str, up_to_seq: int) -> ReadState:
    """Read receipt: my read mark moves forward (never back); my unread count follows."""
    conversation, other = _conversation_for(principal, conv_id)
    me = principal.user_id
    up_to = min(up_to_seq, int(conversation.seq or 0))
    attr = Conversation.read_a if me == conversation.member_a else Conversation.read_b
    moved = False
    if up_to > 0:
        try:
            conversation.update(actions=[attr.set(up_to)], condition=attr.does_not_exist() | (attr < up_to))
            moved = True
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            conversation.refresh()
    mine, _ = _read_marks(conversation, me)
    unread = 0
    for _ in range(3):
        try:
            entry = InboxEntry.get(me, conv_id)
        except InboxEntry.DoesNotExist:
            break
        last_in = int(entry.last_in_seq or 0)
        unread = 0 if mine >= last_in else min(int(entry.unread or 0), last_in - mine)
        try:
            entry.update(actions=[InboxEntry.unread.set(unread)], condition=InboxEntry.last_seq == entry.last_seq)
            break
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    if moved:
        notify_user(other, {"type": "read", "conversation_id": conv_id, "reader": me, "up_to_seq": mine})
    return ReadState(conversation_id=conv_id, read_up_to=mine, unread=unread)


def _by_id(message_id: str) -> Message | None:
    found = list(Message.by_id.query(message_id, limit=1))
    return found[0] if found else None


def recall(principal: Principal, message_id: str) -> MessageView:
    """The sender takes a message back within two minutes of sending it."""
    message = _by_id(message_id)
    if message is None or message.sender != principal.user_id:
        raise NotFound("找不到该消息", code="MESSAGE_NOT_FOUND")
    if message.status == "recalled":
        return _view(message, viewer=principal.user_id)
    if clock.now() - clock.parse(message.sent_at) > timedelta(seconds=RECALL_SECONDS):
        raise Conflict("消息发出已超过 2 分钟，不能撤回", code="RECALL_WINDOW_PASSED")
    previous = message.status
    with dynamo_errors(Conflict("消息状态已变化，请刷新", code="MESSAGE_CHANGED")):
        message.update(actions=[Message.status.set("recalled"), Message.body.set("")],
                       condition=Message.status == previous)
    for owner in (message.sender, message.recipient):
        try:
            InboxEntry(owner, message.conversation_id).update(
                actions=[InboxEntry.preview.set(_preview(message))],
                condition=InboxEntry.last_seq == message.seq)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    event = {"type": "recalled", "conversation_id": message.conversation_id, "seq": int(message.seq),
             "message_id": message_id}
    notify_user(message.sender, event)
    if previous == "delivered":
        notify_user(message.recipient, event)
    return _view(message, viewer=principal.user_id)


def message_for_report(reporter: str, message_id: str) -> tuple[str, str]:
    """(sender, text) of a message the reporter received; 404 for anything else."""
    message = _by_id(message_id)
    if message is None or message.recipient != reporter or message.status not in ("delivered", "recalled"):
        raise NotFound("找不到该消息", code="MESSAGE_NOT_FOUND")
    return message.sender, message.body


def hide_message(message_id: str) -> None:
    """Union staff hid a reported message: nobody is served its text any more."""
    message = _by_id(message_id)
    if message is not None and message.status != "hidden":
        message.update(actions=[Message.status.set("hidden")])
