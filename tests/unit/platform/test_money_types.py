"""Money is a strict JSON integer of fen within the range its kind allows: a boolean, a
numeric string or a fraction is refused, not coerced, and each kind has its own ceiling."""
from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from chalicelib.platform.money import AidFen, BudgetFen, DishPriceFen, IncomeFen, RentFen, SubsidyFen

KINDS = {"dish": (DishPriceFen, 0, 100_000), "rent": (RentFen, 0, 1_000_000), "income": (IncomeFen, 0, 100_000_000),
         "aid": (AidFen, 1, 10_000_000), "subsidy": (SubsidyFen, 0, 1_000_000_000),
         "budget": (BudgetFen, 0, 10_000_000_000)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_money_takes_whole_fen_in_its_range_and_nothing_else(kind):
    money, low, high = KINDS[kind]
    adapter = TypeAdapter(money)
    assert adapter.validate_json(str(low)) == low and adapter.validate_json(str(high)) == high
    for raw in ("true", "false", '"100"', "100.0", "1.5", str(high + 1), str(low - 1), "null"):
        with pytest.raises(ValidationError):
            adapter.validate_json(raw)
    for value in (True, "100", 100.0):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
