"""光年间 one-to-one chat (消息): send, deliver, history, inbox, read receipts, recall,
realtime delivery over WebSocket, and the 风控 safety rules.

The path of one message:
1. ``POST /messaging/messages`` (``send``) checks who may write to whom and the first-contact
   quota, then in one transaction counts the send against the rate limit and records it
   under a message id derived from the sender and the client message id (a retry finds it
   and gets the same answer), and puts it on the ``message-send`` FIFO queue grouped by
   conversation. It answers 202 at once, without a sequence number.
2. The message-send Lambda (``deliver``) takes a conversation's messages in queue order, runs
   the safety checks (standing, blocks, the rule table) and numbers each message: one
   transaction moves the conversation's counter on by one (conditional on the number it
   read), stores the message at that number, marks the accepted send numbered (a redelivery
   stores nothing twice) and updates both inboxes and the recipient's unread count. Then it
   pushes the message to open WebSocket connections — in the same order, so what both people
   see live is the order of the history — and queues a push notification when the
   recipient has none.

Who may write to whom: friends (mutual follow) freely. A non-friend's first message to a
member consumes one of the sender's daily first contacts (replying to someone who wrote
first is free). Daily first contacts: 10 for a verified member (standing active), 20 once
they have been active for ``VETERAN_DAYS`` days; halved when there was at least one report
or safety flag against them in the last 7 days, quartered from 3. Unverified, suspended or
banned members send nothing. Every member: at most ``SENDS_PER_MINUTE`` sends a minute.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.concurrency import gather
from chalicelib.platform.db import batch_get_tables, dynamo_errors
from chalicelib.platform.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from chalicelib.platform.events import actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.pii import scrub
from chalicelib.social import standing as social

from . import safety
from .models import (
    AcceptedSend,
    Connection,
    Conversation,
    Counter,
    InboxEntry,
    Message,
    Presence,
    SafetyRule,
    presence_key,
)
from .safety import HOLD_SCORE, PROVINCE, Verdict, scan_text, seed_default_rules  # noqa: F401  (social, local demo)
from .schemas import (
    MAX_MESSAGE_CHARS,
    HistoryPage,
    InboxItem,
    InboxPage,
    MessageView,
    QuotaView,
    ReadState,
    SafetyRuleChangeView,
    SafetyRuleHistory,
    SafetyRuleIn,
    SafetyRuleList,
    SafetyRuleView,
    ScanResult,
    SendAccepted,
)

SENDS_PER_MINUTE = 30
BASE_FIRST_CONTACTS = 10
VETERAN_FIRST_CONTACTS = 20
VETERAN_DAYS = 30
RECALL_SECONDS = 120
ACCEPTED_TTL_DAYS = 7
CONNECTION_TTL_SECONDS = 2 * 3600
# What staff read in the moderation queue for a held message (the category codes stay in events).
CATEGORY_NAMES = {"money": "转账借钱", "investment": "投资理财", "gambling": "博彩", "crypto": "虚拟币",
                  "link": "外部链接", "off_platform": "引导到站外联系", "contact": "联系方式", "other": "其他风险"}


# --- the safety rules (chalicelib/messaging/safety.py) ----------------------------------------

def _rule_view(principal: Principal, row: SafetyRule) -> SafetyRuleView:
    owner = row.owner or PROVINCE
    return SafetyRuleView(rule_id=row.rule_id, pattern=row.pattern, category=row.category,  # type: ignore[arg-type]
                          action=row.action, weight=int(row.weight or 1), first_only=bool(row.first_only),  # type: ignore[arg-type]
                          enabled=bool(row.enabled), description=row.description, owner=owner,
                          editable=safety.may_edit(principal, owner), updated_by=row.updated_by,
                          updated_at=row.updated_at)


def list_rules(principal: Principal) -> SafetyRuleList:
    """The rules that apply to the caller's node (province, city, own) and those inside their scope."""
    rows = sorted(safety.visible_rows(principal), key=lambda r: (len((r.owner or PROVINCE).split("/")), r.rule_id))
    return SafetyRuleList(items=[_rule_view(principal, r) for r in rows], hold_score=HOLD_SCORE)


def put_rule(principal: Principal, rule_id: str, body: SafetyRuleIn) -> SafetyRuleView:
    row = safety.put_rule(principal, rule_id, pattern=body.pattern, category=body.category, action=body.action,
                          weight=body.weight, first_only=body.first_only, enabled=body.enabled,
                          description=body.description)
    publish("messaging", "SafetyRuleChanged", data={"rule_id": rule_id, "action": body.action,
                                                     "enabled": body.enabled, "owner": row.owner},
            actor=actor_of(principal), org=principal.org_path)
    return _rule_view(principal, row)


def delete_rule(principal: Principal, rule_id: str) -> None:
    before = safety.delete_rule(principal, rule_id)
    publish("messaging", "SafetyRuleChanged", data={"rule_id": rule_id, "action": "deleted", "owner": before.owner},
            actor=actor_of(principal), org=principal.org_path)


def rule_history(principal: Principal, rule_id: str, *, limit: int, cursor: str | None) -> SafetyRuleHistory:
    changes, last = safety.history(principal, rule_id, limit=limit, cursor=cursor)
    items = [SafetyRuleChangeView(rule_id=c.rule_id, change=c.change, owner=c.owner, actor=c.actor,  # type: ignore[arg-type]
                                  actor_role=c.actor_role, actor_org=c.actor_org, changed_at=c.changed_at,
                                  before=json.loads(c.before) if c.before else None,
                                  after=json.loads(c.after) if c.after else None) for c in changes]
    return SafetyRuleHistory(rule_id=rule_id, items=items,
                             next_cursor=encode_cursor(last, bound_to=f"messaging:rule-history:{rule_id}"))


def try_scan(principal: Principal, text: str, first_message: bool) -> ScanResult:
    """Scan as a message of a member of the caller's node would be scanned."""
    verdict = scan_text(text, first_message=first_message, orgs=(safety.home_of(principal),))
    return ScanResult(action=verdict.action, categories=verdict.categories, rules=verdict.rules,
                      score=verdict.score, warning=verdict.warning)


# --- ids, quota, rate --------------------------------------------------------------------

def conversation_id(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return "c-" + hashlib.sha256(f"{first}|{second}".encode()).hexdigest()[:24]


def message_id_of(sender: str, client_id: str) -> str:
    return "m-" + hashlib.sha256(f"{sender}|{client_id}".encode()).hexdigest()[:24]


def _transaction() -> TransactWrite:
    return TransactWrite(connection=Counter._get_connection().connection)


def _cancel_codes(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]


def first_contact_quota(verified: bool, active_days: int, strikes: int) -> int:
    """Daily first contacts: none unverified; 10 verified, 20 after ``VETERAN_DAYS`` days
    active; halved with 1–2 reports/flags in the last 7 days, quartered from 3 (at least 1)."""
    if not verified:
        return 0
    quota = VETERAN_FIRST_CONTACTS if active_days >= VETERAN_DAYS else BASE_FIRST_CONTACTS
    if strikes >= 3:
        quota //= 4
    elif strikes >= 1:
        quota //= 2
    return max(1, quota)


def daily_first_contacts(user_id: str) -> tuple[int, bool, int, int]:
    """(quota, verified, active days, recent strikes) — see the module docstring."""
    verified, days = social.verification(user_id)
    if not verified:
        return 0, False, 0, 0
    strikes = social.recent_strikes(user_id)
    return first_contact_quota(True, days, strikes), True, days, strikes


def quota_view(principal: Principal) -> QuotaView:
    quota, verified, days, strikes = daily_first_contacts(principal.user_id)
    try:
        used = int(Counter.get(f"quota#{principal.user_id}#{clock.today_shanghai().isoformat()}").value or 0)
    except Counter.DoesNotExist:
        used = 0
    return QuotaView(verified=verified, active_days=days, daily_first_contacts=quota, used_today=used,
                     recent_strikes=strikes, sends_per_minute=SENDS_PER_MINUTE)


def _opened(sender: str, recipient: str) -> str:
    return f"opened#{sender}#{recipient}"


def _first_contact(sender: str, recipient: str) -> None:
    """A non-friend writes: free when either side already opened the conversation,
    otherwise one of the sender's daily first contacts."""
    keys = [_opened(sender, recipient), _opened(recipient, sender)]
    if list(Counter.batch_get(keys)):
        return
    quota = daily_first_contacts(sender)[0]
    day_key = f"quota#{sender}#{clock.today_shanghai().isoformat()}"
    try:
        with _transaction() as tx:
            tx.save(Counter(_opened(sender, recipient), value=1, expires=None),
                    condition=Counter.key.does_not_exist())
            tx.update(Counter(day_key), actions=[Counter.value.add(1),
                                                 Counter.expires.set(clock.now() + timedelta(days=2))],
                      condition=Counter.value.does_not_exist() | (Counter.value < quota))
    except TransactWriteError as exc:
        codes = _cancel_codes(exc)
        if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            raise TooManyRequests(f"今天主动打招呼的次数已用完（每天 {quota} 人），互相关注成为好友后可不受限制",
                                  code="FIRST_CONTACT_QUOTA", details=[{"quota": quota}]) from exc
        if codes and codes[0] == "ConditionalCheckFailed":
            return  # a concurrent send opened it
        raise


# --- send (the POST) ---------------------------------------------------------------------

def _accepted_view(accepted: AcceptedSend, *, duplicate: bool) -> SendAccepted:
    return SendAccepted(message_id=accepted.message_id, client_id=accepted.client_id,
                        conversation_id=accepted.conversation_id,
                        seq=int(accepted.seq) if accepted.seq is not None else None, status="accepted",
                        duplicate=duplicate)


def _body_hash(recipient: str, text: str) -> str:
    return hashlib.sha256(f"{recipient}\n{text}".encode()).hexdigest()


def _enqueue(accepted: AcceptedSend, text: str) -> None:
    """The queued message carries everything the consumer needs (no read-back). The FIFO
    group is the conversation, so the consumer sees a conversation's sends in the order they
    were queued — and numbers them in that order."""
    from chalicelib.platform.queues import send as queue_send

    from .specs import SEND_QUEUE

    queue_send(SEND_QUEUE, {"message_id": accepted.message_id, "conversation_id": accepted.conversation_id,
                            "sender": accepted.sender, "recipient": accepted.recipient,
                            "client_id": accepted.client_id, "accepted_at": accepted.accepted_at, "text": text},
               group_id=accepted.conversation_id, dedup_id=accepted.message_id)


def _duplicate(message_id: str, digest: str, text: str) -> SendAccepted | None:
    """A retry of a send already accepted: the same answer (and the sequence number once the
    consumer assigned it); a different message under the same client id is refused."""
    try:
        existing = AcceptedSend.get(message_id, consistent_read=True)
    except AcceptedSend.DoesNotExist:
        return None
    if existing.body_hash != digest:
        raise ValidationFailed("同一个客户端消息 id 不能用于不同的消息", code="CLIENT_ID_REUSED")
    if existing.seq is None:
        _enqueue(existing, text)  # harmless when already queued (FIFO dedup, idempotent consumer)
    return _accepted_view(existing, duplicate=True)


def _accept(accepted: AcceptedSend) -> None:
    """Count the send against the sender's per-minute limit and record it, in one
    transaction (the record first, then the counter): a retry (the record exists) costs no
    rate-limit unit."""
    minute = clock.now().strftime("%Y%m%d%H%M")
    with _transaction() as tx:
        tx.update(Counter(f"rate#{accepted.sender}#{minute}"),
                  actions=[Counter.value.add(1), Counter.expires.set(clock.now() + timedelta(minutes=5))],
                  condition=Counter.value.does_not_exist() | (Counter.value < SENDS_PER_MINUTE))
        tx.save(accepted, condition=AcceptedSend.message_id.does_not_exist())


def send(principal: Principal, to: str, client_id: str, text: str) -> SendAccepted:
    """Accept a message for delivery (idempotent on the client message id). The sequence
    number is NOT taken here: the message-send Lambda numbers a conversation's messages in
    the order the FIFO queue hands them over, so the live order and the history order are
    one order. The answer carries ``seq`` only for a retry of a message already delivered."""
    me = principal.user_id
    if not text.strip():
        raise ValidationFailed("消息内容不能为空", code="MESSAGE_EMPTY")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationFailed(f"消息最多 {MAX_MESSAGE_CHARS} 字", code="MESSAGE_TOO_LONG")
    message_id = message_id_of(me, client_id)
    digest = _body_hash(to, text)
    try:
        if to == me:
            raise ValidationFailed("不能给自己发消息", code="MESSAGE_TO_SELF")
        pair = social.pair(me, to)
        if principal.role is not Role.WORKER or not pair.a_active:
            raise Forbidden("您的会员资格未生效或已被停用，暂不能发送消息", code="SENDER_NOT_ACTIVE")
        if not pair.b_active:
            raise NotFound("找不到该会员", code="RECIPIENT_NOT_FOUND")
        if pair.blocked_by == "b":
            raise Forbidden("对方已将你屏蔽，无法发送消息", code="BLOCKED_BY_RECIPIENT")
        if pair.blocked_by == "a":
            raise Forbidden("你已屏蔽对方，请先解除屏蔽", code="YOU_BLOCKED_RECIPIENT")
        if not pair.friends:
            _first_contact(me, to)
    except DomainError:
        # a retry of a send accepted before things changed gets its first answer
        earlier = _duplicate(message_id, digest, text)
        if earlier is not None:
            return earlier
        raise
    conv = conversation_id(me, to)
    accepted = AcceptedSend(message_id, client_id=client_id, sender=me, recipient=to, conversation_id=conv,
                            body_hash=digest, accepted_at=clock.now_iso(), seq=None,
                            expires=clock.now() + timedelta(days=ACCEPTED_TTL_DAYS))
    try:
        _accept(accepted)
    except TransactWriteError as exc:
        codes = _cancel_codes(exc)  # PynamoDB orders a transaction's items: puts, then updates
        if codes and codes[0] == "ConditionalCheckFailed":
            earlier = _duplicate(message_id, digest, text)  # a retry, or a concurrent one won
            if earlier is not None:
                return earlier
        if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            raise TooManyRequests(f"发送太频繁，每分钟最多 {SENDS_PER_MINUTE} 条", code="SEND_RATE_LIMITED") from exc
        raise
    _enqueue(accepted, text)
    return _accepted_view(accepted, duplicate=False)


# --- deliver (the message-send Lambda) ---------------------------------------------------

def _preview(message: Message) -> str:
    if message.status == "recalled":
        return "撤回了一条消息"
    text = message.body[:40]
    return f"[风险提示] {text}" if message.warning else text


def _inbox_actions(other: str, message: Message, *, unread: bool) -> list[Any]:
    actions: list[Any] = [InboxEntry.other.set(other), InboxEntry.last_at.set(message.stored_at),
                          InboxEntry.last_seq.set(message.seq), InboxEntry.preview.set(_preview(message))]
    if unread:
        actions += [InboxEntry.unread.add(1), InboxEntry.last_in_seq.set(message.seq)]
    return actions


@dataclass(frozen=True)
class _Delivery:
    """What the consumer reads before storing a message: one BatchGetItem."""

    conversation: Conversation | None
    accepted: AcceptedSend | None
    opened_by_recipient: bool
    recipient_unread: int
    live: dict[str, dict[str, tuple[str, str, str, int]]]   # member → their open connections


def _read_for_delivery(conv: str, message_id: str, sender: str, recipient: str) -> _Delivery:
    conversations, accepted, counters, inboxes, presences = batch_get_tables(
        (Conversation, [conv], True), (AcceptedSend, [message_id], True),
        (Counter, [_opened(recipient, sender)], False), (InboxEntry, [(recipient, conv)], True),
        (Presence, [presence_key(sender), presence_key(recipient)], False))
    live = {p.connection_id.removeprefix("user#"): _live(p) for p in presences}
    return _Delivery(conversations[0] if conversations else None, accepted[0] if accepted else None,
                     bool(counters), int(inboxes[0].unread or 0) if inboxes else 0,
                     {who: live.get(who, {}) for who in (sender, recipient)})


def deliver(queued: dict[str, Any]) -> Message:
    """Number and store one accepted message, in the order the FIFO queue hands a
    conversation's messages over: one transaction moves the conversation's counter from the
    number read to the next, stores the message at it, marks the accepted send numbered and
    updates both inboxes (the recipient's unread count with it). A redelivery finds the send
    numbered and stores nothing twice; a concurrent run loses the counter's condition and
    is retried."""
    conv = str(queued["conversation_id"])
    sender, recipient, text = str(queued["sender"]), str(queued["recipient"]), str(queued["text"])
    message_id = str(queued["message_id"])
    if conv != conversation_id(sender, recipient) or message_id != message_id_of(sender, str(queued["client_id"])):
        raise ValueError("malformed message-send record")
    # the two reads are independent: one round trip of time, not two
    known, pair = gather(lambda: _read_for_delivery(conv, message_id, sender, recipient),
                         lambda: social.pair(sender, recipient))
    if known.accepted is not None and known.accepted.seq is not None:
        return Message.get(conv, int(known.accepted.seq))  # a redelivery: stored already
    status, warning, categories = "delivered", None, []
    verdict = Verdict("deliver")
    if not pair.a_active or not pair.b_active or pair.blocked_by:
        status = "blocked"
    else:
        first = not pair.friends and not known.opened_by_recipient
        verdict = scan_text(text, first_message=first, orgs=pair.orgs)
        categories = verdict.categories
        if verdict.action == "hold":
            status = "held"
        elif verdict.action == "warn":
            warning = verdict.warning
    previous = int(known.conversation.seq or 0) if known.conversation is not None else 0
    seq = previous + 1
    message = Message(conv, seq, message_id=message_id, client_id=str(queued["client_id"]),
                      sender=sender, recipient=recipient, body=scrub(text), status=status, warning=warning,
                      categories=categories, sent_at=str(queued["accepted_at"]), stored_at=clock.now_iso())
    if status == "held":  # filed before the message is stored: a retry files it once
        social.flag(kind="message", target_id=message_id, member=sender, excerpt=message.body,
                    categories=categories,
                    note="安全扫描拦截：" + "、".join(CATEGORY_NAMES.get(c, c) for c in categories))
    first_member, second_member = sorted((sender, recipient))
    with _transaction() as tx:
        tx.update(Conversation(conv), actions=[
            Conversation.seq.set(seq), Conversation.member_a.set(first_member),
            Conversation.member_b.set(second_member),
            Conversation.created_at.set(Conversation.created_at | message.stored_at)],
            condition=(Conversation.seq == previous) if previous
            else Conversation.seq.does_not_exist() | (Conversation.seq == 0))
        tx.save(message, condition=Message.seq.does_not_exist())
        tx.update(AcceptedSend(message_id), actions=[AcceptedSend.seq.set(seq)],
                  condition=AcceptedSend.seq.does_not_exist())
        tx.update(InboxEntry(sender, conv), actions=_inbox_actions(recipient, message, unread=False))
        if status == "delivered":
            tx.update(InboxEntry(recipient, conv), actions=_inbox_actions(sender, message, unread=True))
    if verdict.action == "count" and status == "delivered":
        social.count_against(sender, verdict.count_weight)
    _fan_realtime(message, to_recipient=status == "delivered",
                  first_unread=status == "delivered" and known.recipient_unread == 0, live=known.live)
    return message


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


# --- reading ------------------------------------------------------------------------------

def _view(message: Message, *, viewer: str, read_up_to: int = 0) -> MessageView:
    recalled = message.status == "recalled"
    status = message.status
    if viewer == message.sender and status == "blocked":
        status = "not_delivered"
    return MessageView(message_id=message.message_id, conversation_id=message.conversation_id, seq=int(message.seq),
                       sender=message.sender, recipient=message.recipient,
                       text="" if recalled or status == "hidden" else message.body, status=status,
                       warning=message.warning if viewer == message.recipient else None, sent_at=message.sent_at,
                       read=viewer == message.sender and read_up_to >= int(message.seq))


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


# --- WebSocket ----------------------------------------------------------------------------

def connect(connection_id: str, token: str | None, domain: str | None, stage: str | None) -> str:
    """Register a connection for the member whose access token came with ``$connect``."""
    from chalicelib.platform.auth import principal_from_claims, verify_token
    from chalicelib.platform.errors import Unauthorized

    if not token:
        raise Unauthorized("请先登录", code="TOKEN_MISSING")
    principal = principal_from_claims(verify_token(token))
    if principal.role is not Role.WORKER or not social.is_active(principal.user_id):
        raise Forbidden("您的会员资格未生效或已被停用", code="MEMBER_NOT_ACTIVE")
    _check_standing(principal)
    expires = clock.now() + timedelta(seconds=CONNECTION_TTL_SECONDS)
    with _transaction() as tx:
        tx.save(Connection(connection_id, user_id=principal.user_id, domain=domain, stage=stage,
                           connected_at=clock.now_iso(), expires=expires))
        tx.update(Presence(presence_key(principal.user_id)), actions=[
            Presence.live.add({_entry(connection_id, domain, stage, int(expires.timestamp()))})])
    return principal.user_id


def disconnect(connection_id: str) -> None:
    try:
        connection = Connection.get(connection_id)
    except Connection.DoesNotExist:
        return
    _forget_connection(connection.user_id, connection_id, _entry(
        connection_id, connection.domain, connection.stage, int(connection.expires.timestamp())))


def connection_user(connection_id: str) -> Principal:
    """The member a connection was registered to; a forged or expired id is refused."""
    try:
        connection = Connection.get(connection_id)
    except Connection.DoesNotExist as exc:
        raise Forbidden("连接未登记，请重新连接", code="CONNECTION_UNKNOWN") from exc
    if connection.expires.timestamp() < clock.epoch():
        raise Forbidden("连接已过期，请重新连接", code="CONNECTION_EXPIRED")
    principal = Principal(user_id=connection.user_id, role=Role.WORKER, org_path=social.org_of(connection.user_id))
    return _check_standing(principal)  # a ban reaches an open WebSocket at its next frame


def _check_standing(principal: Principal) -> Principal:
    """The same standing check the HTTP edge runs (identity's record: bans at once)."""
    from chalicelib.identity import standing

    return standing.check_caller(principal, members_only=True)


def on_socket_message(connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A frame from a registered connection: ``send``, ``read`` or ``ping``. Returns the reply."""
    from chalicelib.platform.http import parse_model

    from .schemas import ReadReceipt, SendMessage

    principal = connection_user(connection_id)
    action = body.get("action")
    ref = body.get("ref")
    try:
        if action == "ping":
            return {"type": "pong", "ref": ref}
        if action == "send":
            parsed = parse_model(SendMessage, body.get("data") or {})
            assert isinstance(parsed, SendMessage)
            accepted = send(principal, parsed.to, parsed.client_id, parsed.text)
            return {"type": "accepted", "ref": ref, **accepted.model_dump()}
        if action == "read":
            data = body.get("data") or {}
            receipt = parse_model(ReadReceipt, {"up_to_seq": data.get("up_to_seq")})
            assert isinstance(receipt, ReadReceipt)
            state = mark_read(principal, str(data.get("conversation_id") or ""), receipt.up_to_seq)
            return {"type": "read_ok", "ref": ref, **state.model_dump()}
        raise ValidationFailed("未知的操作", code="WS_UNKNOWN_ACTION")
    except DomainError as exc:
        return {"type": "error", "ref": ref, **exc.to_body(), "status": exc.status}
