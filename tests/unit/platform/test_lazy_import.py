"""Lazily bound feature modules under concurrent first use (the threaded local server)."""
from __future__ import annotations

import sys
import textwrap
import threading
import time
from pathlib import Path

from chalicelib.platform.lazy import lazy_import


def test_threads_using_a_lazy_module_at_once_all_see_it_whole(tmp_path: Path, monkeypatch) -> None:
    """Given a module that takes a while to execute, when eight threads touch it at once, then
    every one sees its attributes (Python 3.12.1's LazyLoader let all but the first see a
    half-executed module: AttributeError, a 500 on the local server)."""
    (tmp_path / "slow_feature_logic.py").write_text(textwrap.dedent("""
        import time
        time.sleep(0.3)
        def send():
            return "sent"
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("slow_feature_logic", None)
    logic = lazy_import("slow_feature_logic")
    barrier = threading.Barrier(8)
    answers: list[str] = []
    errors: list[BaseException] = []

    def use() -> None:
        barrier.wait()
        try:
            answers.append(logic.send())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(8)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and answers == ["sent"] * 8, errors
    assert time.perf_counter() - started < 5
    sys.modules.pop("slow_feature_logic", None)
