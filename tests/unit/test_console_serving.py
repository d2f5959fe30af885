"""How the local stack serves the console (local/console.py), as CloudFront does in AWS: the
app at /console, /console/ and every deep link, its hashed assets with a long cache, nothing
outside console/dist, and the strict Content-Security-Policy on every answer."""
from __future__ import annotations

import json

import pytest

from local import console


@pytest.fixture
def dist(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>数智工会 工作台</title>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("no", encoding="utf-8")
    monkeypatch.setattr(console, "DIST", tmp_path)
    return tmp_path


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/aid", "/console/aid?authCode=x", "/console/a/b/c"])
def test_every_console_address_is_the_app(dist, path):
    status, headers, body = console.answer(path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "数智工会".encode() in body and headers["Cache-Control"] == "no-cache"


def test_assets_are_served_with_a_long_cache_and_nothing_outside_dist(dist):
    status, headers, body = console.answer("/console/assets/index-abc.js")
    assert status == 200 and body == b"console.log(1)" and "immutable" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    for path in ("/console/assets/../../secret.txt", "/console/assets/missing.js", "/console/assets/%2e%2e/secret.txt"):
        status, _, body = console.answer(path)
        assert status == 404 and json.loads(body)["code"] == "NOT_FOUND"


def test_every_answer_carries_the_strict_policy(dist):
    for path in ("/console/", "/console/assets/index-abc.js", "/console/config.json"):
        policy = console.answer(path)[1]["Content-Security-Policy"]
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'self'"
    assert "connect-src 'self' https://api.example.cn" in console.content_security_policy("https://api.example.cn")


def test_the_page_learns_the_api_is_its_own_origin(dist):
    status, headers, body = console.answer("/console/config.json")
    assert status == 200 and json.loads(body) == {"api_base": ""} and headers["Cache-Control"] == "no-store"


def test_an_unbuilt_console_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(console, "DIST", tmp_path / "missing")
    status, _, body = console.answer("/console/")
    assert status == 503 and "make console" in body.decode()
