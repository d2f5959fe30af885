"""WeChat client rules with its single HTTP seam (``wechat._http``) scripted."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import reset_settings
from chalicelib.providers import wechat
from chalicelib.providers.base import HttpResponse, SubscriptionRefused

SECRET = "wechat-app-secret-not-for-logs"


class Script:
    """Stands in for ``wechat._http``: answers in order, remembers every call."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, method: str, path: str, *, query: dict[str, str],
                 payload: dict[str, Any] | None = None) -> HttpResponse:
        self.calls.append({"method": method, "path": path, "query": dict(query), "payload": payload})
        return HttpResponse(200, json.dumps(self.answers.pop(0)).encode())

    def paths(self) -> list[str]:
        return [c["path"] for c in self.calls]


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GONGHUI_STAGE", "local")
    monkeypatch.setattr(parameters, "secret", lambda name: SECRET)
    reset_settings()
    wechat.reset_cache()
    yield
    wechat.reset_cache()
    clock.reset()
    reset_settings()


def script(monkeypatch: pytest.MonkeyPatch, *answers: dict[str, Any]) -> Script:
    fake = Script(*answers)
    monkeypatch.setattr(wechat, "_http", fake)
    return fake


TOKEN = {"access_token": "tok-1", "expires_in": 7200}
OK = {"errcode": 0, "errmsg": "ok"}


def test_given_a_valid_code_when_exchanged_then_the_session_carries_openid_and_unionid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Given WeChat accepts the code, when we exchange it, then openid/unionid come back and
    the documented query (appid, secret, js_code, grant_type) was sent."""
    calls = script(monkeypatch, {"openid": "o-1", "session_key": "sk==", "unionid": "u-1"})

    session = wechat.code_to_session(" code-1 ")

    assert (session.openid, session.unionid, session.session_key) == ("o-1", "u-1", "sk==")
    assert calls.calls[0]["path"] == "/sns/jscode2session"
    assert calls.calls[0]["query"] == {"appid": "wx-gonghui-local", "secret": SECRET, "js_code": "code-1",
                                       "grant_type": "authorization_code"}


def test_given_a_session_when_printed_then_the_session_key_is_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a session, when it is repr'd (logs, tracebacks), then session_key is not shown."""
    script(monkeypatch, {"openid": "o-1", "session_key": "very-secret-key"})
    assert "very-secret-key" not in repr(wechat.code_to_session("c"))


def test_given_no_unionid_when_exchanged_then_unionid_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, {"openid": "o-2", "session_key": "sk"})
    assert wechat.code_to_session("c").unionid is None


@pytest.mark.parametrize("errcode", [40029, 40163, 40226])
def test_given_an_invalid_used_or_risky_code_when_exchanged_then_unauthorized(
        monkeypatch: pytest.MonkeyPatch, errcode: Any) -> None:
    """Given WeChat answers 40029/40163/40226, when exchanging, then 401 WECHAT_CODE_INVALID."""
    script(monkeypatch, {"errcode": errcode, "errmsg": "invalid code"})
    with pytest.raises(Unauthorized) as caught:
        wechat.code_to_session("c")
    assert (caught.value.status, caught.value.code) == (401, "WECHAT_CODE_INVALID")


@pytest.mark.parametrize("answer", [{"errcode": 45011, "errmsg": "api minute-quota reach limit"},
                                    {"errcode": -1, "errmsg": "system error"},
                                    {"session_key": "sk"}])
def test_given_another_failure_when_exchanged_then_provider_error_without_secrets(
        monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    """Given WeChat is busy/limited or answers without openid, then 502 WECHAT_ERROR,
    and nothing in the error mentions the app secret."""
    script(monkeypatch, answer)
    with pytest.raises(ProviderError) as caught:
        wechat.code_to_session("c")
    assert (caught.value.status, caught.value.code) == (502, "WECHAT_ERROR")
    assert SECRET not in str(caught.value) and SECRET not in json.dumps(caught.value.to_body())


def test_given_an_empty_code_when_exchanged_then_unauthorized_without_calling_wechat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch)
    with pytest.raises(Unauthorized):
        wechat.code_to_session("  ")
    assert calls.calls == []


def test_given_a_message_when_sent_then_the_documented_body_goes_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given data as plain strings, when sent, then WeChat gets touser/template_id/page and
    data as {key: {value}}, miniprogram_state for the local stage, with the access token."""
    calls = script(monkeypatch, TOKEN, OK)

    wechat.send_subscribe_message("o-1", "tpl-1", {"thing1": "会员日活动", "date2": "2026-12-01"}, page="pages/a")

    token_call, send_call = calls.calls
    assert token_call["method"] == "POST" and token_call["query"] == {}
    assert token_call["payload"] == {"grant_type": "client_credential", "appid": "wx-gonghui-local", "secret": SECRET,
                                     "force_refresh": False}
    assert send_call["path"] == "/cgi-bin/message/subscribe/send"
    assert send_call["query"] == {"access_token": "tok-1"}
    assert send_call["payload"] == {"touser": "o-1", "template_id": "tpl-1", "page": "pages/a",
                                    "data": {"thing1": {"value": "会员日活动"}, "date2": {"value": "2026-12-01"}},
                                    "miniprogram_state": "developer", "lang": "zh_CN"}


def test_given_the_prod_stage_and_no_page_when_sent_then_formal_state_and_no_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGHUI_STAGE", "prod")
    for name, value in (("GONGHUI_WECHAT_APP_ID", "wx0123456789abcdef"), ("GONGHUI_ALIPAY_APP_ID", "2021004100000001"),
                        ("GONGHUI_DINGTALK_APP_KEY", "gonghui-zzd-prod")):
        monkeypatch.setenv(name, value)  # a deployed stage refuses the local placeholders
    reset_settings()
    calls = script(monkeypatch, TOKEN, OK)
    wechat.send_subscribe_message("o-1", "tpl-1", {"k": "v"})
    payload = calls.calls[1]["payload"]
    assert payload["miniprogram_state"] == "formal" and "page" not in payload


def test_given_a_cached_token_when_sending_twice_then_the_token_is_fetched_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = script(monkeypatch, TOKEN, OK, OK)
    wechat.send_subscribe_message("o-1", "t", {})
    wechat.send_subscribe_message("o-2", "t", {})
    assert calls.paths().count("/cgi-bin/stable_token") == 1


def test_given_the_token_nears_expiry_when_sending_then_a_new_token_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a token WeChat said lives 7200 s, when 7000 s have passed (inside the refresh
    margin), then the next send fetches a new token first."""
    calls = script(monkeypatch, TOKEN, OK, {"access_token": "tok-2", "expires_in": 7200}, OK)
    wechat.send_subscribe_message("o-1", "t", {})
    clock.travel(timedelta(seconds=7000))
    wechat.send_subscribe_message("o-1", "t", {})
    assert calls.paths().count("/cgi-bin/stable_token") == 2
    assert calls.calls[-1]["query"] == {"access_token": "tok-2"}


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_given_wechat_rejects_the_token_when_sending_then_it_refreshes_once_and_retries(
        monkeypatch: pytest.MonkeyPatch, errcode: Any) -> None:
    """Given WeChat answers 40001/42001, when sending, then one new token and one retry."""
    calls = script(monkeypatch, TOKEN, {"errcode": errcode, "errmsg": "invalid credential"},
                   {"access_token": "tok-2", "expires_in": 7200}, OK)
    wechat.send_subscribe_message("o-1", "t", {})
    assert calls.paths() == ["/cgi-bin/stable_token", "/cgi-bin/message/subscribe/send", "/cgi-bin/stable_token",
                             "/cgi-bin/message/subscribe/send"]
    assert calls.calls[-1]["query"] == {"access_token": "tok-2"}


def test_given_the_fresh_token_is_rejected_too_when_sending_then_provider_error_not_a_loop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {"errcode": 40001, "errmsg": "invalid credential"}
    calls = script(monkeypatch, TOKEN, bad, {"access_token": "tok-2", "expires_in": 7200}, bad)
    with pytest.raises(ProviderError) as caught:
        wechat.send_subscribe_message("o-1", "t", {})
    assert caught.value.code == "WECHAT_ERROR"
    assert len(calls.calls) == 4


def test_given_the_user_refused_when_sending_then_subscription_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given WeChat answers 43101, when sending, then SubscriptionRefused (a ProviderError)."""
    script(monkeypatch, TOKEN, {"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    with pytest.raises(SubscriptionRefused) as caught:
        wechat.send_subscribe_message("o-1", "t", {})
    assert isinstance(caught.value, ProviderError)
    assert caught.value.code == "SUBSCRIPTION_REFUSED"


def test_given_wechat_refuses_our_secret_when_a_token_is_needed_then_token_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, {"errcode": 40125, "errmsg": "invalid appsecret"})
    with pytest.raises(ProviderError) as caught:
        wechat.access_token()
    assert caught.value.code == "WECHAT_TOKEN_ERROR"
    assert SECRET not in caught.value.message


def test_given_the_stable_endpoint_returns_the_rejected_token_again_when_refreshing_then_one_forced_refresh(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Given WeChat rejects tok-1 but the stable endpoint's normal mode still answers tok-1,
    when sending, then one forced refresh (and only then) yields tok-2 and the send succeeds."""
    calls = script(monkeypatch, TOKEN, {"errcode": 40001, "errmsg": "invalid credential"}, TOKEN,
                   {"access_token": "tok-2", "expires_in": 7200}, OK)
    wechat.send_subscribe_message("o-1", "t", {})
    fetches = [c["payload"]["force_refresh"] for c in calls.calls if c["path"] == "/cgi-bin/stable_token"]
    assert fetches == [False, False, True]
    assert calls.calls[-1]["query"] == {"access_token": "tok-2"}
