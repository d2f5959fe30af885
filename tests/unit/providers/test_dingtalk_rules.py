"""浙政钉 client: request signing and answer handling, with ``dingtalk._http`` scripted."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import reset_settings
from chalicelib.providers import dingtalk
from chalicelib.providers.base import HttpResponse

SECRET = "zzd-app-secret"


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GONGHUI_STAGE", "local")
    monkeypatch.setattr(parameters, "secret", lambda name: SECRET)
    reset_settings()
    dingtalk.reset_cache()
    yield
    dingtalk.reset_cache()
    clock.reset()
    reset_settings()


def content(data: Any) -> dict[str, Any]:
    return {"success": True, "content": {"success": True, "data": data, "responseCode": "0"}}


def refusal(code: str = "X") -> dict[str, Any]:
    return {"success": True, "content": {"success": False, "responseCode": code, "responseMessage": "no"}}


TOKEN = content({"accessToken": "at-1", "expiresIn": 7200})
USER = content({"accountId": 12345, "lastName": "王五", "employeeCode": "GE_1", "realmId": 196729})


class Script:
    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, method: str, path: str, params: dict[str, str]) -> HttpResponse:
        import json

        self.calls.append((method, path, dict(params)))
        return HttpResponse(200, json.dumps(self.answers.pop(0)).encode())


def script(monkeypatch: pytest.MonkeyPatch, *answers: dict[str, Any]) -> Script:
    stub = Script(*answers)
    monkeypatch.setattr(dingtalk, "_http", stub)
    return stub


def test_given_params_when_building_the_string_to_sign_then_method_time_nonce_uri_and_sorted_params() -> None:
    text = dingtalk.string_to_sign("post", "2026-01-02T03:04:05.006+08:00", "17000000000001234",
                                   "/rpc/oauth2/dingtalk_app_user.json", {"auth_code": "c", "access_token": "t"})
    assert text == ("POST\n2026-01-02T03:04:05.006+08:00\n17000000000001234\n"
                    "/rpc/oauth2/dingtalk_app_user.json\naccess_token=t&auth_code=c")


def test_given_no_params_when_building_the_string_to_sign_then_no_trailing_line() -> None:
    assert dingtalk.string_to_sign("GET", "ts", "n", "/x.json", {}) == "GET\nts\nn\n/x.json"


def test_given_a_request_when_signed_then_headers_match_the_hmac_scheme() -> None:
    """Given a call, when signed, then the headers carry a Beijing-time ISO timestamp with
    milliseconds, a 17-digit nonce, version 1.0, the app key, and base64 HMAC-SHA256."""
    headers = dingtalk.signed_headers("GET", "/gettoken.json", {"appkey": "k", "appsecret": SECRET},
                                      app_key="k", secret=SECRET)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00", headers["X-Hmac-Auth-Timestamp"])
    assert abs(datetime.fromisoformat(headers["X-Hmac-Auth-Timestamp"]).timestamp() - clock.now().timestamp()) < 5
    assert re.fullmatch(r"\d{17}", headers["X-Hmac-Auth-Nonce"])
    assert headers["X-Hmac-Auth-Version"] == "1.0" and headers["apiKey"] == "k"
    expected = base64.b64encode(hmac.new(SECRET.encode(), dingtalk.string_to_sign(
        "GET", headers["X-Hmac-Auth-Timestamp"], headers["X-Hmac-Auth-Nonce"], "/gettoken.json",
        {"appkey": "k", "appsecret": SECRET}).encode(), hashlib.sha256).digest()).decode()
    assert headers["X-Hmac-Auth-Signature"] == expected


def test_given_two_requests_when_signed_then_nonces_differ() -> None:
    first = dingtalk.signed_headers("GET", "/a", {}, app_key="k", secret=SECRET)
    second = dingtalk.signed_headers("GET", "/a", {}, app_key="k", secret=SECRET)
    assert first["X-Hmac-Auth-Nonce"] != second["X-Hmac-Auth-Nonce"]


def test_given_a_token_when_asked_twice_then_fetched_once_with_appkey_and_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN)
    assert dingtalk.access_token() == dingtalk.access_token() == "at-1"
    assert calls.calls == [("GET", "/gettoken.json", {"appkey": "gonghui-zzd-local", "appsecret": SECRET})]


def test_given_the_token_nears_expiry_when_asked_then_fetched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN, content({"accessToken": "at-2", "expiresIn": 7200}))
    dingtalk.access_token()
    clock.travel(timedelta(seconds=6950))
    assert dingtalk.access_token() == "at-2"
    assert len(calls.calls) == 2


def test_given_a_valid_code_when_looked_up_then_the_user_is_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN, USER)
    user = dingtalk.user_by_auth_code("code-1")
    assert user == dingtalk.DingtalkUser(account_id="12345", name="王五", employee_code="GE_1", tenant_id="196729")
    assert calls.calls[1] == ("POST", "/rpc/oauth2/dingtalk_app_user.json", {"access_token": "at-1",
                                                                              "auth_code": "code-1"})


def test_given_tenant_id_and_only_a_nickname_when_looked_up_then_those_are_used(
        monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, TOKEN, content({"accountId": "a-9", "nickNameCn": "小赵", "tenantId": 42}))
    user = dingtalk.user_by_auth_code("c")
    assert (user.account_id, user.name, user.employee_code, user.tenant_id) == ("a-9", "小赵", None, "42")


def test_given_a_fresh_token_and_a_refused_code_when_looked_up_then_unauthorized_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN, refusal())
    with pytest.raises(Unauthorized) as caught:
        dingtalk.user_by_auth_code("bad")
    assert (caught.value.status, caught.value.code) == (401, "DINGTALK_CODE_INVALID")
    assert len(calls.calls) == 2


def test_given_a_cached_token_was_revoked_when_looked_up_then_one_retry_with_a_new_token(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a cached token the platform no longer accepts, when a valid code comes, then we
    fetch a new token and retry once — the person still gets in."""
    calls = script(monkeypatch, TOKEN, refusal("TOKEN"), content({"accessToken": "at-2", "expiresIn": 7200}), USER)
    dingtalk.access_token()
    assert dingtalk.user_by_auth_code("code-1").account_id == "12345"
    assert [c[1] for c in calls.calls] == ["/gettoken.json", "/rpc/oauth2/dingtalk_app_user.json", "/gettoken.json",
                                           "/rpc/oauth2/dingtalk_app_user.json"]
    assert calls.calls[-1][2]["access_token"] == "at-2"


def test_given_a_cached_token_and_a_bad_code_when_looked_up_then_unauthorized_after_one_retry(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN, refusal(), content({"accessToken": "at-2", "expiresIn": 7200}), refusal())
    dingtalk.access_token()
    with pytest.raises(Unauthorized):
        dingtalk.user_by_auth_code("bad")
    assert len(calls.calls) == 4


def test_given_the_gateway_refuses_our_signature_when_looked_up_then_provider_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, {"success": False, "errorCode": "SIGNATURE_MISMATCH", "errorMsg": "签名校验失败"})
    with pytest.raises(ProviderError) as caught:
        dingtalk.access_token()
    assert (caught.value.status, caught.value.code) == (502, "DINGTALK_ERROR")


def test_given_the_token_call_is_refused_when_asked_then_token_error(monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, refusal("APP_SECRET_INVALID"))
    with pytest.raises(ProviderError) as caught:
        dingtalk.access_token()
    assert caught.value.code == "DINGTALK_TOKEN_ERROR"


def test_given_an_answer_without_account_id_when_looked_up_then_provider_error(monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, TOKEN, content({"lastName": "无名"}))
    with pytest.raises(ProviderError) as caught:
        dingtalk.user_by_auth_code("c")
    assert caught.value.code == "DINGTALK_ERROR"


def test_given_an_empty_code_when_looked_up_then_unauthorized_without_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch)
    with pytest.raises(Unauthorized):
        dingtalk.user_by_auth_code("")
    assert calls.calls == []
