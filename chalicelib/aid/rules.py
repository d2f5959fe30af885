"""Hardship-aid rules that are data or arithmetic: the aid types, their yearly caps and the
documents each needs, per-capita income, bank-card checks, the time limits, medians. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass

DOC_KINDS = {
    "diagnosis": "医院诊断证明", "hospital_bill": "医疗费用票据", "accident_proof": "事故或伤情证明",
    "disaster_proof": "受灾证明", "household_register": "户口簿", "income_proof": "家庭收入证明",
    "admission_notice": "录取通知书", "bank_card": "银行卡（收款账户）照片", "other": "其他材料",
}


@dataclass(frozen=True)
class AidType:
    code: str
    name: str
    yearly_cap_fen: int          # most one worker may receive of this type in a calendar year
    required_docs: tuple[str, ...]


AID_TYPES: dict[str, AidType] = {t.code: t for t in (
    AidType("serious_illness", "大病救助", 2_000_000, ("diagnosis", "household_register", "income_proof", "bank_card")),
    AidType("accident", "意外伤害帮扶", 1_000_000, ("accident_proof", "household_register", "bank_card")),
    AidType("disaster", "受灾帮扶", 1_000_000, ("disaster_proof", "household_register", "bank_card")),
    AidType("family_hardship", "生活困难帮扶", 500_000, ("household_register", "income_proof", "bank_card")),
    AidType("education", "金秋助学", 500_000,
            ("admission_notice", "household_register", "income_proof", "bank_card")),
)}

DEFAULT_ESCALATE_AFTER_DAYS = 5
DEFAULT_NOTICE_DAYS = 5


def per_capita_income_fen(household_income_fen: int, household_size: int) -> int:
    """Yearly household income per member, rounded down to the fen."""
    return household_income_fen // max(1, household_size)


def normalize_bank_card(raw: str) -> str:
    """Digits only, 16–19 long, passing the Luhn check (银联 cards). Raises ValueError."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"\d{16,19}", digits):
        raise ValueError("银行卡号应为16到19位数字")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    if total % 10:
        raise ValueError("银行卡号校验不通过，请核对")
    return digits


def mask_bank_card(digits: str) -> str:
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_name(name: str) -> str:
    """陈宏鑫 → 陈*鑫, 王芳 → 王*: how an applicant appears on the public notice."""
    if len(name) <= 1:
        return name or "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def median_from_histogram(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}."""
    total = sum(c for c in counts.values() if c > 0)
    if total == 0:
        return None
    ordered = sorted((v, c) for v, c in counts.items() if c > 0)

    def nth(k: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if k < seen:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2

# The domain event every workflow step publishes (the aid-step Lambda subscribes to it).
STEP_EVENT = "AidStepTaken"
