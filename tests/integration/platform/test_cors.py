"""CORS: the union console's origin may call the API from a browser, no other origin may.

Given the local stage, whose console origin is http://127.0.0.1:8000 (or localhost:8000),
when a browser preflights a call from that origin, then it is allowed with the route's methods
and the headers the API reads; when it preflights from another site or for a method the path
does not have, it is refused (403 CORS_FORBIDDEN) and the answer allows nothing; and an actual
call carries Access-Control-Allow-Origin only for the console's origin."""
from __future__ import annotations

from tests.conftest import body

CONSOLE = "http://127.0.0.1:8000"


def _preflight(api, path: str, origin: str, method: str = "GET"):
    return api.request("OPTIONS", path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                                 "Access-Control-Request-Headers": "authorization,content-type"})


def test_the_console_origin_is_allowed_and_other_sites_are_not(api, login):
    allowed = _preflight(api, "/dorms/applications", CONSOLE, "POST")
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    assert _preflight(api, "/me", "http://localhost:8000").headers["Access-Control-Allow-Origin"] == \
        "http://localhost:8000"

    for origin, method in (("https://evil.example", "GET"), ("http://127.0.0.1:9999", "GET"), (CONSOLE, "DELETE")):
        refused = _preflight(api, "/me", origin, method)
        assert refused.status_code == 403, (origin, method)
        assert body(refused)["code"] == "CORS_FORBIDDEN"
        assert "Access-Control-Allow-Origin" not in refused.headers

    worker = login("worker", user_id="cors-worker")
    from_console = api.get("/me", headers={**worker.headers, "Origin": CONSOLE})
    assert from_console.status_code == 200
    assert from_console.headers["Access-Control-Allow-Origin"] == CONSOLE
    from_elsewhere = api.get("/me", headers={**worker.headers, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in from_elsewhere.headers


def test_the_origins_are_a_setting_per_stage():
    from chalicelib.platform.settings import Settings

    assert Settings.from_env({"GONGHUI_STAGE": "local"}).cors_origins == (CONSOLE, "http://localhost:8000")
    ids = {"GONGHUI_WECHAT_APP_ID": "wx0123456789abcdef", "GONGHUI_ALIPAY_APP_ID": "2021004100000001",
           "GONGHUI_DINGTALK_APP_KEY": "dingzjgonghui01"}  # a deployed stage needs real ones
    assert Settings.from_env({"GONGHUI_STAGE": "prod", **ids}).cors_origins == ()
    prod = Settings.from_env({"GONGHUI_STAGE": "prod", **ids, "GONGHUI_CORS_ORIGINS": "https://console.example.cn/"})
    assert prod.cors_origins == ("https://console.example.cn",)
