"""光年间 chat, sending (the POST): who may write to whom, the first-contact quota, the rate limit and
the accepted send recorded in one transaction, then the message-send FIFO queue.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import (
    DomainError,
    Forbidden,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from chalicelib.platform.http import CallerRead, Checked, caller_read
from chalicelib.social import standing as social

from .common import (
    ACCEPTED_TTL_DAYS,
    SENDS_PER_MINUTE,
    _cancel_codes,
    _first_contact,
    _transaction,
    conversation_id,
    message_id_of,
)
from .models import (
    AcceptedSend,
    Counter,
)
from .schemas import (
    MAX_MESSAGE_CHARS,
    SendAccepted,
)

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


def _accept(accepted: AcceptedSend, checks: Sequence[Checked] = ()) -> None:
    """Count the send against the sender's per-minute limit and record it, in one
    transaction (the record first, then the counter): a retry (the record exists) costs no
    rate-limit unit. ``checks`` are ConditionChecks the same transaction must pass."""
    minute = clock.now().strftime("%Y%m%d%H%M")
    with _transaction() as tx:
        for model, hash_key, range_key, condition in checks:
            tx.condition_check(model, hash_key, range_key, condition=condition)
        tx.update(Counter(f"rate#{accepted.sender}#{minute}"),
                  actions=[Counter.value.add(1), Counter.expires.set(clock.now() + timedelta(minutes=5))],
                  condition=Counter.value.does_not_exist() | (Counter.value < SENDS_PER_MINUTE))
        tx.save(accepted, condition=AcceptedSend.message_id.does_not_exist())


def _accept_between_friends(caller: CallerRead, accepted: AcceptedSend) -> bool:
    """The common case in one round trip: a friend writing to a friend. The caller's standing,
    both members' standing, no block either way and the friendship are ConditionChecks of the
    accepting transaction itself (atomic with it). False when any of them — or the rate limit,
    or a retry — cancels it: the caller then reads and says exactly what is wrong."""
    conditions = caller.conditions()
    if conditions is None:
        return False
    try:
        with caller.conditional_write():
            _accept(accepted, [*conditions, *social.friends_conditions(accepted.sender, accepted.recipient)])
    except TransactWriteError:
        return False
    return True


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
    if to == me:
        raise ValidationFailed("不能给自己发消息", code="MESSAGE_TO_SELF")
    conv = conversation_id(me, to)
    accepted = AcceptedSend(message_id, client_id=client_id, sender=me, recipient=to, conversation_id=conv,
                            body_hash=digest, accepted_at=clock.now_iso(), seq=None,
                            expires=clock.now() + timedelta(days=ACCEPTED_TTL_DAYS))
    caller = caller_read(principal)  # the route is caller_check="first_read"
    if principal.role is Role.WORKER and _accept_between_friends(caller, accepted):
        _enqueue(accepted, text)
        return _accepted_view(accepted, duplicate=False)
    # otherwise read (the caller's standing rides in the pair's BatchGetItem) and check one by one
    pair = social.pair(me, to, read=caller)
    principal = caller.principal
    try:
        if principal.role is not Role.WORKER or not pair.a_active:
            raise Forbidden("您的会员资格未生效或已被停用，暂不能发送消息", code="SENDER_NOT_ACTIVE")
        if not pair.b_active:
            raise NotFound("找不到该会员", code="RECIPIENT_NOT_FOUND")
        if pair.blocked_by == "b":
            raise Forbidden("对方已将你屏蔽，无法发送消息", code="BLOCKED_BY_RECIPIENT")
        if pair.blocked_by == "a":
            raise Forbidden("你已屏蔽对方，请先解除屏蔽", code="YOU_BLOCKED_RECIPIENT")
        if not pair.friends:
            _first_contact(me, to, principal.org_path)
    except DomainError:
        # a retry of a send accepted before things changed gets its first answer
        earlier = _duplicate(message_id, digest, text)
        if earlier is not None:
            return earlier
        raise
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
