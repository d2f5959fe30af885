"""Money is integer fen (分) end to end; yuan appear only when a person reads them."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import Field

MAX_FEN = 10_000_000_000  # 一亿元: anything larger is a typo, not a claim

Fen = Annotated[int, Field(ge=0, le=MAX_FEN, description="金额，单位：分")]


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
