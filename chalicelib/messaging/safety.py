"""The 风控 safety rules of chat and the feed: the rule table, who owns which rule, the
history of changes, and the scan.

Ownership. Province-wide rules (owner ``zj``) belong to the province platform staff (a
platform admin, or a union admin of the province node). A city or district union admin adds
rules of their own node; those apply to members in that node's subtree only. A rule is
*visible* to a staff member when it applies to their node (an ancestor's rule) or lies inside
their scope, and *editable* only inside their scope: a district admin sees the province rules
but cannot change them (403), and another district's rule does not exist for them (404).
Every change is written with its before/after in the same transaction (``SafetyRuleChange``).

Safety by construction. Patterns are RE2 (``google-re2``): no backtracking, so matching time
grows with the message, never exponentially with the pattern (``(a+)+$`` is harmless). RE2
still has slow corners (counted repetitions that blow up its DFA), so a pattern is refused
when its compiled program is too large or when it is slow on adversarial probe texts, and a
message's scan stops at ``SCAN_BUDGET_SECONDS`` (hold rules are tried first).
"""
from __future__ import annotations

import json
import re
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed

PROVINCE = "zj"
HOLD_SCORE = 8
RULESET = "ruleset"
SEEDED_MARK = "~seeded"
RULE_CACHE_SECONDS = 30
MAX_RULES_PER_OWNER = 40
MAX_PROGRAM_SIZE = 600            # RE2 program instructions; the defaults are at most 505
RE2_MAX_MEM = 4 << 20             # per compiled rule (bounds its DFA cache)
PROBE_CHARS = 2_000
PROBE_LIMIT_SECONDS = 0.004       # all probes, cold automaton; the defaults take ~0.3 ms
SCAN_BUDGET_SECONDS = 0.025       # one message, all its rules, both normalised forms (figure: < 50 ms)
RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")

WARNINGS = {
    "money": "对方提到转账或借钱。工会提醒：网上交友切勿转账、借钱给未见面的人。",
    "investment": "对方提到投资理财。工会提醒：“稳赚不赔”“带你赚钱”多为杀猪盘话术。",
    "gambling": "对方提到博彩。工会提醒：网络赌博违法，谨防被骗。",
    "crypto": "对方提到虚拟币或链接。工会提醒：不要点击陌生链接、不要购买虚拟币。",
    "link": "消息中含有外部链接，请谨慎点击。",
    "off_platform": "对方希望转到其他软件聊天。工会提醒：离开光年间后，对方身份无法核实。",
    "contact": "对方发来联系方式，请注意保护个人信息。",
    "other": "这条消息可能存在风险，请谨慎。",
}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    pattern: str
    category: str
    action: str           # hold | warn | count
    weight: int = 1
    first_only: bool = False
    enabled: bool = True
    description: str = ""
    owner: str = PROVINCE


@dataclass(frozen=True)
class Verdict:
    action: str           # deliver | count | warn | hold
    categories: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    score: int = 0
    count_weight: int = 0
    complete: bool = True  # False: the time budget ran out before every rule was tried

    @property
    def warning(self) -> str | None:
        if self.action != "warn":
            return None
        return WARNINGS.get(self.categories[0], WARNINGS["other"]) if self.categories else WARNINGS["other"]


_NUM = "0-9零一二三四五六七八九十百千万两"
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("money-transfer", r"(转账|转钱|打款|汇款|打钱|借(我|给我)?(点|些|一下|一点)?钱"
         r"|借[^，。！？]{0,6}[" + _NUM + r"]+[^，。！？]{0,2}(块|元|万)|急用钱|周转一下|帮我垫|垫付|先付"
         r"|保证金|手续费|解冻费|提现不了)", "money", "hold", 5,
         description="要钱、借钱、转账"),
    Rule("money-payment", r"(发(个|点)?红包|收款码|付款码|扫码(支付|付款)|银行卡(号)?)", "money", "warn", 2,
         description="红包、收款码、银行卡"),
    Rule("invest-promise", r"(稳赚|不赔|保本|包赚|零风险|日赚|月入[" + _NUM + r"]+万|翻倍|高回报"
         r"|带你(赚钱|上车|投资|理财|做单))",
         "investment", "hold", 5, description="稳赚不赔、带你赚钱"),
    Rule("invest", r"(投资|理财|炒股|期货|外汇|内幕消息|带单|导师|回报率|收益率)", "investment", "warn", 3,
         description="投资理财话题"),
    Rule("gambling", r"(博彩|赌场|赌博|百家乐|六合彩|时时彩|下注|押注|彩票(内部|计划)|赌球|网赌|棋牌平台|娱乐城)",
         "gambling", "hold", 6, description="博彩、网赌"),
    Rule("crypto", r"(usdt|泰达币|币圈|比特币|btc|eth|以太坊|数字货币|虚拟币|加密货币|挖矿|钱包地址|合约交易|交易所)",
         "crypto", "warn", 3, description="虚拟币"),
    Rule("crypto-link", r"(usdt|币圈|比特币|数字货币|虚拟币|交易所|钱包|合约).{0,40}(https?://|www\.|\.(com|net|cc|top|vip|xyz|io)\b)",
         "crypto", "hold", 6, description="虚拟币加链接"),
    Rule("link", r"(https?://|www\.|[a-z0-9-]+\.(com|net|cn|cc|top|vip|xyz|app|io|me)\b)", "link", "count", 2,
         description="外部链接"),
    Rule("off-platform", r"(加(我|个|下)?(微信|vx|wx|v信|薇信|威信|qq|扣扣|电报|telegram|tg|飞机|whatsapp)"
         r"|下载[^，。！？]{0,12}(app|软件|客户端)|换个(平台|软件|app)|去(微信|qq|电报|tg|飞机)(上)?聊)",
         "off_platform", "warn", 3, description="引导到其他软件"),
    # RE2 has no look-around: "not a digit or the edge" on both sides of a mobile number
    Rule("contact-first", r"((^|\D)1[3-9]\d{9}(\D|$)|(微信|vx|wx|v信|qq)(号)?(是|:|：)?[a-z0-9_-]{5,20}|\d{5,11}@qq)",
         "contact", "hold", 5, first_only=True, description="首次联系即发联系方式"),
)
# Patterns of earlier defaults that RE2 cannot read, and what replaces them when a stored
# table still holds them (tables seeded before the move to RE2).
LEGACY_PATTERNS = {
    r"((?<!\d)1[3-9]\d{9}(?!\d)|(微信|vx|wx|v信|qq)(号)?(是|:|：)?[a-z0-9_-]{5,20}|\d{5,11}@qq)":
        DEFAULT_RULES[-1].pattern,
}

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SEPARATORS = re.compile(r"[\s\-_·•|*~]+")


def normalize(text: str) -> tuple[str, str]:
    """(NFKC lower-cased text, the same with spaces and separators removed) — scammers write
    "转 账", "Ｖ信", "1 3 8-1234-5678" to slip past filters."""
    folded = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text)).lower()
    return folded, _SEPARATORS.sub("", folded)


# --- patterns: RE2, bounded -----------------------------------------------------------------

class PatternRefused(ValueError):
    def __init__(self, code: str, message: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.message, self.detail = code, message, detail


def _options() -> Any:
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    return options


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The RE2 program of a pattern; ``PatternRefused`` when RE2 cannot read it or it is too big."""
    import re2

    try:
        regex = re2.compile(pattern, _options())
    except re2.error as exc:
        raise PatternRefused("RULE_PATTERN_INVALID",
                             "规则的正则表达式不合法或不受支持（RE2 语法，不支持回溯引用和前后断言）",
                             str(exc.args[0] if exc.args else exc)) from exc
    if regex.programsize > MAX_PROGRAM_SIZE:
        raise PatternRefused("RULE_PATTERN_TOO_COMPLEX", "规则过于复杂（重复次数过多），请拆分或简化",
                             f"program size {regex.programsize} > {MAX_PROGRAM_SIZE}")
    return regex


def _probes(pattern: str) -> list[str]:
    """Texts of ``PROBE_CHARS`` characters that drive a pattern to its slow corners: its own
    letters repeated (what a nested or counted repetition chews on), a mix of them with
    Chinese and punctuation (many distinct automaton states), ending in a breaking character."""
    own = "".join(dict.fromkeys(c for c in pattern.lower() if c.isalnum())) or "a"
    mixed = "".join(f"{c}你 {c}{c}.好" for c in own)
    talk = "".join(f"你好，周末一起去西湖边跑步吗？{c}我们单位 www.example.com 有活动 " for c in own)
    return [(seed * (PROBE_CHARS // len(seed) + 1))[:PROBE_CHARS - 1] + "!" for seed in (own, own[:1], mixed, talk)]


def check_pattern(pattern: str) -> None:
    """Refuse a pattern RE2 rejects, whose program is too large, or that is slow on probes.

    Timed on a fresh compile (RE2 builds its automaton lazily: the first searches are the
    dear ones), the better of two runs so a busy neighbour does not refuse a fair pattern."""
    import re2

    compiled(pattern)  # syntax and program size
    probes = _probes(pattern)
    spent = PROBE_LIMIT_SECONDS
    for _ in range(2):
        fresh = re2.compile(pattern, _options())
        started = time.perf_counter()
        for probe in probes:
            fresh.search(probe)
        spent = min(spent, time.perf_counter() - started)
    if spent >= PROBE_LIMIT_SECONDS:
        raise PatternRefused("RULE_PATTERN_TOO_COMPLEX", "规则匹配太慢，请去掉多层或大次数的重复",
                             f"{spent * 1000:.1f} ms on {len(probes)} probes of {PROBE_CHARS} characters")


def _regex_or_none(pattern: str) -> Any:
    try:
        return compiled(LEGACY_PATTERNS.get(pattern, pattern))
    except PatternRefused:
        from chalicelib.platform.observability import logger

        logger.warning("safety rule pattern skipped", extra={"pattern": pattern[:80]})
        return None


_ORDER = {"hold": 0, "warn": 1, "count": 2}


def scan(text: str, rules: Iterable[Rule], *, first_message: bool,
         budget: float = SCAN_BUDGET_SECONDS) -> Verdict:
    """Match a message against rules. Any ``hold`` rule, or a total weight of ``HOLD_SCORE``
    or more, holds the message; else any ``warn`` rule delivers it with a warning; else
    ``count`` rules deliver it and count against the sender. Hold rules are tried first; when
    ``budget`` seconds have gone, the rest are skipped (``complete`` is False)."""
    ordered = sorted((r for r in rules if r.enabled and (first_message or not r.first_only)),
                     key=lambda r: (_ORDER.get(r.action, 3), -r.weight))
    prepared = [(r, _regex_or_none(r.pattern)) for r in ordered]  # compiled once per process, outside the budget
    started = time.perf_counter()
    folded, compact = normalize(text)
    texts = (folded,) if compact == folded else (folded, compact)
    matched: list[Rule] = []
    complete = True
    for rule, regex in prepared:
        if time.perf_counter() - started > budget:
            complete = False
            break
        if regex is not None and any(regex.search(t) for t in texts):
            matched.append(rule)
    if not complete:
        from chalicelib.platform.observability import logger

        logger.warning("safety scan stopped at its time budget",
                       extra={"rules": len(ordered), "matched": len(matched), "chars": len(text)})
    if not matched:
        return Verdict("deliver", complete=complete)
    score = sum(r.weight for r in matched)
    actions = {r.action for r in matched}
    action = "hold" if "hold" in actions or score >= HOLD_SCORE else "warn" if "warn" in actions else "count"
    ranked = sorted(matched, key=lambda r: (_ORDER[r.action], -r.weight))
    categories = list(dict.fromkeys(r.category for r in ranked))
    return Verdict(action, categories, [r.rule_id for r in ranked], score,
                   sum(r.weight for r in matched if r.action == "count"), complete)


# --- ownership ------------------------------------------------------------------------------

def _lineage(path: str) -> set[str]:
    """A node and all its ancestors: ``zj/huz/nanxun`` → {zj, zj/huz, zj/huz/nanxun}."""
    parts = [p for p in (path or "").split("/") if p]
    found = {"/".join(parts[:i]) for i in range(1, len(parts) + 1)}
    found.add(PROVINCE)
    return found


def applies_to(rule: Rule, orgs: Iterable[str]) -> bool:
    """A rule applies to a message when its owner is the province or an ancestor of (or the
    same node as) the sender's or the recipient's organisation."""
    if rule.owner == PROVINCE:
        return True
    return any(rule.owner in _lineage(org) for org in orgs if org)


def home_of(principal: Principal) -> str:
    """The node whose rules a staff member writes: the province for platform admins."""
    if principal.role is Role.PLATFORM_ADMIN:
        return PROVINCE
    return principal.org_path


def may_edit(principal: Principal, owner: str) -> bool:
    return principal.covers(owner)


def may_see(principal: Principal, owner: str) -> bool:
    return may_edit(principal, owner) or owner in _lineage(home_of(principal))


# --- the stored table ------------------------------------------------------------------------

_rules_cache: tuple[float, tuple[Rule, ...]] | None = None


def _rule_of(row: Any) -> Rule:
    return Rule(row.rule_id, row.pattern, row.category, row.action, int(row.weight or 1), bool(row.first_only),
                bool(row.enabled), row.description or "", row.owner or PROVINCE)


def current_rules() -> tuple[Rule, ...]:
    """Every stored rule (or the defaults until staff first edit the table), cached briefly."""
    from .models import SafetyRule

    global _rules_cache
    if _rules_cache and time.monotonic() - _rules_cache[0] < RULE_CACHE_SECONDS:
        return _rules_cache[1]
    rows = list(SafetyRule.query(RULESET))
    if any(r.rule_id == SEEDED_MARK for r in rows):
        rules = tuple(_rule_of(r) for r in rows if r.rule_id != SEEDED_MARK)
    else:
        rules = DEFAULT_RULES
    _rules_cache = (time.monotonic(), rules)
    return rules


def forget_rules() -> None:
    global _rules_cache
    _rules_cache = None


def rules_for(orgs: Iterable[str]) -> list[Rule]:
    wanted = [o for o in orgs if o]
    return [r for r in current_rules() if applies_to(r, wanted)]


def scan_text(text: str, *, first_message: bool, orgs: Iterable[str] = ()) -> Verdict:
    """Scan with the province rules and those of the given organisations' lineages."""
    return scan(text, rules_for(orgs), first_message=first_message)


def seed_default_rules(actor: str) -> None:
    from pynamodb.exceptions import PutError

    from .models import SafetyRule

    try:
        SafetyRule.get(RULESET, SEEDED_MARK)
        return
    except SafetyRule.DoesNotExist:
        pass
    now = clock.now_iso()
    with SafetyRule.batch_write() as batch:
        for rule in DEFAULT_RULES:
            batch.save(SafetyRule(RULESET, rule.rule_id, pattern=rule.pattern, category=rule.category,
                                  action=rule.action, weight=rule.weight, first_only=rule.first_only,
                                  enabled=rule.enabled, description=rule.description, owner=PROVINCE,
                                  updated_by="system", updated_at=now))
    try:
        SafetyRule(RULESET, SEEDED_MARK, updated_by=actor, updated_at=now).save(
            condition=SafetyRule.rule_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def _fields(rule: Rule) -> dict[str, Any]:
    data = asdict(rule)
    data.pop("rule_id")
    return data


def _not_found() -> NotFound:
    return NotFound("找不到该规则", code="RULE_NOT_FOUND")


def _owned(principal: Principal, rule_id: str) -> Any:
    """The stored row of a rule the caller may change: 404 when it does not exist or is not
    visible to them, 403 when they see it (a rule of their province or city) but do not own it."""
    from .models import SafetyRule

    if not RULE_ID.fullmatch(rule_id):
        raise _not_found()
    try:
        row = SafetyRule.get(RULESET, rule_id, consistent_read=True)
    except SafetyRule.DoesNotExist:
        return None
    owner = row.owner or PROVINCE
    if not may_see(principal, owner):
        raise _not_found()
    if not may_edit(principal, owner):
        raise Forbidden("这条规则属于上级工会，只能由其修改；可以为本地区新增规则", code="RULE_NOT_OWNED",
                        details=[{"owner": owner}])
    return row


def _transaction() -> Any:
    from pynamodb.transactions import TransactWrite

    from .models import SafetyRule

    return TransactWrite(connection=SafetyRule._get_connection().connection)


def _change(principal: Principal, rule_id: str, kind: str, *, owner: str, before: Rule | None,
            after: Rule | None) -> Any:
    from .models import SafetyRuleChange

    now = clock.now_iso()
    return SafetyRuleChange(rule_id, f"{now}#{uuid.uuid4().hex[:8]}", change=kind, owner=owner,
                            actor=principal.user_id, actor_role=principal.role.value,
                            actor_org=principal.org_path or None, changed_at=now,
                            before=json.dumps(_fields(before), ensure_ascii=False) if before else None,
                            after=json.dumps(_fields(after), ensure_ascii=False) if after else None)


def _unchanged(row: Any) -> Any:
    from .models import SafetyRule

    if row.updated_at is None:
        return SafetyRule.updated_at.does_not_exist()
    return SafetyRule.updated_at == row.updated_at


def _guarded(conflict_message: str) -> Any:
    from chalicelib.platform.db import dynamo_errors

    return dynamo_errors(Conflict(conflict_message, code="RULE_CHANGED"))


def put_rule(principal: Principal, rule_id: str, *, pattern: str, category: str, action: str, weight: int,
             first_only: bool, enabled: bool, description: str | None) -> Any:
    """Create a rule of the caller's node, or change a rule the caller owns (with history and
    its SafetyRuleChanged event, in one transaction)."""
    from chalicelib.platform.events import actor_of, publish

    from .models import SafetyRule

    if not RULE_ID.fullmatch(rule_id):
        raise ValidationFailed("规则编号只能包含小写字母、数字和连字符", code="RULE_ID_INVALID")
    try:
        check_pattern(pattern)
    except PatternRefused as exc:
        raise ValidationFailed(exc.message, code=exc.code, details=[{"field": "pattern", "error": exc.detail}]) from exc
    seed_default_rules(principal.user_id)
    existing = _owned(principal, rule_id)
    owner = (existing.owner or PROVINCE) if existing is not None else home_of(principal)
    if not owner:
        raise Forbidden("当前账号没有所属组织，不能新增规则", code="RULE_NOT_OWNED")
    if existing is None and sum(1 for r in current_rules() if r.owner == owner) >= MAX_RULES_PER_OWNER:
        raise ValidationFailed(f"每个组织最多 {MAX_RULES_PER_OWNER} 条规则", code="RULE_LIMIT_REACHED",
                               details=[{"limit": MAX_RULES_PER_OWNER}])
    now = clock.now_iso()
    row = SafetyRule(RULESET, rule_id, pattern=pattern, category=category, action=action, weight=weight,
                     first_only=first_only, enabled=enabled, description=description, owner=owner,
                     updated_by=principal.user_id, updated_at=now)
    before = _rule_of(existing) if existing is not None else None
    with _guarded("规则刚被其他人修改，请刷新后重试"), _transaction() as tx:
        if existing is None:
            tx.save(row, condition=SafetyRule.rule_id.does_not_exist())
        else:
            tx.save(row, condition=_unchanged(existing))
        tx.save(_change(principal, rule_id, "created" if existing is None else "updated", owner=owner,
                        before=before, after=_rule_of(row)))
        publish("messaging", "SafetyRuleChanged", data={"rule_id": rule_id, "action": action,
                                                         "enabled": enabled, "owner": owner},
                actor=actor_of(principal), org=principal.org_path, tx=tx)
    forget_rules()
    return row


def delete_rule(principal: Principal, rule_id: str) -> Rule:
    from chalicelib.platform.events import actor_of, publish

    seed_default_rules(principal.user_id)
    existing = _owned(principal, rule_id)
    if existing is None:
        raise _not_found()
    before = _rule_of(existing)
    with _guarded("规则刚被其他人修改，请刷新后重试"), _transaction() as tx:
        tx.delete(existing, condition=_unchanged(existing))
        tx.save(_change(principal, rule_id, "deleted", owner=before.owner, before=before, after=None))
        publish("messaging", "SafetyRuleChanged", data={"rule_id": rule_id, "action": "deleted", "owner": before.owner},
                actor=actor_of(principal), org=principal.org_path, tx=tx)
    forget_rules()
    return before


def visible_rows(principal: Principal) -> list[Any]:
    from .models import SafetyRule

    rows = [r for r in SafetyRule.query(RULESET) if r.rule_id != SEEDED_MARK]
    if not rows:
        rows = [SafetyRule(RULESET, r.rule_id, pattern=r.pattern, category=r.category, action=r.action,
                           weight=r.weight, first_only=r.first_only, enabled=r.enabled, description=r.description,
                           owner=r.owner) for r in DEFAULT_RULES]
    return [r for r in rows if may_see(principal, r.owner or PROVINCE)]


def history(principal: Principal, rule_id: str, *, limit: int, cursor: str | None) -> tuple[list[Any], Any]:
    """A rule's changes, newest first, for staff who may see the rule (also after its deletion)."""
    from chalicelib.platform.pagination import decode_cursor

    from .models import SafetyRuleChange

    if not RULE_ID.fullmatch(rule_id):
        raise _not_found()
    bound = f"messaging:rule-history:{rule_id}"
    page = SafetyRuleChange.query(rule_id, scan_index_forward=False, limit=limit,
                                  last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = list(page)
    if cursor is None:
        owner: str | None
        if items:
            owner = items[0].owner
        else:  # a rule nobody has changed yet (a default) has an empty history
            owner = next((r.owner for r in current_rules() if r.rule_id == rule_id), None)
        if owner is None or not may_see(principal, owner):
            raise _not_found()  # no such rule, or another district's: the same answer
    visible = [c for c in items if may_see(principal, c.owner)]
    return visible, page.last_evaluated_key
