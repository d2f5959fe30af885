"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters.

1 registration authority (登记管理部门), 2 category (机构类别), 3–8 the administrative region
(GB/T 2260), 9–17 the body's identifier (组织机构代码), 18 the check character. Characters come
from the 31 of ``CHARSET`` (digits and capitals without I, O, Z, S, V). The check character
is the one whose value c makes ``(Σ value(ch_i)·w_i + c) ≡ 0 (mod 31)`` with the weights
``3^(i-1) mod 31``.
"""
from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_VALUE = {ch: n for n, ch in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (ValueError on a character outside the set)."""
    if len(first17) != 17:
        raise ValueError("need the first 17 characters")
    try:
        total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed") from None
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code (Chinese, for people), or None when it is."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return f"统一社会信用代码含有不允许的字符：{bad[0]}"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划代码"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
