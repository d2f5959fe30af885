"""光年间 chat, the 风控 safety rules: staff list, change and delete rules in their scope, with a
history; try a text against the rules.
"""
from __future__ import annotations

import json

from chalicelib.platform.auth import Principal
from chalicelib.platform.pagination import encode_cursor

from . import safety
from .models import (
    SafetyRule,
)
from .safety import HOLD_SCORE, PROVINCE, scan_text
from .schemas import (
    SafetyRuleChangeView,
    SafetyRuleHistory,
    SafetyRuleIn,
    SafetyRuleList,
    SafetyRuleView,
    ScanResult,
)

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
    """The rule, its history and SafetyRuleChanged are written in one transaction."""
    row = safety.put_rule(principal, rule_id, pattern=body.pattern, category=body.category, action=body.action,
                          weight=body.weight, first_only=body.first_only, enabled=body.enabled,
                          description=body.description)
    return _rule_view(principal, row)


def delete_rule(principal: Principal, rule_id: str) -> None:
    safety.delete_rule(principal, rule_id)  # the rule, its history and SafetyRuleChanged in one transaction


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
