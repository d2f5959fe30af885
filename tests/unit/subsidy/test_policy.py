"""The 产改20条 calculator as rules: caps hold, totals add up, order does not matter,
one-offs are paid once, and the worked examples come out as the policy says."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.platform.money import MAX_FEN
from chalicelib.subsidy.policy import (
    ClaimError,
    ClaimItem,
    apply_budget,
    calculate,
    cut_lines,
    version_in_force,
)
from chalicelib.subsidy.worked_examples import BUDGET_EXAMPLES, EXAMPLES, rows, seed_policy, with_level_standards

POLICY = seed_policy()
GRADED = with_level_standards()
LEVELS = {"competition": ["national", "provincial", "ningbo"]}


@st.composite
def claim_items(draw, policy=POLICY):
    count = draw(st.integers(0, 25))
    items = []
    for n in range(count):
        measure = draw(st.sampled_from([m.code for m in policy.measures]))
        rule = policy.measure(measure)
        level = draw(st.sampled_from(sorted(rule.levels))) if rule.levels else None
        subject = draw(st.sampled_from(["A", "B", "C", "证书-001", "赛事甲"]))
        cost = draw(st.one_of(st.integers(0, 30_000_000), st.integers(0, MAX_FEN)))
        items.append(ClaimItem(f"L{n}", measure, subject, cost, level))
    return items


paid_keys = st.sets(st.sampled_from(["training_centre|ever|*", "skill_certification|2023|*", "golden_idea|ever|A",
                                     "training|ever|证书-001", "competition|ever|赛事甲"]))


@settings(max_examples=150, deadline=None)
@given(claim_items(), paid_keys)
def test_no_line_exceeds_its_cap_and_the_total_is_the_sum_of_lines(items, paid):
    calc = calculate(POLICY, items, year=2023, already_paid=frozenset(paid))
    for line in calc.lines:
        assert 0 <= line.amount_fen <= line.cap_fen
        if line.claimed_cost_fen is not None and POLICY.measure(line.measure).basis == "capped_cost":
            assert line.amount_fen <= line.claimed_cost_fen
    assert calc.total_fen == sum(line.amount_fen for line in calc.lines)
    assert [line.item_id for line in calc.lines] == [i.item_id for i in items]


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_the_result_does_not_depend_on_the_order_of_items(data):
    items = data.draw(claim_items())
    shuffled = data.draw(st.permutations(items))
    paid = frozenset(data.draw(paid_keys))
    first = calculate(POLICY, items, year=2023, already_paid=paid)
    second = calculate(POLICY, shuffled, year=2023, already_paid=paid)
    assert first.total_fen == second.total_fen
    assert {ln.item_id: ln for ln in first.lines} == {ln.item_id: ln for ln in second.lines}


@settings(max_examples=120, deadline=None)
@given(claim_items(), paid_keys)
def test_a_one_off_is_never_paid_twice(items, paid):
    calc = calculate(POLICY, items, year=2023, already_paid=frozenset(paid))
    paid_now = [ln.once_key for ln in calc.lines if ln.once_key and ln.amount_fen > 0]
    assert len(paid_now) == len(set(paid_now)), "a once-key paid twice in one application"
    assert not set(paid_now) & paid, "a once-key paid again after an earlier year"


@settings(max_examples=100, deadline=None)
@given(claim_items(GRADED))
def test_rerunning_a_calculation_gives_the_same_result(items):
    assert calculate(GRADED, items, year=2024) == calculate(GRADED, items, year=2024)


@settings(max_examples=120, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 10**9), max_size=20), st.integers(0, 10**10))
def test_a_budget_cut_never_raises_a_line_and_spends_at_most_the_grant(amounts, granted):
    cut = cut_lines(amounts, granted)
    assert all(0 <= cut[k] <= amounts[k] for k in amounts)
    assert sum(cut.values()) == min(granted, sum(amounts.values()))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_worked_example(example):
    policy = GRADED if example.graded else POLICY
    calc = calculate(policy, example.items, year=2023, already_paid=example.already_paid)
    assert calc.total_fen == example.expected_total_fen
    assert all(line.clause for line in calc.lines)


@pytest.mark.parametrize("example", BUDGET_EXAMPLES, ids=[e.name for e in BUDGET_EXAMPLES])
def test_worked_budget_example(example):
    outcome = apply_budget(example.approved_fen, example.remaining_fen, example.mode)
    assert (outcome.decision, outcome.granted_fen) == (example.expected_decision, example.expected_granted_fen)


def test_the_worked_examples_table_covers_every_measure_and_all_rows_match():
    covered = {i.measure for e in EXAMPLES for i in e.items}
    assert covered == {m.code for m in POLICY.measures}
    assert all(r.ok for r in rows())


def test_a_capped_line_names_the_cap_that_cut_it():
    line = calculate(POLICY, [ClaimItem("L1", "competition", "宁波赛", 7_500_000, "ningbo")], year=2023).lines[0]
    assert line.capped and line.cap_fen == 6_000_000 and line.amount_fen == 6_000_000
    assert "宁波市级最高" in line.explanation and "承办国家级、省级、宁波市" in line.clause


@pytest.mark.parametrize(("item", "code"), [
    (ClaimItem("L1", "housing", "x", 100), "MEASURE_NOT_IN_POLICY"),
    (ClaimItem("L1", "competition", "x", 100), "LEVEL_REQUIRED"),
    (ClaimItem("L1", "competition", "x", 100, "world"), "LEVEL_REQUIRED"),
    (ClaimItem("L1", "training", "C-1", None), "COST_REQUIRED"),
    (ClaimItem("L1", "golden_idea", "  "), "SUBJECT_REQUIRED"),
    (ClaimItem("L1", "training", "C-1", -5), "AMOUNT_OUT_OF_RANGE"),
    (ClaimItem("L1", "training", "C-1", MAX_FEN + 1), "AMOUNT_OUT_OF_RANGE"),
])
def test_items_the_version_cannot_compute_are_refused_with_a_code(item, code):
    with pytest.raises(ClaimError) as caught:
        calculate(POLICY, [item], year=2023)
    assert caught.value.code == code and caught.value.message


def test_the_version_in_force_is_the_latest_that_had_started():
    from datetime import date

    v2024 = POLICY.model_copy(update={"version": "2024.1", "effective_from": date(2024, 1, 1)})
    assert version_in_force([POLICY, v2024], date(2023, 12, 31)).version == "2023.1"
    assert version_in_force([POLICY, v2024], date(2024, 1, 1)).version == "2024.1"
    assert version_in_force([POLICY, v2024], date(2022, 6, 1)) is None


def test_items_claimed_under_one_id_twice_are_refused_with_a_code_not_a_server_error():
    """The duplicate-id path (a mutant made it a TypeError, a 500, and no test noticed): the
    calculator names the repeated id, and the feature turns it into a 422 with a code."""
    from chalicelib.platform.errors import ValidationFailed
    from chalicelib.subsidy import logic

    items = [ClaimItem("L1", "training", "C-1", 100_000), ClaimItem("L2", "training", "C-2", 100_000),
             ClaimItem("L1", "training", "C-3", 100_000)]
    with pytest.raises(ClaimError) as refused:
        calculate(POLICY, items, year=2023)
    assert (refused.value.code, refused.value.item_id) == ("DUPLICATE_ITEM_ID", "L1") and "L1" in refused.value.message
    with pytest.raises(ValidationFailed) as answered:
        logic._calculate(POLICY, items, enterprise="zj/nb/yuyao/e-shunyu", year=2023)
    assert answered.value.code == "SUBSIDY_DUPLICATE_ITEM_ID" and answered.value.details == [{"item_id": "L1"}]
