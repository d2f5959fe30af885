"""The unified social credit code's check character (GB 32100-2015), on codes printed on real
business licences and published in the national enterprise credit publicity system."""
from __future__ import annotations

import pytest

from chalicelib.enterprises.creditcode import WEIGHTS, check_character, is_valid, problem

PUBLISHED = [
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
]


def test_the_weights_are_the_standards_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_carry_the_check_character_the_standard_gives(code):
    assert check_character(code[:17]) == code[17]
    assert is_valid(code)


@pytest.mark.parametrize("code", PUBLISHED)
def test_any_single_changed_character_is_caught(code):
    for position in range(17):
        for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if replacement == code[position] or (2 <= position < 8 and not replacement.isdigit()):
                continue
            typo = code[:position] + replacement + code[position + 1:]
            assert not is_valid(typo), typo


@pytest.mark.parametrize(("code", "why"), [
    ("91330100716105852", "18 位"),
    ("91330100716105852FF", "18 位"),
    ("91330100716105852I", "不允许的字符"),     # I, O, S, V, Z are not in the character set
    ("9133010071610585OF", "不允许的字符"),
    ("91AB0100716105852F", "行政区划"),
    ("91330100716105852G", "校验位"),
])
def test_malformed_codes_are_explained_in_chinese(code, why):
    assert why in (problem(code) or "")
