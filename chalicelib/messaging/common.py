"""光年间 chat, the shared part: conversation and message ids, transactions, the first-contact quota
and the per-minute rate, and the message view both people read.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import (
    TooManyRequests,
)
from chalicelib.social import standing as social

from .models import (
    Counter,
    Message,
)
from .schemas import (
    MessageView,
    QuotaView,
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


def first_contact_quota(verified: bool, active_days: int, strikes: int, tier_bonus: int = 0) -> int:
    """Daily first contacts: none unverified; 10 verified, 20 after ``VETERAN_DAYS`` days
    active, plus what the member's tier adds (``tiers``); halved with 1–2 reports/flags in the
    last 7 days, quartered from 3 (at least 1)."""
    if not verified:
        return 0
    quota = (VETERAN_FIRST_CONTACTS if active_days >= VETERAN_DAYS else BASE_FIRST_CONTACTS) + tier_bonus
    if strikes >= 3:
        quota //= 4
    elif strikes >= 1:
        quota //= 2
    return max(1, quota)


def daily_first_contacts(user_id: str, org_path: str | None = None) -> tuple[int, bool, int, int]:
    """(quota, verified, active days, recent strikes) — see the module docstring."""
    verified, days = social.verification(user_id)
    if not verified:
        return 0, False, 0, 0
    from chalicelib.tiers import logic as tiers

    strikes = social.recent_strikes(user_id)
    bonus = tiers.first_contact_bonus(user_id, org_path)
    return first_contact_quota(True, days, strikes, bonus), True, days, strikes


def quota_view(principal: Principal) -> QuotaView:
    quota, verified, days, strikes = daily_first_contacts(principal.user_id, principal.org_path)
    try:
        used = int(Counter.get(f"quota#{principal.user_id}#{clock.today_shanghai().isoformat()}").value or 0)
    except Counter.DoesNotExist:
        used = 0
    return QuotaView(verified=verified, active_days=days, daily_first_contacts=quota, used_today=used,
                     recent_strikes=strikes, sends_per_minute=SENDS_PER_MINUTE)


def _opened(sender: str, recipient: str) -> str:
    return f"opened#{sender}#{recipient}"


def _first_contact(sender: str, recipient: str, sender_org: str | None = None) -> None:
    """A non-friend writes: free when either side already opened the conversation,
    otherwise one of the sender's daily first contacts."""
    keys = [_opened(sender, recipient), _opened(recipient, sender)]
    if list(Counter.batch_get(keys)):
        return
    quota = daily_first_contacts(sender, sender_org)[0]
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
