"""光年间 chat, delivering (the message-send Lambda): safety checks, numbering in queue order, storing
and both inboxes in one transaction per message or per run of one sender's messages, then
realtime pushes and offline reminders.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.pii import scrub
from chalicelib.social import standing as social
from chalicelib.social.standing import Pair

from .common import CATEGORY_NAMES, _opened, _transaction, _view, conversation_id, message_id_of
from .models import (
    AcceptedSend,
    Connection,
    Conversation,
    Counter,
    InboxEntry,
    Message,
    Presence,
    presence_key,
)
from .safety import Verdict, scan_text

# --- deliver (the message-send Lambda) ---------------------------------------------------

def _preview(message: Message) -> str:
    if message.status == "recalled":
        return "撤回了一条消息"
    text = message.body[:40]
    return f"[风险提示] {text}" if message.warning else text


def _inbox_actions(other: str, message: Message, *, unread: int) -> list[Any]:
    """An inbox entry moved on to ``message``; ``unread`` messages added to its unread count."""
    actions: list[Any] = [InboxEntry.other.set(other), InboxEntry.last_at.set(message.stored_at),
                          InboxEntry.last_seq.set(message.seq), InboxEntry.preview.set(_preview(message))]
    if unread:
        actions += [InboxEntry.unread.add(int(unread)), InboxEntry.last_in_seq.set(message.seq)]
    return actions


@dataclass(frozen=True)
class _Delivery:
    """What the consumer reads before storing messages (with the pair: one BatchGetItem)."""

    conversation: Conversation | None
    accepted: dict[str, AcceptedSend]                        # message id → its accepted send
    opened_by_recipient: bool
    recipient_unread: int
    live: dict[str, dict[str, tuple[str, str, str, int]]]   # member → their open connections


def _read_for_delivery(conv: str, message_ids: list[str], sender: str, recipient: str) -> tuple[_Delivery, Pair]:
    """The run's own items and the pair's standings and edges: ONE BatchGetItem."""
    pair = social.pair(sender, recipient, also=(
        (Conversation, [conv], True), (AcceptedSend, message_ids, True),
        (Counter, [_opened(recipient, sender)], False), (InboxEntry, [(recipient, conv)], True),
        (Presence, [presence_key(sender), presence_key(recipient)], False)))
    conversations, accepted, counters, inboxes, presences = pair.also
    live = {p.connection_id.removeprefix("user#"): _live(p) for p in presences}
    return _Delivery(conversations[0] if conversations else None, {a.message_id: a for a in accepted},
                     bool(counters), int(inboxes[0].unread or 0) if inboxes else 0,
                     {who: live.get(who, {}) for who in (sender, recipient)}), pair


def deliver(queued: dict[str, Any]) -> Message:
    """Number and store one accepted message, in the order the FIFO queue hands a
    conversation's messages over: one transaction moves the conversation's counter from the
    number read to the next, stores the message at it, marks the accepted send numbered and
    updates both inboxes (the recipient's unread count with it). A redelivery finds the send
    numbered and stores nothing twice; a concurrent run loses the counter's condition and
    is retried."""
    stored = _deliver([queued])
    assert stored is not None  # a run of one is never handed back
    return stored[0]


def deliver_run(run: list[dict[str, Any]]) -> list[Message] | None:
    """Number and store consecutive messages of ONE conversation from ONE sender (as the FIFO
    queue hands them over in a batch) in one transaction — the same reads and writes as
    ``deliver`` once for the run instead of once per message: the counter moves on by the
    run's length, each message and its accepted send are written, each inbox is updated once
    (the recipient's unread count by the number delivered). None when a message of the run
    was stored already (a redelivery): the caller then delivers them one by one."""
    return _deliver(run)


def _deliver(run: list[dict[str, Any]]) -> list[Message] | None:
    conv = str(run[0]["conversation_id"])
    sender, recipient = str(run[0]["sender"]), str(run[0]["recipient"])
    for queued in run:
        if (str(queued["conversation_id"]), str(queued["sender"]), str(queued["recipient"])) != \
                (conv, sender, recipient) or conv != conversation_id(sender, recipient) \
                or str(queued["message_id"]) != message_id_of(sender, str(queued["client_id"])):
            raise ValueError("malformed message-send record")
    ids = [str(queued["message_id"]) for queued in run]
    known, pair = _read_for_delivery(conv, ids, sender, recipient)
    numbered = [known.accepted[i] for i in ids if i in known.accepted and known.accepted[i].seq is not None]
    if numbered:
        if len(run) > 1:
            return None
        return [Message.get(conv, int(numbered[0].seq))]  # a redelivery: stored already
    previous = int(known.conversation.seq or 0) if known.conversation is not None else 0
    blocked = not pair.a_active or not pair.b_active or bool(pair.blocked_by)
    first = not pair.friends and not known.opened_by_recipient
    stored_at = clock.now_iso()
    messages: list[tuple[Message, Verdict]] = []
    for n, queued in enumerate(run, start=1):
        text = str(queued["text"])
        status, warning, categories = "delivered", None, []
        verdict = Verdict("deliver")
        if blocked:
            status = "blocked"
        else:
            verdict = scan_text(text, first_message=first, orgs=pair.orgs)
            categories = verdict.categories
            if verdict.action == "hold":
                status = "held"
            elif verdict.action == "warn":
                warning = verdict.warning
        message = Message(conv, previous + n, message_id=str(queued["message_id"]),
                          client_id=str(queued["client_id"]), sender=sender, recipient=recipient,
                          body=scrub(text), status=status, warning=warning, categories=categories,
                          sent_at=str(queued["accepted_at"]), stored_at=stored_at)
        if status == "held":  # filed before the message is stored: a retry files it once
            social.flag(kind="message", target_id=message.message_id, member=sender, excerpt=message.body,
                        categories=categories,
                        note="安全扫描拦截：" + "、".join(CATEGORY_NAMES.get(c, c) for c in categories))
        messages.append((message, verdict))
    last = messages[-1][0]
    delivered = [m for m, _ in messages if m.status == "delivered"]
    first_member, second_member = sorted((sender, recipient))
    with _transaction() as tx:
        tx.update(Conversation(conv), actions=[
            Conversation.seq.set(last.seq), Conversation.member_a.set(first_member),
            Conversation.member_b.set(second_member),
            Conversation.created_at.set(Conversation.created_at | stored_at)],
            condition=(Conversation.seq == previous) if previous
            else Conversation.seq.does_not_exist() | (Conversation.seq == 0))
        for message, _ in messages:
            tx.save(message, condition=Message.seq.does_not_exist())
            tx.update(AcceptedSend(message.message_id), actions=[AcceptedSend.seq.set(message.seq)],
                      condition=AcceptedSend.seq.does_not_exist())
        tx.update(InboxEntry(sender, conv), actions=_inbox_actions(recipient, last, unread=0))
        if delivered:
            tx.update(InboxEntry(recipient, conv), actions=_inbox_actions(sender, delivered[-1], unread=len(delivered)))
    unread_before = known.recipient_unread
    for message, verdict in messages:
        if verdict.action == "count" and message.status == "delivered":
            social.count_against(sender, verdict.count_weight)
        to_recipient = message.status == "delivered"
        _fan_realtime(message, to_recipient=to_recipient, first_unread=to_recipient and unread_before == 0,
                      live=known.live)
        if to_recipient:
            unread_before += 1
    return [m for m, _ in messages]


def _fan_realtime(message: Message, *, to_recipient: bool, first_unread: bool,
                  live: dict[str, dict[str, tuple[str, str, str, int]]] | None = None) -> None:
    """Realtime to open connections; an offline recipient gets one push reminder per burst
    of unread messages (when their unread count for the conversation goes from 0 to 1) —
    WeChat subscribe messages are one-shot per consent, and a reminder per message is spam."""
    live = live or {}
    sender_view = _view(message, viewer=message.sender)
    notify_user(message.sender, {"type": "message", "message": sender_view.model_dump()}, live.get(message.sender))
    if to_recipient:
        reached = notify_user(message.recipient,
                              {"type": "message", "message": _view(message, viewer=message.recipient).model_dump()},
                              live.get(message.recipient))
        if not reached and first_unread:
            _remind(message)


def _remind(message: Message) -> None:
    """An offline recipient's chat reminder goes through the one inbox (kind ``messaging``, once
    per message): an inbox item, and a subscribe message the inbox pushes once."""
    from chalicelib.platform.notices import NoticePush, request_notice

    page = f"pages/messages/chat?c={message.conversation_id}"
    at = message.stored_at or clock.now_iso()
    request_notice(message.recipient, kind="messaging", title="光年间新消息", body="有会员给你发来一条消息",
                   link=page, dedup_key=f"chat:{message.message_id}", occurred_at=at,
                   meta={"conversation_id": message.conversation_id, "seq": int(message.seq)},
                   push=NoticePush(template="gonghui-chat-new-message", page=page, data={
                       "thing1": "光年间新消息", "thing2": "有会员给你发来一条消息",
                       "time3": clock.to_shanghai(clock.parse(at)).strftime("%Y-%m-%d %H:%M")}))


def _entry(connection_id: str, domain: str | None, stage: str | None, expires: int) -> str:
    return f"{connection_id}|{domain or ''}|{stage or ''}|{expires}"


def _live(presence: Presence | None) -> dict[str, tuple[str, str, str, int]]:
    """connection id → (the stored entry, domain, stage, expires epoch)."""
    live = {}
    for entry in (presence.live or set()) if presence is not None else set():
        connection_id, domain, stage, expires = [*entry.split("|"), "", "", "", "0"][:4]
        live[connection_id] = (entry, domain, stage, int(expires or 0))
    return live


def _presence(user_id: str) -> dict[str, tuple[str, str, str, int]]:
    try:
        return _live(Presence.get(presence_key(user_id)))
    except Presence.DoesNotExist:
        return {}


def _forget_connection(user_id: str, connection_id: str, entry: str) -> None:
    Presence(presence_key(user_id)).update(actions=[Presence.live.delete({entry})])
    Connection(connection_id).delete()


def notify_user(user_id: str, payload: dict[str, Any], live: dict[str, tuple[str, str, str, int]] | None = None
                ) -> int:
    """Post to every open connection of a member (``live``: their presence, when the caller
    read it already). Returns how many were reached."""
    from . import realtime

    reached = 0
    for connection_id, (entry, domain, stage, expires) in (_presence(user_id) if live is None else live).items():
        if expires < clock.epoch():
            continue
        outcome = realtime.post(connection_id, domain or None, stage or None, payload)
        if outcome == realtime.SENT:
            reached += 1
        elif outcome == realtime.GONE:
            _forget_connection(user_id, connection_id, entry)
    return reached

