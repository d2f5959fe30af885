"""Checking a claim before any money is computed: each line's measure, or the first reason
the policy version cannot compute it (an item id given twice named in full)."""
from __future__ import annotations

import pytest

from chalicelib.subsidy.policy import ClaimError, ClaimItem, check_claim
from chalicelib.subsidy.worked_examples import seed_policy

POLICY = seed_policy()


def test_each_line_of_a_good_claim_gets_its_measure():
    items = [ClaimItem("L1", "training", "C-1", 100_000), ClaimItem("L2", "training_centre", "中心", 500_000)]
    assert check_claim(POLICY, items) == {"L1": POLICY.measure("training"), "L2": POLICY.measure("training_centre")}
    assert check_claim(POLICY, items[:1]) == {"L1": POLICY.measure("training")}


def test_every_repeated_id_is_named_once_in_order():
    items = [ClaimItem(i, "training", f"C-{n}", 100_000) for n, i in enumerate(["L2", "L1", "L2", "L3", "L1"])]
    with pytest.raises(ClaimError) as refused:
        check_claim(POLICY, items)
    assert (refused.value.item_id, refused.value.code) == ("L1", "DUPLICATE_ITEM_ID")
    assert refused.value.message == "申报明细编号重复：L1、L2"
    assert str(refused.value) == refused.value.message
