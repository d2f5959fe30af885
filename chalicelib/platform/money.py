"""Money is integer fen (分) end to end; yuan appear only when a person reads them."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import Field, Strict

YUAN = 100
MAX_FEN = 100_000_000 * YUAN  # 一亿元: anything larger is a typo, not a claim

# A money field is a strict JSON integer of fen: ``true`` (1 in Python), ``"100"`` and ``1.5``
# are refused, not coerced. Each kind of amount has its own sane range; a feature may narrow
# it further (``Field(le=...)``) but never widen it.
Fen = Annotated[int, Strict(), Field(ge=0, le=MAX_FEN, description="金额，单位：分")]
DishPriceFen = Annotated[int, Strict(), Field(ge=0, le=1_000 * YUAN,
                                              description="菜品价格，单位：分（0–1,000 元）")]
RentFen = Annotated[int, Strict(), Field(ge=0, le=10_000 * YUAN, description="床位月租，单位：分（0–1 万元）")]
IncomeFen = Annotated[int, Strict(), Field(ge=0, le=1_000_000 * YUAN,
                                           description="家庭年收入，单位：分（0–100 万元）")]
AidFen = Annotated[int, Strict(), Field(ge=1, le=100_000 * YUAN, description="帮扶金额，单位：分（最多 10 万元）")]
SubsidyFen = Annotated[int, Strict(), Field(ge=0, le=10_000_000 * YUAN,
                                            description="补助金额或费用，单位：分（0–1,000 万元）")]
BudgetFen = Annotated[int, Strict(), Field(ge=0, le=MAX_FEN, description="预算总额，单位：分（0–1 亿元）")]


def yuan_to_fen(yuan: str | int | Decimal) -> int:
    try:
        value = Decimal(str(yuan))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {yuan!r}") from exc
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fen_to_yuan_text(fen: int) -> str:
    """``123456`` -> ``"1,234.56元"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}元"
