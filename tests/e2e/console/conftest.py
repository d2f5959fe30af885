"""The real local stack (``python -m local``, demo data, fakes, event pump) in its own process,
and headless Chromium (Debian's package, through Playwright), shared by the console's browser
tests of one module; ``xdist_group`` keeps them on one worker so the stack starts once."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_local_stack import RunningStack, start_stack

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "console"
BUILT = ROOT / "console" / "dist" / "index.html"

skip_without_browser = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
    reason="chromium is not installed (make venv installs it)")
skip_without_build = pytest.mark.skipif(not BUILT.exists(), reason="the console is not built (make console builds it)")


class Stack:
    def __init__(self, running: RunningStack) -> None:
        self.running = running
        self.url = running.url
        found = re.search(r"provider fakes\s+(http://\S+)", running.output(tail=400))
        assert found, running.output()
        self.fakes = found.group(1)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    running = start_stack()
    yield Stack(running)
    running.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
