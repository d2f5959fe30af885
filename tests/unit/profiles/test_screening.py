"""Free text a member writes never carries contact details or abuse (pure rules)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.platform.errors import ValidationFailed
from chalicelib.profiles.screening import check_text, problem_in


@pytest.mark.parametrize("text, code", [
    ("13812345678", "TEXT_HAS_PHONE"),
    ("+86 138-1234-5678", "TEXT_HAS_PHONE"),
    ("１３８１２３４５６７８", "TEXT_HAS_PHONE"),            # full-width digits
    ("138.1234.5678", "TEXT_HAS_PHONE"),
    ("vx:abc_12345", "TEXT_HAS_WECHAT"),
    ("加V信 lucky_girl88", "TEXT_HAS_WECHAT"),
    ("微信号：wxid_abcdef", "TEXT_HAS_WECHAT"),
    ("WeChat Lucky_2024", "TEXT_HAS_WECHAT"),
    ("QQ 12345678", "TEXT_HAS_QQ"),
    ("扣扣:987654321", "TEXT_HAS_QQ"),
    ("www.example.com", "TEXT_HAS_LINK"),
    ("http://t.cn/abc", "TEXT_HAS_LINK"),
    ("找我 20241234567", "TEXT_HAS_NUMBER"),
    ("号码 9876543", "TEXT_HAS_NUMBER"),
    ("你是傻逼", "TEXT_ABUSIVE"),
    ("带你投资稳赚不赔", "TEXT_ABUSIVE"),
    ("SB", "TEXT_ABUSIVE"),
])
def test_contact_details_and_abuse_are_named(text, code):
    assert problem_in(text)[0] == code


@pytest.mark.parametrize("text", [
    "喜欢周末去爬山，也喜欢安静地看书。", "身高 165，1995 年出生", "养了 2 只猫", "爱笑", "跑过 3 次半马",
    "喜欢 NBA 和 CBA", "工作在西湖区，老家绍兴",
])
def test_ordinary_self_introductions_pass(text):
    assert problem_in(text) is None


def test_a_refusal_is_a_422_with_the_field_and_a_chinese_message():
    with pytest.raises(ValidationFailed) as caught:
        check_text("intro", "微信 abc12345 聊")
    assert caught.value.status == 422 and caught.value.code == "TEXT_HAS_WECHAT"
    assert caught.value.details == [{"field": "intro"}] and "微信" in caught.value.message


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.sampled_from(["", " ", "-"]), st.text(
    alphabet="我喜欢爬山看书", max_size=8))
def test_any_mainland_mobile_number_is_refused_however_it_is_spaced(number, sep, words):
    spaced = sep.join([number[:3], number[3:7], number[7:]])
    assert problem_in(f"{words}{spaced}{words}") is not None
