"""Screening of free text members write (free tags, self-introduction): no phone numbers,
WeChat / QQ ids, links or abuse. Pure functions; a refusal is a 422 with a Chinese message.

Contact details are refused because 光年间 keeps first contact inside the app, where blocks
and reports work — the "杀猪盘" pattern starts by moving a match to another channel.
"""
from __future__ import annotations

import re
import unicodedata

from chalicelib.platform.errors import ValidationFailed
from chalicelib.platform.pii import PHONE_PATTERN

_WECHAT = re.compile(
    r"(微信|威信|薇信|徽信|v信|vx|wx|wechat|weixin|加v|\+v)\s*(号|id)?\s*[:：是为]?\s*[a-z][-_a-z0-9]{5,19}",
    re.IGNORECASE)
_QQ = re.compile(r"(qq|扣扣|企鹅|球球)\s*(号|群)?\s*[:：是为]?\s*[1-9]\d{4,11}", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(?!\d)")           # a bare QQ / phone / account number
_URL = re.compile(r"(https?://|www\.|[a-z0-9-]+\.(com|cn|net|top|xyz|vip|cc|io|me)\b)", re.IGNORECASE)
ABUSE_WORDS = (
    "傻逼", "煞笔", "sb", "操你", "草泥马", "贱人", "婊子", "去死", "滚蛋", "脑残",
    "约炮", "裸聊", "援交", "一夜情", "包养", "代孕", "赌博", "博彩", "刷单", "网贷", "带你投资", "稳赚",
)


def _normalise(text: str) -> str:
    # Full-width digits/letters (１３８, ｗｘ) become ASCII; spaces and dots between digits go.
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d)[\s.\-_·]+(?=\d)", "", folded)


def problem_in(text: str) -> tuple[str, str] | None:
    """(code, Chinese message) for the first problem found in ``text``, or None."""
    plain = _normalise(text)
    if PHONE_PATTERN.search(plain):
        return "TEXT_HAS_PHONE", "请不要填写手机号，认识之后可在站内私信交换联系方式"
    if _WECHAT.search(plain):
        return "TEXT_HAS_WECHAT", "请不要填写微信号，认识之后可在站内私信交换联系方式"
    if _QQ.search(plain):
        return "TEXT_HAS_QQ", "请不要填写 QQ 号，认识之后可在站内私信交换联系方式"
    if _URL.search(plain):
        return "TEXT_HAS_LINK", "请不要填写网址或链接"
    if _LONG_NUMBER.search(plain):
        return "TEXT_HAS_NUMBER", "请不要填写账号、号码等联系方式"
    lowered = plain.lower()
    for word in ABUSE_WORDS:
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                return "TEXT_ABUSIVE", "内容包含不文明或违规用语，请修改"
        elif word in lowered:
            return "TEXT_ABUSIVE", "内容包含不文明或违规用语，请修改"
    return None


def check_text(field: str, text: str) -> None:
    """Raise 422 when ``text`` carries contact details or abuse."""
    found = problem_in(text)
    if found:
        code, message = found
        raise ValidationFailed(message, code=code, details=[{"field": field}])
