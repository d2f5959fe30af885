"""The fakes themselves: they must refuse what the real platforms refuse, keep codes one-time,
answer on the real paths, offer HTTP controls for another process, and never print ID numbers."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.platform import clock
from chalicelib.platform.errors import Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import alipay, dingtalk, wechat
from local.fakes import FakeProviders, start_fakes

ID_NUMBER = "330106199001011234"
ROOT = Path(__file__).resolve().parents[3]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def post(url: str, body: bytes, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def alipay_params(fake: FakeProviders, **extra: str) -> dict[str, str]:
    params = {"app_id": fake.alipay.app_id, "method": "alipay.user.certify.open.query", "format": "JSON",
              "charset": "utf-8", "sign_type": "RSA2", "version": "1.0",
              "timestamp": clock.to_shanghai(clock.now()).strftime("%Y-%m-%d %H:%M:%S"),
              "biz_content": '{"certify_id":"nope"}', **extra}
    params.setdefault("sign", fake.alipay.sign_app_params(params))
    return params


def call_gateway(fake: FakeProviders, params: dict[str, str]) -> dict[str, Any]:
    return post(fake.alipay_gateway, urllib.parse.urlencode(params).encode(),
                {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})


def test_given_a_request_signed_with_another_key_when_it_reaches_the_gateway_then_invalid_signature(
        fake: FakeProviders) -> None:
    """Given the app's request signature does not verify, then the documented 40002
    ``isv.invalid-signature`` answer, itself signed by "Alipay"."""
    params = alipay_params(fake)
    params["sign"] = fake.alipay.sign_app_params({**params, "biz_content": '{"certify_id":"other"}'})
    answer = call_gateway(fake, params)
    node = answer["alipay_user_certify_open_query_response"]
    assert (node["code"], node["sub_code"]) == ("40002", "isv.invalid-signature")
    assert answer["sign"]


@pytest.mark.parametrize(("change", "sub_code"), [
    ({"app_id": "2021999999999999"}, "isv.invalid-app-id"),
    ({"sign_type": "RSA"}, "isv.invalid-signature-type"),
    ({"timestamp": "2001-01-01 00:00:00"}, "isv.invalid-timestamp"),
    ({"method": "alipay.no.such.api"}, "isv.invalid-method"),
])
def test_given_a_broken_common_parameter_when_sent_then_the_gateway_refuses_it(
        fake: FakeProviders, change: Any, sub_code: Any) -> None:
    answer = call_gateway(fake, alipay_params(fake, **change))
    node = next(v for k, v in answer.items() if k.endswith("_response"))
    assert node["sub_code"] == sub_code


def test_given_the_fakes_when_started_then_they_answer_on_the_real_paths(fake: FakeProviders) -> None:
    assert fake.wechat_base == fake.url and fake.dingtalk_base == fake.url
    assert fake.alipay_gateway == f"{fake.url}/gateway.do"
    assert fake.url.startswith("http://127.0.0.1:")
    answer = get_json(f"{fake.url}/cgi-bin/token?grant_type=client_credential&appid=x&secret=y")
    assert answer["errcode"] == 40013


def test_given_a_wechat_code_when_used_twice_then_the_second_time_is_40163(fake: FakeProviders) -> None:
    code = fake.wechat_login_code("o-9")
    base = f"{fake.url}/sns/jscode2session?appid={fake.wechat.app_id}&secret={fake.wechat.secret}"
    assert get_json(f"{base}&js_code={code}&grant_type=authorization_code")["openid"] == "o-9"
    assert get_json(f"{base}&js_code={code}&grant_type=authorization_code")["errcode"] == 40163


def test_given_a_wechat_code_when_five_minutes_pass_then_it_has_expired(fake: FakeProviders) -> None:
    code = fake.wechat_login_code("o-9")
    clock.travel(timedelta(seconds=301))
    with pytest.raises(Unauthorized):
        wechat.code_to_session(code)


def test_given_a_dingtalk_request_with_a_bad_signature_when_sent_then_the_gateway_refuses(fake: FakeProviders) -> None:
    headers = dingtalk.signed_headers("GET", "/gettoken.json", {"appkey": "k"}, app_key=fake.dingtalk.app_key,
                                      secret="wrong-secret")
    answer = get_json_with(f"{fake.url}/gettoken.json?appkey=k", headers)
    assert answer == {"success": False, "errorCode": "SIGNATURE_MISMATCH", "errorMsg": "签名校验失败",
                      "errorLevel": "error"}


def get_json_with(url: str, headers: dict[str, str]) -> Any:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        return json.loads(response.read())


def test_given_a_replayed_dingtalk_nonce_when_sent_then_the_gateway_refuses(fake: FakeProviders) -> None:
    settings = get_settings()
    params = {"appkey": settings.dingtalk_app_key, "appsecret": fake.dingtalk.secret}
    headers = dingtalk.signed_headers("GET", "/gettoken.json", params, app_key=settings.dingtalk_app_key,
                                      secret=fake.dingtalk.secret)
    url = f"{fake.url}/gettoken.json?{urllib.parse.urlencode(params)}"
    assert get_json_with(url, headers)["success"] is True
    assert get_json_with(url, headers)["errorCode"] == "NONCE_REPLAYED"


def test_given_another_process_when_it_uses_the_http_controls_then_they_drive_the_fake(fake: FakeProviders) -> None:
    """Given the local stack runs the fake out of process, when it mints a code over HTTP, then
    the app can log in with it, and sent messages are listed over HTTP too."""
    code = post(f"{fake.url}/_fake/wechat/login-code", json.dumps({"openid": "o-http"}).encode(),
                {"Content-Type": "application/json"})["code"]
    assert wechat.code_to_session(code).openid == "o-http"
    wechat.send_subscribe_message("o-http", "tpl", {"k": "v"})
    assert get_json(f"{fake.url}/_fake/messages")[0]["recipient"] == "o-http"
    assert get_json(f"{fake.url}/_fake/ssm-parameters") == fake.ssm_parameters()


def test_given_the_certify_page_when_completed_through_its_link_then_query_passes(fake: FakeProviders) -> None:
    certify_id = alipay.certify_initialize("GHpage1", "张三", ID_NUMBER)
    page = urllib.request.urlopen(alipay.certify_url(certify_id), timeout=5).read().decode()
    link = page.split("href='")[1].split("'")[0].replace("&amp;", "&")
    urllib.request.urlopen(fake.url + link, timeout=5).read()
    assert alipay.certify_query(certify_id).passed is True


def test_given_a_verbose_fake_when_a_certification_runs_then_no_id_number_is_printed_or_kept(
        fake: FakeProviders, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """Given a fake that prints every request, when an ID number goes through initialize and
    query, then it appears nowhere in stdout/stderr nor in the fake's state."""
    loud = start_fakes(verbose=True)
    try:
        monkeypatch.setenv("GONGHUI_ALIPAY_GATEWAY", loud.alipay_gateway)
        from local.fakes.testing import reset_everything, seed_parameters

        reset_everything()
        seed_parameters(loud)
        certify_id = alipay.certify_initialize("GHloud1", "张三", ID_NUMBER)
        loud.set_face_result(ID_NUMBER, passed=False, fail_reason="非本人")
        loud.complete_certify(certify_id)
        assert alipay.certify_query(certify_id).fail_reason == "非本人"
        urllib.request.urlopen(alipay.certify_url(certify_id), timeout=5).read()
    finally:
        loud.stop()
    captured = capfd.readouterr()
    assert "[fakes] POST /gateway.do" in captured.err
    assert ID_NUMBER not in captured.out + captured.err
    assert ID_NUMBER not in repr(loud.alipay.certifications) + repr(loud.alipay.face_results)


def test_given_the_cli_when_run_then_it_serves_in_the_foreground_until_stopped() -> None:
    """Given ``python -m local.fakes --port 0``, when started, then it prints its URL and
    answers there; it stops when we terminate it."""
    process = subprocess.Popen([sys.executable, "-m", "local.fakes", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Gonghui provider fakes listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        environment = get_json(f"{url}/_fake/environment")
        assert environment["GONGHUI_ALIPAY_GATEWAY"] == f"{url}/gateway.do"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()
