"""/docs renders in a real browser, with our own Swagger UI files, at /docs and /docs/.

Given the API behind a real HTTP server, when headless Chromium opens /docs (and /docs/, the
address people type with a slash), then Swagger UI draws one block per operation of
/openapi.json, loaded nothing from outside the API (no CDN), and showed no error banner.
A screenshot is kept in ``test-artifacts/`` (gitignored) for a human to look at."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import requests

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
                                reason="chromium is not installed (make venv installs it)")


def _render(browser: Any, url: str, base: str) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_selector(".opblock", timeout=30_000)
    seen = {
        "operations": page.locator(".opblock").count(),
        "title": page.locator(".info .title").first.inner_text(),
        "errors": page.locator(".errors-wrapper").count(),
        "outside": [u for u in outside if not u.startswith("data:")],
        "failed": failed,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"docs{'-slash' if url.endswith('/') else ''}.png"), full_page=False)
    page.close()
    return seen


def test_docs_render_every_operation_in_chromium_from_our_own_assets(live_api):
    from playwright.sync_api import sync_playwright

    document = requests.get(f"{live_api}/openapi.json", timeout=10).json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert document["openapi"] == "3.0.3"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for url in (f"{live_api}/docs", f"{live_api}/docs/"):
                seen = _render(browser, url, live_api)
                assert seen["operations"] == operations, (url, seen)
                assert "数智工会" in seen["title"]
                assert seen["errors"] == 0, (url, seen)
                assert seen["outside"] == [], f"{url} loaded files from outside the API: {seen['outside']}"
                assert seen["failed"] == [], f"{url}: {seen['failed']}"
        finally:
            browser.close()
