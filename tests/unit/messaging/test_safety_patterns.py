"""风控 patterns are safe by construction: RE2 matches in time linear in the message, so the
pattern that froze delivery (``(a+)+$``: 7.6 s for one message under Python's ``re``) now
costs well under a millisecond; patterns RE2 cannot read or that are too big or too slow are
refused with a code; and a message's scan stops at its time budget, hold rules first."""
from __future__ import annotations

import time

import pytest

from chalicelib.messaging.safety import (
    DEFAULT_RULES,
    LEGACY_PATTERNS,
    PatternRefused,
    Rule,
    applies_to,
    check_pattern,
    scan,
)

EVIL = Rule("evil", "(a+)+$", "other", "hold", 5)


def test_the_pathological_pattern_scans_a_2000_character_message_in_milliseconds():
    check_pattern(EVIL.pattern)  # accepted: harmless under RE2
    message = "a" * 1_999 + "!"
    started = time.perf_counter()
    verdict = scan(message, [EVIL], first_message=True)
    assert time.perf_counter() - started < 0.05
    assert verdict.action == "deliver" and verdict.complete
    assert scan("a" * 2_000, [EVIL], first_message=True).action == "hold"


@pytest.mark.parametrize(("pattern", "code"), [
    (r"(?<!\d)1[3-9]\d{9}", "RULE_PATTERN_INVALID"),
    (r"(a)\1", "RULE_PATTERN_INVALID"),
    (r"((a{100}){100}){100}", "RULE_PATTERN_INVALID"),
    (r"[\s\S]{0,200}[\s\S]{0,200}z$", "RULE_PATTERN_TOO_COMPLEX"),
    (r"\b(\w+\s*){0,50}\b", "RULE_PATTERN_TOO_COMPLEX"),
])
def test_patterns_re2_rejects_or_that_are_too_big_are_refused_with_a_code(pattern, code):
    with pytest.raises(PatternRefused) as refused:
        check_pattern(pattern)
    assert refused.value.code == code


def test_every_default_rule_is_accepted_and_the_legacy_contact_pattern_is_replaced():
    for rule in DEFAULT_RULES:
        check_pattern(rule.pattern)
    (legacy, replacement), = LEGACY_PATTERNS.items()
    stored = Rule("contact-first", legacy, "contact", "hold", 5, first_only=True)
    assert scan("我的电话13812345678", [stored], first_message=True).action == "hold"
    assert replacement == DEFAULT_RULES[-1].pattern


def test_the_scan_stops_at_its_budget_and_tries_hold_rules_first():
    slow = [Rule(f"slow-{i}", r"(.*a){20}", "other", "count", 1) for i in range(300)]
    hold = Rule("money", "转账", "money", "hold", 5)
    message = ("你好，周末一起去西湖边跑步吗？a 转账 " * 120)[:2_000]
    started = time.perf_counter()
    verdict = scan(message, [*slow, hold], first_message=False, budget=0.005)
    assert time.perf_counter() - started < 0.05
    assert not verdict.complete
    assert verdict.action == "hold" and verdict.rules[0] == "money"


def test_a_district_rule_applies_to_messages_touching_its_subtree_only():
    xihu = Rule("x", "x", "other", "count", owner="zj/hz/xihu")
    province = Rule("p", "p", "other", "count", owner="zj")
    assert applies_to(province, ["zj/huz/nanxun/e-sanxing"])
    assert applies_to(xihu, ["zj/huz/nanxun/e-sanxing", "zj/hz/xihu/e-hikvision"])
    assert not applies_to(xihu, ["zj/huz/nanxun/e-sanxing", "zj/hz/xihu-new"])
    assert not applies_to(xihu, [])
