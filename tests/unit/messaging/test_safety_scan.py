"""风控: the default rule table against the phrasings of 杀猪盘 and marriage fraud, and the
ordinary talk of two people getting to know each other, which must pass untouched."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.messaging.safety import DEFAULT_RULES, HOLD_SCORE, Rule, normalize, scan


def verdict(text: str, *, first: bool = False):
    return scan(text, DEFAULT_RULES, first_message=first)


@pytest.mark.parametrize("text", [
    "亲爱的，你能先转账给我吗？",
    "我最近手头有点紧，能借我点钱吗",
    "借我3000块周转一下，下个月就还你",
    "能不能借两万给我，急用钱",
    "平台提现不了，要先交保证金",
    "帮我垫付一下手续费好不好",
    "跟着我投资，稳赚不赔",
    "这个项目保本保息，日赚五百",
    "我带你赚钱，收益翻倍",
    "我舅舅在澳门博彩公司，有内部渠道",
    "这个网赌平台下注很稳",
    "六合彩内部计划，跟我买",
    "我在做USDT合约，平台在这 https://usdt-vip.top/reg",
    "币圈交易所链接 www.coinx-pro.cc 注册送U",
    "转 账 给 我",
])
def test_scam_phrasings_are_held(text):
    assert verdict(text).action == "hold", text


@pytest.mark.parametrize(("text", "category"), [
    ("你平时会做点投资理财吗", "investment"),
    ("最近币圈行情怎么样", "crypto"),
    ("加我微信聊吧，这里不方便", "off_platform"),
    ("下载这个App，我们在上面聊", "off_platform"),
    ("加个Ｖ信吧", "off_platform"),
    ("我们去飞机上聊", "off_platform"),
    ("发个红包看看诚意", "money"),
])
def test_risky_but_not_damning_phrasings_are_delivered_with_a_warning(text, category):
    result = verdict(text)
    assert result.action == "warn", text
    assert category in result.categories
    assert result.warning


@pytest.mark.parametrize("text", [
    "我的电话是138 1234 5678，打给我",
    "微信号：love_2024abc",
    "vx: abc123456",
    "加我qq 12345678@qq",
])
def test_contact_details_in_a_first_message_are_held_but_not_later(text):
    assert verdict(text, first=True).action == "hold", text
    assert verdict(text, first=False).action != "hold"


@pytest.mark.parametrize("text", [
    "你好，很高兴认识你，周末一起去西湖边跑步吗？",
    "我也喜欢羽毛球，下次叫上你",
    "今天加班到九点，好累",
    "工会的读书角周六有活动，要不要一起去",
    "我老家是余姚的，你呢",
    "刚看完一部电影，推荐给你",
])
def test_ordinary_talk_passes(text):
    result = verdict(text, first=True)
    assert result.action == "deliver", (text, result)


def test_a_link_alone_counts_against_the_sender_without_stopping_the_message():
    result = verdict("我们单位的官网 www.sanxing-electric.com 有介绍")
    assert result.action == "count" and result.count_weight == 2


def test_enough_small_signals_add_up_to_a_hold():
    rules = [Rule("a", "红豆", "other", "count", 5), Rule("b", "绿豆", "other", "count", HOLD_SCORE - 5)]
    assert scan("红豆和绿豆", rules, first_message=False).action == "hold"
    assert scan("只有红豆", rules, first_message=False).action == "count"


def test_disabled_and_broken_rules_are_skipped():
    rules = [Rule("off", "转账", "money", "hold", 5, enabled=False), Rule("broken", "([", "other", "hold", 5)]
    assert scan("转账", rules, first_message=False).action == "deliver"


def test_normalize_folds_width_case_and_separators():
    folded, compact = normalize("Ｕ Ｓ Ｄ Ｔ\u200b 转-账")
    assert folded.startswith("u s d t")
    assert compact == "usdt转账"


@given(st.text(alphabet=st.sampled_from("你好我们周末一起去看电影吃饭跑步读书工会活动天气很开心"), max_size=60))
def test_plain_chinese_small_talk_is_never_held(text):
    assert verdict(text, first=True).action in ("deliver", "count")
