"""Prints the 产改20条 calculator's worked examples (one row per measure of the Yuyao seed,
plus caps, one-offs and budgets) and times the pure calculation over a large claim."""
from __future__ import annotations

import time
import unicodedata

from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.subsidy.policy import ClaimItem, calculate
from chalicelib.subsidy.worked_examples import rows, seed_policy


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def main() -> None:
    table = rows()
    print("产改20条（余姚 2023.1）补助计算示例")
    header = ("示例", "期望", "计算", "结果", "逐条说明")
    data = [(r.example, fen_to_yuan_text(r.expected_fen), fen_to_yuan_text(r.computed_fen) if r.computed_fen >= 0
             else "—", "OK" if r.ok else "FAIL", r.detail) for r in table]
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *data, strict=False)]
    print("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)))
    for row in data:
        print("  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)))
    print(f"{sum(r.ok for r in table)}/{len(table)} rows match")

    policy = seed_policy()
    measures = ["training", "operation_method", "golden_idea"]
    items = [ClaimItem(f"L{i:03d}", measures[i % 3], f"S{i}", 100_000 + i * 1_000) for i in range(80)]
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        calculate(policy, items, year=2023)
    per = (time.perf_counter() - started) / runs * 1000
    print(f"\n80-item claim: {per:.2f} ms per calculation ({runs} runs)")


if __name__ == "__main__":
    main()
