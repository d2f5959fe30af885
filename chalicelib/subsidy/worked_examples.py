"""The calculator's worked examples: one row per measure of the Yuyao seed, plus caps,
one-offs, a per-level standard and budgets. The tests assert every row; the benchmark
report (``benchmarks/subsidy_worked_examples.py``) prints them. Pure: no I/O."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.platform.money import fen_to_yuan_text

from .policy import ClaimItem, Measure, PolicyVersion, apply_budget, calculate

POLICY_DIR = Path(__file__).resolve().parent / "policies"


@lru_cache(maxsize=8)
def seed_policy(name: str = "yuyao-2023") -> PolicyVersion:
    return PolicyVersion.model_validate(json.loads((POLICY_DIR / f"{name}.json").read_text(encoding="utf-8")))


def with_level_standards() -> PolicyVersion:
    """A variant (as a later version might read) giving per-level training standards."""
    base = seed_policy()
    training = base.measure("training")
    assert training is not None
    graded = Measure(**{**training.model_dump(), "level_standards": {
        "level5": 100000, "level4": 150000, "level3": 200000, "level2": 250000, "level1": 300000}})
    return base.model_copy(update={"version": "graded", "measures": tuple(
        graded if m.code == "training" else m for m in base.measures)})


@dataclass(frozen=True)
class Example:
    name: str
    items: tuple[ClaimItem, ...]
    expected_total_fen: int
    already_paid: frozenset[str] = frozenset()
    graded: bool = False
    note: str = ""


Y = 100  # fen per yuan

EXAMPLES: tuple[Example, ...] = (
    Example("培训补助：费用低于上限", (ClaimItem("L1", "training", "CERT-2023-001", 2_400 * Y),), 2_400 * Y),
    Example("培训补助：费用超过上限", (ClaimItem("L1", "training", "CERT-2023-002", 4_500 * Y),), 3_000 * Y,
            note="3000元/人封顶"),
    Example("培训补助：按级别定额（高级工）", (ClaimItem("L1", "training", "CERT-2023-003", 900 * Y, "level3"),),
            2_000 * Y, graded=True, note="定额不看费用"),
    Example("工匠学院创建补助（一次性）", (ClaimItem("L1", "training_centre", "余姚工匠学院"),), 100_000 * Y),
    Example("工匠学院：往年已领，不再支付", (ClaimItem("L1", "training_centre", "余姚工匠学院"),), 0,
            already_paid=frozenset({"training_centre|ever|*"}), note="一次性，跨年度"),
    Example("工匠学院：同一申报两次",
            (ClaimItem("L1", "training_centre", "A"), ClaimItem("L2", "training_centre", "B")),
            100_000 * Y, note="只付一次"),
    Example("技能等级认定：费用低于上限", (ClaimItem("L1", "skill_certification", "2023年度认定", 32_000 * Y),),
            32_000 * Y),
    Example("技能等级认定：超过5万元", (ClaimItem("L1", "skill_certification", "2023年度认定", 80_000 * Y),),
            50_000 * Y),
    Example("承办国家级竞赛", (ClaimItem("L1", "competition", "全国焊工大赛", 260_000 * Y, "national"),),
            200_000 * Y),
    Example("承办省级竞赛", (ClaimItem("L1", "competition", "省数控车工赛", 90_000 * Y, "provincial"),), 90_000 * Y),
    Example("承办宁波市级竞赛", (ClaimItem("L1", "competition", "宁波电工赛", 75_000 * Y, "ningbo"),), 60_000 * Y),
    Example("先进操作法 ×3", tuple(ClaimItem(f"L{i}", "operation_method", f"操作法{i}") for i in range(1, 4)),
            6_000 * Y),
    Example("金点子 ×2", (ClaimItem("L1", "golden_idea", "节能改造"), ClaimItem("L2", "golden_idea", "工装改良")),
            3_000 * Y),
    Example("混合申报", (ClaimItem("L1", "training", "CERT-9", 3_200 * Y), ClaimItem("L2", "golden_idea", "点子"),
                      ClaimItem("L3", "competition", "宁波赛", 50_000 * Y, "ningbo")), 54_500 * Y),
)


@dataclass(frozen=True)
class BudgetExample:
    name: str
    approved_fen: int
    remaining_fen: int
    mode: str
    expected_decision: str
    expected_granted_fen: int


BUDGET_EXAMPLES: tuple[BudgetExample, ...] = (
    BudgetExample("预算充足", 54_500 * Y, 1_000_000 * Y, "wait", "paid", 54_500 * Y),
    BudgetExample("预算不足：等待追加", 54_500 * Y, 20_000 * Y, "wait", "wait", 0),
    BudgetExample("预算不足：按余额核减", 54_500 * Y, 20_000 * Y, "cut", "cut", 20_000 * Y),
    BudgetExample("预算用尽", 1_500 * Y, 0, "cut", "wait", 0),
)


@dataclass(frozen=True)
class Row:
    example: str
    detail: str
    expected_fen: int
    computed_fen: int

    @property
    def ok(self) -> bool:
        return self.expected_fen == self.computed_fen


def rows() -> list[Row]:
    result = []
    for ex in EXAMPLES:
        policy = with_level_standards() if ex.graded else seed_policy()
        calc = calculate(policy, ex.items, year=2023, already_paid=ex.already_paid)
        detail = "；".join(line.explanation for line in calc.lines)
        result.append(Row(ex.name, detail, ex.expected_total_fen, calc.total_fen))
    for b in BUDGET_EXAMPLES:
        outcome = apply_budget(b.approved_fen, b.remaining_fen, b.mode)  # type: ignore[arg-type]
        detail = (f"核定 {fen_to_yuan_text(b.approved_fen)}，余额 {fen_to_yuan_text(b.remaining_fen)}，"
                  f"{b.mode} → {outcome.decision}")
        ok_decision = outcome.decision == b.expected_decision
        result.append(Row(b.name, detail, b.expected_granted_fen, outcome.granted_fen if ok_decision else -1))
    return result
