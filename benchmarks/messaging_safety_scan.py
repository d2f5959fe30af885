"""How long one message's 风控 scan takes: the worst patterns staff could store, against
2,000-character messages built to hurt them, under RE2 (what ships) and, for comparison,
Python's backtracking ``re`` (what shipped before) on a short input only.

Figure to reach: any 2,000-character message with any stored rule(s) scanned in < 50 ms.

    .venv/bin/python -m benchmarks.messaging_safety_scan
"""
from __future__ import annotations

import re
import statistics
import sys
import threading
import time

from benchmarks._table import print_table

RUNS = 30
WORST = [
    ("nested plus", r"(a+)+$"),
    ("nested star", r"(a*)*b"),
    ("alternation overlap", r"(a|aa)+$"),
    ("dot-star groups", r"(.*a){20}"),
    ("counted dots", r"(.{0,100}){10}"),
    ("counted any", r"[\s\S]{0,200}[\s\S]{0,200}z$"),
    ("word boundary run", r"\b(\w+\s*){0,50}\b"),
    ("CJK counted", r"(转账|借钱).{0,40}(https?://|www\.)"),
]


def _messages(pattern: str) -> dict[str, str]:
    own = "".join(dict.fromkeys(c for c in pattern if c.isalnum())) or "a"
    return {
        "a×1999+!": "a" * 1_999 + "!",
        "own chars": (own * 2_000)[:2_000],
        "CJK + ASCII": ("转账ab 借钱 www " * 200)[:2_000],
    }


def _time_ms(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _python_re_ms(pattern: str, text: str, limit_s: float = 2.0) -> str:
    """Backtracking ``re`` on a short input, in a thread we stop waiting for after ``limit_s``."""
    regex = re.compile(pattern)
    done: list[float] = []

    def run() -> None:
        started = time.perf_counter()
        regex.search(text)
        done.append((time.perf_counter() - started) * 1000)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit_s)
    return f"{done[0]:.1f}" if done else f"> {limit_s * 1000:,.0f}"


def main() -> None:
    import re2

    from chalicelib.messaging.safety import (
        DEFAULT_RULES,
        MAX_RULES_PER_OWNER,
        SCAN_BUDGET_SECONDS,
        PatternRefused,
        Rule,
        _options,
        check_pattern,
        normalize,
        scan,
    )

    rows = []
    for name, pattern in WORST:
        try:
            check_pattern(pattern)
            verdict = "stored"
        except PatternRefused as exc:
            verdict = f"422 {exc.code}"
        regex = re2.compile(pattern, _options())  # straight to RE2: a refused pattern shows what it would cost
        worst_ms = max(_time_ms(lambda text=text, regex=regex: [regex.search(t) for t in normalize(text)])
                       for text in _messages(pattern).values())
        short = "a" * 26 + "!"
        rows.append((name, pattern, verdict, worst_ms, _python_re_ms(pattern, short)))
    print_table("One rule, worst of three 2,000-character messages (RE2, no time budget)",
                ["pattern", "regex", "on PUT", "scan ms", "python re, 27 chars ms"], rows,
                note="scan ms: RE2 search of both normalised forms; refused patterns timed as if stored.")

    text = ("你好，周末一起去西湖边跑步吗？我们单位 www.sanxing.com 有活动 " * 80)[:2_000]
    stored = [w for w in WORST if _accepted(check_pattern, PatternRefused, w[1])]
    full_table = [Rule(f"r{i}", stored[i % len(stored)][1], "other", "count", 1)
                  for i in range(MAX_RULES_PER_OWNER * 5)]  # province + city + district of both members
    tables = [
        ("the default table", list(DEFAULT_RULES)),
        (f"{len(full_table)} worst stored rules (5 owners × {MAX_RULES_PER_OWNER})", full_table),
    ]
    import logging

    logging.getLogger("gonghui").setLevel(logging.ERROR)  # the budget warning, once per scan below
    rows = []
    for name, rules in tables:
        for label, message in (("small talk", text), ("a×1999+!", "a" * 1_999 + "!")):
            scan(message, rules, first_message=True)  # compile once, as a warm Lambda has
            samples, complete = [], 0
            for _ in range(RUNS):
                started = time.perf_counter()
                outcome = scan(message, rules, first_message=True)
                samples.append((time.perf_counter() - started) * 1000)
                complete += outcome.complete
            rows.append((name, label, len(message), statistics.median(samples), max(samples),
                         f"{complete}/{RUNS}"))
    print_table(f"Whole scan of one message (RE2, {SCAN_BUDGET_SECONDS * 1000:.0f} ms budget, {RUNS} runs)",
                ["rule table", "message", "chars", "median ms", "max ms", "complete"],
                rows, note="Figure: max < 50 ms in every row (incomplete: the budget stopped the scan, "
                           "hold rules first).")
    sys.stdout.flush()


def _accepted(check, refused, pattern: str) -> bool:
    try:
        check(pattern)
    except refused:
        return False
    return True


if __name__ == "__main__":
    main()
