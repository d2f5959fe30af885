"""光年间 member points and tiers.

Points come from domain events only (the tier-points Lambda, ``count_event``): a complete
profile (once), approved photos, attending union activities (a check-in), likes other members
give one's posts, and days active. Each kind has a cap per day (or once ever), and nothing a
member does to their own content counts. Every counted event is ONE transaction: a ledger
entry keyed by the event id (a conditional put — the same event delivered three times counts
once), the day's cap counter, the member's balance and, for a like, what the post earned. A
ban forfeits the balance; a post removed by moderation takes back what its likes earned, and
likes arriving after the removal earn nothing.

The tier is not stored: it is read from the points and the tier definitions in force for the
member's city (or the province's, or the defaults), so a change staff make applies at once.
Other features ask through the small functions at the end (``first_contact_bonus``,
``sees_who_liked``, ``level_of``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import batch_get_tables
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import DomainEvent
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import CURRENT, TierBalance, TierConfig, TierCounter, TierLedgerEntry
from .schemas import (
    TierConfigBody,
    TierConfigHistory,
    TierConfigView,
    TierDefinition,
    TierEarnRuleView,
    TierHistoryItem,
    TierHistoryPage,
    TierLevelView,
    TierMeView,
)

PROVINCE = "zj"


@dataclass(frozen=True)
class EarnRule:
    kind: str
    name: str
    points: int
    cap: int
    per: str  # "day" | "ever"


RULES: dict[str, EarnRule] = {r.kind: r for r in (
    EarnRule("profile", "完善个人资料", 20, 1, "ever"),
    EarnRule("photo", "照片通过审核", 10, 3, "day"),
    EarnRule("attend", "参加工会活动（签到）", 30, 2, "day"),
    EarnRule("liked", "动态获得他人点赞", 2, 20, "day"),
    EarnRule("active", "每日活跃", 5, 1, "day"),
)}
KIND_NAMES: dict[str, str] = {**{r.kind: r.name for r in RULES.values()},
                              "ban": "账号被封禁，积分清零", "removed": "动态被下架，扣回其获赞积分"}

DEFAULT_TIERS: list[TierDefinition] = [
    TierDefinition(name="新星", min_points=0, extra_first_messages=0, see_who_liked=False),
    TierDefinition(name="亮星", min_points=100, extra_first_messages=5, see_who_liked=True),
    TierDefinition(name="恒星", min_points=300, extra_first_messages=10, see_who_liked=True),
    TierDefinition(name="星河", min_points=800, extra_first_messages=20, see_who_liked=True),
]


def _connection() -> Connection:
    return TierBalance._get_connection().connection


def _codes(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]


def _failed(codes: list[str | None], index: int) -> bool:
    return len(codes) > index and codes[index] == "ConditionalCheckFailed"


# --- counting (the tier-points Lambda) -----------------------------------------------------------

def _day(event: DomainEvent) -> str:
    return clock.to_shanghai(clock.parse(event.time)).date().isoformat()


def _at(event: DomainEvent) -> str:
    return f"{event.time}#{event.event_id}"


def award(event: DomainEvent, user_id: str, kind: str, *, ref: str | None = None, post_id: str | None = None,
          org_path: str | None = None, key: str | None = None) -> str:
    """Count one earning of ``kind`` for ``user_id`` from ``event``: counted · duplicate ·
    capped · frozen (banned) · removed (the post was taken down). ``key`` names the earning
    when it is not the event (a like: one per post and liker, however often it is toggled)."""
    entry_id = key or event.event_id
    rule = RULES[kind]
    period = "ever" if rule.per == "ever" else _day(event)
    cap_actions: list[Any] = [TierCounter.tally.add(1)]
    if rule.per == "day":
        cap_actions.append(TierCounter.expires.set(clock.parse(event.time) + timedelta(days=3)))
    balance_actions: list[Any] = [TierBalance.points.add(rule.points), TierBalance.updated_at.set(clock.now_iso())]
    if org_path:
        balance_actions.append(TierBalance.org_path.set(org_path))
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(TierLedgerEntry(user_id, f"{entry_id}#{kind}", kind=kind, points=rule.points,
                                    at=_at(event), ref=ref),
                    condition=TierLedgerEntry.entry.does_not_exist())
            tx.update(TierCounter(f"cap#{user_id}#{kind}#{period}"), actions=cap_actions,
                      condition=TierCounter.tally.does_not_exist() | (TierCounter.tally < rule.cap))
            tx.update(TierBalance(user_id), actions=balance_actions,
                      condition=TierBalance.banned.does_not_exist() | (TierBalance.banned == False))  # noqa: E712
            if post_id:
                tx.update(TierCounter(f"post#{post_id}"),
                          actions=[TierCounter.points.add(rule.points), TierCounter.author.set(user_id)],
                          condition=TierCounter.removed.does_not_exist())
    except TransactWriteError as exc:
        codes = _codes(exc)
        for index, outcome in enumerate(("duplicate", "capped", "frozen", "removed")):
            if _failed(codes, index):
                if outcome != "duplicate":
                    _seen(user_id, entry_id, kind)
                return outcome
        raise
    return "counted"


def _seen(user_id: str, entry_id: str, kind: str) -> None:
    """An event that earned nothing (capped, banned, removed post) is still recorded under its
    id, so a redelivery after the state changed (a reinstatement, a new day's cap) is a duplicate
    too. It carries no ``at``: the history index leaves it out."""
    try:
        TierLedgerEntry(user_id, f"{entry_id}#{kind}", kind=kind, points=0).save(
            condition=TierLedgerEntry.entry.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def _balance(user_id: str) -> TierBalance | None:
    try:
        return TierBalance.get(user_id, consistent_read=True)
    except DoesNotExist:
        return None


def _points_condition(balance: TierBalance | None) -> Any:
    if balance is None or balance.points is None:
        return TierBalance.points.does_not_exist()
    return TierBalance.points == int(balance.points)


def forfeit(event: DomainEvent, user_id: str) -> str:
    """A ban: the balance goes to zero (a ledger entry records what was taken) and nothing
    is earned until the member is reinstated."""
    for _ in range(5):
        balance = _balance(user_id)
        points = int(balance.points or 0) if balance else 0
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(TierLedgerEntry(user_id, f"{event.event_id}#ban", kind="ban", points=-points, at=_at(event)),
                        condition=TierLedgerEntry.entry.does_not_exist())
                tx.update(TierBalance(user_id), actions=[
                    TierBalance.points.set(0), TierBalance.banned.set(True), TierBalance.banned_at.set(event.time),
                    TierBalance.updated_at.set(clock.now_iso())], condition=_points_condition(balance))
        except TransactWriteError as exc:
            codes = _codes(exc)
            if _failed(codes, 0):
                return "duplicate"
            if _failed(codes, 1):
                continue  # points moved meanwhile: read again
            raise
        return "counted"
    raise Conflict("积分正在变动，稍后重试", code="TIER_BALANCE_BUSY")


def reinstate(event: DomainEvent, user_id: str) -> str:
    """Earning resumes for a member reinstated after their ban (points forfeited stay gone)."""
    try:
        TierBalance(user_id).update(actions=[TierBalance.banned.remove(), TierBalance.updated_at.set(clock.now_iso())],
                                    condition=(TierBalance.banned == True)  # noqa: E712
                                    & (TierBalance.banned_at < event.time))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return "unchanged"
        raise
    return "counted"


def revoke_post(event: DomainEvent, post_id: str) -> str:
    """A post removed by moderation: its author gives back what its likes earned (never more
    than they hold), and later likes of it earn nothing."""
    key = f"post#{post_id}"
    for _ in range(5):
        try:
            counter: TierCounter | None = TierCounter.get(key, consistent_read=True)
        except DoesNotExist:
            counter = None
        if counter is not None and counter.removed:
            return "duplicate"
        earned = int(counter.points or 0) if counter else 0
        author = counter.author if counter else None
        balance = _balance(author) if author else None
        take = min(earned, int(balance.points or 0)) if balance and not balance.banned else 0
        same = (TierCounter.points == earned) if counter and counter.points is not None \
            else TierCounter.points.does_not_exist()
        try:
            with TransactWrite(connection=_connection()) as tx:
                if take and author:
                    tx.save(TierLedgerEntry(author, f"{event.event_id}#removed", kind="removed", points=-take,
                                            at=_at(event), ref=post_id),
                            condition=TierLedgerEntry.entry.does_not_exist())
                tx.update(TierCounter(key), actions=[TierCounter.removed.set(True)],
                          condition=TierCounter.removed.does_not_exist() & same)
                if take and author:
                    tx.update(TierBalance(author), actions=[TierBalance.points.add(-take),
                                                            TierBalance.updated_at.set(clock.now_iso())],
                              condition=_points_condition(balance))
        except TransactWriteError as exc:
            codes = _codes(exc)
            if take and _failed(codes, 0):
                return "duplicate"
            if any(c == "ConditionalCheckFailed" for c in codes):
                continue
            raise
        return "counted"
    raise Conflict("积分正在变动，稍后重试", code="TIER_BALANCE_BUSY")


def _worker(event: DomainEvent) -> str | None:
    return event.actor.user_id if event.actor.role == Role.WORKER.value else None


def count_event(detail_type: str, event: DomainEvent) -> list[str]:
    """What one domain event earns or takes back; every outcome is idempotent on the event id."""
    data: dict[str, Any] = event.data
    outcomes: list[str] = []
    if detail_type == "ProfileUpdated":
        user = str(data["user_id"])
        outcomes += [award(event, user, "profile", org_path=event.org or None),
                     award(event, user, "active", org_path=event.org or None)]
    elif detail_type == "PhotoReviewed" and data.get("decision") == "approve":
        outcomes.append(award(event, str(data["user_id"]), "photo", ref=str(data.get("photo_id") or ""),
                              org_path=event.org or None))
    elif detail_type == "BookingCheckedIn" and data.get("kind") == "session" and data.get("user_id"):
        outcomes.append(award(event, str(data["user_id"]), "attend", ref=str(data.get("entry_id") or ""),
                              org_path=data.get("user_org") or None))
    elif detail_type == "PostLiked":
        author, liker, post = str(data["post_author"]), str(data["user_id"]), str(data["post_id"])
        if author != liker:  # liking one's own post earns nothing; a like toggled off and on earns once
            outcomes.append(award(event, author, "liked", ref=post, post_id=post, org_path=event.org or None,
                                  key=f"liked-{post}-{liker}"))
        outcomes.append(award(event, liker, "active"))
    elif detail_type == "PostCreated" and data.get("author"):
        outcomes.append(award(event, str(data["author"]), "active", org_path=event.org or None))
    elif detail_type in ("BookingSignedUp", "CentreVisitRecorded"):
        user = str(data.get("user_id") or _worker(event) or "")
        if user:
            outcomes.append(award(event, user, "active"))
    elif detail_type == "PostRemoved":
        outcomes.append(revoke_post(event, str(data["post_id"])))
    elif detail_type == "MemberBanned" or (detail_type == "MemberModerated" and data.get("action") == "ban"):
        outcomes.append(forfeit(event, str(data["user_id"])))
    elif detail_type == "MemberActivated" or (detail_type == "MemberModerated" and data.get("action") == "lift"):
        outcomes.append(reinstate(event, str(data["user_id"])))
    return outcomes


# --- tier definitions ----------------------------------------------------------------------------

def _city_of(org_path: str | None) -> str | None:
    parts = (org_path or "").split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 and parts[0] == PROVINCE else None


def _definitions(configs: list[TierConfig], org_path: str | None) -> list[TierDefinition]:
    by_org = {c.org_path: c for c in configs}
    chosen = by_org.get(_city_of(org_path) or "-") or by_org.get(PROVINCE)
    return [TierDefinition.model_validate(t) for t in chosen.tiers] if chosen else list(DEFAULT_TIERS)


@dataclass(frozen=True)
class MemberTier:
    points: int
    level: int
    tiers: list[TierDefinition]
    frozen: bool

    @property
    def tier(self) -> TierDefinition:
        return self.tiers[self.level]


def _level(points: int, tiers: list[TierDefinition]) -> int:
    return max(i for i, t in enumerate(tiers) if t.min_points <= points)


def member_tier(user_id: str, org_path: str | None = None) -> MemberTier:
    """The member's points and tier: ONE BatchGetItem (balance, their city's and the
    province's definitions). Without ``org_path`` the balance's org is used (one more read
    when the member's city has definitions of its own)."""
    config_keys = [(PROVINCE, CURRENT)]
    city = _city_of(org_path)
    if city:
        config_keys.append((city, CURRENT))
    balances, configs = batch_get_tables((TierBalance, [user_id], False), (TierConfig, config_keys, False))
    balance = balances[0] if balances else None
    if org_path is None and balance is not None and _city_of(balance.org_path):
        try:
            configs = [*configs, TierConfig.get(_city_of(balance.org_path), CURRENT)]
        except DoesNotExist:
            pass
    tiers = _definitions(configs, org_path or (balance.org_path if balance else None))
    points = int(balance.points or 0) if balance else 0
    return MemberTier(points=points, level=_level(points, tiers), tiers=tiers,
                      frozen=bool(balance and balance.banned))


def _unlocks(level: int, t: TierDefinition) -> list[str]:
    found = []
    if t.extra_first_messages:
        found.append(f"每天多 {t.extra_first_messages} 次主动打招呼")
    if t.see_who_liked:
        found.append("查看谁对我心动")
    if level >= 1:
        found.append(f"热门活动提前报名（活动要求 {level} 级及以下）")
    return found


def _level_view(level: int, t: TierDefinition) -> TierLevelView:
    return TierLevelView(level=level, name=t.name, min_points=t.min_points,
                         extra_first_messages=t.extra_first_messages, see_who_liked=t.see_who_liked,
                         unlocks=_unlocks(level, t))


def rules() -> list[TierEarnRuleView]:
    return [TierEarnRuleView(kind=r.kind, kind_name=r.name, points=r.points, cap=r.cap, cap_per=r.per)
            for r in RULES.values()]


def my_tier(principal: Principal) -> TierMeView:
    mine = member_tier(principal.user_id, principal.org_path)
    nxt = mine.level + 1 if mine.level + 1 < len(mine.tiers) else None
    if nxt is None:
        to_next, percent = 0, 100
    else:
        low, high = mine.tier.min_points, mine.tiers[nxt].min_points
        to_next = high - mine.points
        percent = max(0, min(100, (mine.points - low) * 100 // (high - low)))
    return TierMeView(points=mine.points, tier=_level_view(mine.level, mine.tier),
                      next_tier=_level_view(nxt, mine.tiers[nxt]) if nxt is not None else None,
                      points_to_next=to_next, progress_percent=percent, frozen=mine.frozen, rules=rules(),
                      next_step="积分由后台根据你的行为计入，通常几秒内更新；到达新等级后权益立即生效")


def history(principal: Principal, *, limit: int, cursor: str | None) -> TierHistoryPage:
    bound = f"tiers:history:{principal.user_id}"
    page = TierLedgerEntry.by_time.query(principal.user_id, scan_index_forward=False, limit=limit,
                                         last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [TierHistoryItem(kind=e.kind, kind_name=KIND_NAMES.get(e.kind, e.kind), points=int(e.points),
                             at=(e.at or "").split("#", 1)[0]) for e in page]
    return TierHistoryPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- staff: the definitions and their history ----------------------------------------------------

def _config_org(principal: Principal, org: str | None, *, write: bool) -> str:
    node = org or PROVINCE
    if len(node.split("/")) > 2:
        raise ValidationFailed("会员等级只能由省或市总工会设定", code="TIER_CONFIG_LEVEL",
                               details=[{"org_path": node}])
    inside = principal.covers(node) or (not write and principal.org_path.startswith(node + "/"))
    if not inside:
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    return node


def _config_view(org_path: str, c: TierConfig | None) -> TierConfigView:
    if c is None:
        return TierConfigView(org_path=org_path, version=0, tiers=list(DEFAULT_TIERS), note="系统默认",
                              changed_by_name="", changed_at=None)
    return TierConfigView(org_path=c.org_path, version=int(c.version),
                          tiers=[TierDefinition.model_validate(t) for t in c.tiers], note=c.note,
                          changed_by_name=c.changed_by_name, changed_at=c.changed_at)


def _current(org_path: str) -> TierConfig | None:
    try:
        return TierConfig.get(org_path, CURRENT, consistent_read=True)
    except DoesNotExist:
        return None


def get_config(principal: Principal, org: str | None) -> TierConfigView:
    node = _config_org(principal, org, write=False)
    return _config_view(node, _current(node))


def save_config(principal: Principal, body: TierConfigBody) -> TierConfigView:
    """A new version of a province's or city's tier definitions (the version staff read is
    checked: two staff saving at once, the second gets 409)."""
    node = _config_org(principal, body.org_path, write=True)
    current = _current(node)
    version = int(current.version) if current else 0
    if body.based_on_version != version:
        raise Conflict("等级设置已被他人修改，请刷新后重试", code="TIER_CONFIG_CHANGED",
                       details=[{"version": version}])
    fields: dict[str, Any] = {"version": version + 1, "tiers": [t.model_dump() for t in body.tiers], "note": body.note,
              "changed_by": principal.user_id, "changed_by_name": principal.name, "changed_at": clock.now_iso()}
    fresh = TierConfig(node, CURRENT, **fields)
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(fresh, condition=(TierConfig.version == version) if current
                    else TierConfig.version_key.does_not_exist())
            tx.save(TierConfig(node, f"v#{version + 1:06d}", **fields),
                    condition=TierConfig.version_key.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict("等级设置已被他人修改，请刷新后重试", code="TIER_CONFIG_CHANGED") from exc
    return _config_view(node, fresh)


def config_history(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> TierConfigHistory:
    node = _config_org(principal, org, write=False)
    bound = f"tiers:config:{node}"
    page = TierConfig.query(node, TierConfig.version_key.startswith("v#"), scan_index_forward=False, limit=limit,
                            last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_config_view(node, c) for c in page]
    return TierConfigHistory(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- what other features ask ---------------------------------------------------------------------

def first_contact_bonus(user_id: str, org_path: str | None = None) -> int:
    """Messaging: how many more first messages a day the member's tier gives."""
    mine = member_tier(user_id, org_path)
    return 0 if mine.frozen else mine.tier.extra_first_messages


def sees_who_liked(user_id: str, org_path: str | None = None) -> bool:
    """Profiles: whether the member's tier lets them see who liked them."""
    mine = member_tier(user_id, org_path)
    return not mine.frozen and mine.tier.see_who_liked


def level_of(user_id: str, org_path: str | None = None) -> int:
    """Bookings: the member's tier level (0 = the first tier), for early-access sign-up."""
    mine = member_tier(user_id, org_path)
    return 0 if mine.frozen else mine.level
