"""The 产改20条 calculation: pure functions over a policy version, no I/O.

A policy version is data (``PolicyVersion``): each measure names its clause, how it pays
(a fixed amount, or the documented cost up to a cap), its caps or per-level standards, and
whether it is paid once (per enterprise or per subject, ever or per year). ``calculate``
turns claim items into lines; every line says which clause applied and which cap cut it.

Rules, as the policy text puts them:
- "最高 X 元" (up to): the lesser of the documented eligible cost and the cap, unless the
  measure gives a per-level standard, which is then paid as is.
- one-off items are paid once per enterprise across years (the caller passes what was
  already paid: ``already_paid`` holds their once-keys).
- the result does not depend on the order of the items: stateful rules (once-keys) are
  applied in a canonical order (measure, subject, item id).
Money is integer fen throughout.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chalicelib.platform.money import MAX_FEN, SubsidyFen, fen_to_yuan_text
from chalicelib.platform.schema import Schema

Basis = Literal["fixed", "capped_cost"]
Once = Literal["none", "year", "ever"]
OnceBy = Literal["enterprise", "subject"]
OverBudget = Literal["wait", "cut"]

LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "ningbo": "宁波市级", "city": "市级",
               "level5": "五级/初级工", "level4": "四级/中级工", "level3": "三级/高级工", "level2": "二级/技师",
               "level1": "一级/高级技师"}


class Measure(Schema):
    """One measure of the policy (one kind of claim)."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(..., pattern=r"^[a-z_]{2,40}$")
    name: str = Field(..., min_length=2, max_length=60)
    clause: str = Field(..., min_length=2, max_length=300, description="政策条款原文或出处")
    basis: Basis
    unit: str = Field("项", max_length=4)
    amount_fen: SubsidyFen | None = Field(None, description="fixed：每单位金额")
    cap_fen: SubsidyFen | None = Field(None, description="capped_cost：每单位最高金额")
    level_caps: dict[str, SubsidyFen] = Field(default_factory=dict, description="按级别的最高金额")
    level_standards: dict[str, SubsidyFen] = Field(default_factory=dict, description="按级别的定额标准")
    once: Once = "none"
    once_by: OnceBy = "enterprise"

    @model_validator(mode="after")
    def _consistent(self) -> "Measure":
        if self.basis == "fixed" and self.amount_fen is None and not self.level_standards:
            raise ValueError(f"{self.code}: 定额补助需要 amount_fen 或 level_standards")
        if self.basis == "capped_cost" and self.cap_fen is None and not self.level_caps \
                and not self.level_standards:
            raise ValueError(f"{self.code}: 按费用补助需要 cap_fen、level_caps 或 level_standards")
        for table in (self.level_caps, self.level_standards):
            if any(not 0 <= v <= MAX_FEN for v in table.values()):
                raise ValueError(f"{self.code}: 级别金额超出范围")
        return self

    @property
    def levels(self) -> set[str]:
        return set(self.level_caps) | set(self.level_standards)


class PolicyVersion(Schema):
    """A policy as it stood from ``effective_from``; a new year's policy is a new version."""

    model_config = ConfigDict(frozen=True)

    policy_id: str = Field(..., pattern=r"^[a-z0-9-]{2,40}$")
    version: str = Field(..., pattern=r"^[A-Za-z0-9.-]{1,20}$")
    title: str = Field(..., min_length=2, max_length=120)
    district_path: str = Field(..., pattern=r"^[a-z0-9-]{1,32}(/[a-z0-9-]{1,32}){0,4}$", max_length=200,
                               description="适用的区县工会")
    effective_from: date
    over_budget: OverBudget = "wait"
    measures: tuple[Measure, ...]

    @field_validator("measures")
    @classmethod
    def _unique(cls, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
        codes = [m.code for m in measures]
        if len(set(codes)) != len(codes) or not codes:
            raise ValueError("政策版本的补助项目编码必须唯一且至少一项")
        return measures

    def measure(self, code: str) -> Measure | None:
        return next((m for m in self.measures if m.code == code), None)


@dataclass(frozen=True)
class ClaimItem:
    """One claimed unit: a worker's certificate, a competition hosted, an idea adopted..."""

    item_id: str
    measure: str
    subject: str = ""          # certificate no., competition name, method title…
    cost_fen: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class Line:
    item_id: str
    measure: str
    measure_name: str
    clause: str
    subject: str
    claimed_cost_fen: int | None
    cap_fen: int | None         # the cap (or standard) that bounds this line
    amount_fen: int
    capped: bool                # the cap cut the documented cost
    once_key: str | None
    duplicate: bool             # a one-off already paid (or claimed twice here): nothing paid
    explanation: str


@dataclass(frozen=True)
class Calculation:
    policy_id: str
    version: str
    lines: tuple[Line, ...]
    total_fen: int

    def line(self, item_id: str) -> "Line":
        return next(line for line in self.lines if line.item_id == item_id)


class ClaimError(ValueError):
    """An item the policy version cannot compute (unknown measure, missing cost or level)."""

    def __init__(self, item_id: str, code: str, message: str) -> None:
        super().__init__(message)
        self.item_id, self.code, self.message = item_id, code, message


def once_key(measure: Measure, item: ClaimItem, year: int) -> str | None:
    """What identifies the payment a one-off may receive once (per enterprise)."""
    if measure.once == "none":
        return None
    period = "ever" if measure.once == "ever" else str(year)
    who = item.subject.strip() if measure.once_by == "subject" else "*"
    return f"{measure.code}|{period}|{who}"


def check_item(policy: PolicyVersion, item: ClaimItem) -> "Measure":
    measure = policy.measure(item.measure)
    if measure is None:
        raise ClaimError(item.item_id, "MEASURE_NOT_IN_POLICY",
                         f"政策版本 {policy.version} 中没有补助项目“{item.measure}”")
    if item.cost_fen is not None and not 0 <= item.cost_fen <= MAX_FEN:
        raise ClaimError(item.item_id, "AMOUNT_OUT_OF_RANGE", "申报金额必须在 0 到 1 亿元之间")
    if measure.levels:
        if item.level not in measure.levels:
            names = "、".join(LEVEL_NAMES.get(lv, lv) for lv in sorted(measure.levels))
            raise ClaimError(item.item_id, "LEVEL_REQUIRED", f"“{measure.name}”需要注明级别：{names}")
    if measure.basis == "capped_cost" and not measure.level_standards and item.cost_fen is None:
        raise ClaimError(item.item_id, "COST_REQUIRED", f"“{measure.name}”需要填写实际发生的费用")
    if measure.once_by == "subject" and measure.once != "none" and not item.subject.strip():
        raise ClaimError(item.item_id, "SUBJECT_REQUIRED", f"“{measure.name}”需要填写证书编号或项目名称")
    return measure


def check_claim(policy: PolicyVersion, items: list[ClaimItem]) -> dict[str, Measure]:
    """Every item's measure, or ``ClaimError`` for the first the version cannot compute (an
    item id given twice included)."""
    ids = [i.item_id for i in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ClaimError(repeated[0], "DUPLICATE_ITEM_ID", f"申报明细编号重复：{'、'.join(repeated)}")
    return {i.item_id: check_item(policy, i) for i in items}


def _amount(measure: Measure, item: ClaimItem) -> tuple[int, int | None, bool, str]:
    """(amount, bound, capped, how) for one unit before once-rules."""
    level = item.level or ""
    level_cn = LEVEL_NAMES.get(level, level)
    if measure.level_standards:
        standard = measure.level_standards[level]
        return standard, standard, False, f"按{level_cn}标准 {fen_to_yuan_text(standard)}"
    if measure.basis == "fixed":
        fixed = int(measure.amount_fen or 0)
        return fixed, fixed, False, f"定额 {fen_to_yuan_text(fixed)}/{measure.unit}"
    cap = measure.level_caps[level] if measure.level_caps else int(measure.cap_fen or 0)
    cost = int(item.cost_fen or 0)
    cap_cn = f"{level_cn}最高" if measure.level_caps else "最高"
    if cost > cap:
        return cap, cap, True, (f"实际费用 {fen_to_yuan_text(cost)} 超过{cap_cn} {fen_to_yuan_text(cap)}，"
                                f"按上限 {fen_to_yuan_text(cap)} 计")
    return cost, cap, False, f"按实际费用 {fen_to_yuan_text(cost)} 计（{cap_cn} {fen_to_yuan_text(cap)}）"


def _canonical(items: Iterable[ClaimItem]) -> list[ClaimItem]:
    return sorted(items, key=lambda i: (i.measure, i.subject.strip(), i.item_id))


def calculate(policy: PolicyVersion, items: Iterable[ClaimItem], *, year: int,
              already_paid: frozenset[str] | set[str] = frozenset()) -> "Calculation":
    """Compute every line. Raises ``ClaimError`` for the first item the version cannot compute.

    ``already_paid`` are once-keys the enterprise has received before (any year for
    ``ever``, this year for ``year``). Lines come back in the order of the items given.
    """
    given = list(items)
    ids = [i.item_id for i in given]
    measures = check_claim(policy, given)
    taken: set[str] = set(already_paid)
    computed: dict[str, Line] = {}
    for item in _canonical(given):
        measure = measures[item.item_id]
        amount, bound, capped, how = _amount(measure, item)
        key = once_key(measure, item, year)
        duplicate = key is not None and key in taken
        if key is not None:
            taken.add(key)
        if duplicate:
            earlier = "已享受过" if key in already_paid else "本次申报中已有同一事项"
            how = f"一次性补助{earlier}，本项不再支付"
            amount, capped = 0, False
        computed[item.item_id] = Line(
            item_id=item.item_id, measure=measure.code, measure_name=measure.name, clause=measure.clause,
            subject=item.subject, claimed_cost_fen=item.cost_fen, cap_fen=bound, amount_fen=amount,
            capped=capped, once_key=key, duplicate=duplicate, explanation=how)
    lines = tuple(computed[i] for i in ids)
    return Calculation(policy_id=policy.policy_id, version=policy.version, lines=lines,
                       total_fen=sum(line.amount_fen for line in lines))


@dataclass(frozen=True)
class BudgetOutcome:
    """What the district's yearly budget allows of an approved amount."""

    decision: Literal["paid", "cut", "wait"]
    granted_fen: int
    explanation: str


def apply_budget(approved_fen: int, remaining_fen: int, mode: OverBudget) -> "BudgetOutcome":
    """``wait``: an application that would overrun waits whole; ``cut``: it gets what is left."""
    remaining = max(0, remaining_fen)
    if approved_fen <= remaining:
        return BudgetOutcome("paid", approved_fen, "预算充足，全额核拨")
    if mode == "cut" and remaining > 0:
        return BudgetOutcome("cut", remaining,
                             f"年度预算仅余 {fen_to_yuan_text(remaining)}，按余额核减发放")
    return BudgetOutcome("wait", 0, f"年度预算仅余 {fen_to_yuan_text(remaining)}，待追加预算后发放")


def cut_lines(amounts: dict[str, int], granted_fen: int) -> dict[str, int]:
    """Spread a budget cut over lines: fill lines in item-id order until the grant is used.

    Deterministic (independent of the order lines were given), never raises a line, and the
    result sums to ``min(granted, total)``.
    """
    left = max(0, granted_fen)
    result: dict[str, int] = {}
    for item_id in sorted(amounts):
        pay = min(amounts[item_id], left)
        result[item_id] = pay
        left -= pay
    return result


def version_in_force(versions: Iterable[PolicyVersion], on: date) -> PolicyVersion | None:
    """The latest version whose ``effective_from`` is not after ``on``."""
    candidates = [v for v in versions if v.effective_from <= on]
    return max(candidates, key=lambda v: (v.effective_from, v.version)) if candidates else None

# Published when a district sets its yearly budget; waiting applications are then paid.
BUDGET_EVENT = "SubsidyBudgetSet"
