"""Alipay gateway protocol: what we sign, how we read and verify answers, how we parse them.

Keys are real (the fake's), read from moto SSM; the HTTP seam ``alipay._http`` is scripted.
"""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

import pytest

from chalicelib.platform import clock
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import alipay
from chalicelib.providers.base import HttpResponse, SubscriptionRefused
from local.fakes import FakeProviders
from local.fakes.testing import seed_parameters


class Gateway:
    """Stands in for ``alipay._http``: returns prepared raw bodies, remembers requests."""

    def __init__(self, fake: FakeProviders) -> None:
        self.fake = fake
        self.bodies: list[str] = []
        self.requests: list[tuple[dict[str, str], dict[str, str]]] = []

    def signed(self, method: str, node: dict[str, Any], *, name: str | None = None) -> str:
        text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        node_name = name or method.replace(".", "_") + "_response"
        return f'{{"{node_name}":{text},"sign":"{self.fake.alipay.sign_as_alipay(text)}"}}'

    def answer(self, *bodies: str) -> Gateway:
        self.bodies.extend(bodies)
        return self

    def __call__(self, query: dict[str, str], form: dict[str, str]) -> HttpResponse:
        self.requests.append((dict(query), dict(form)))
        return HttpResponse(200, self.bodies.pop(0).encode("utf-8"))


@pytest.fixture
def gateway(fake: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    stub = Gateway(fake)
    monkeypatch.setattr(alipay, "_http", stub)
    return stub


OAUTH = "alipay.system.oauth.token"
QUERY = "alipay.user.certify.open.query"
SEND = "alipay.open.app.mini.templatemessage.send"


def test_given_params_when_building_the_sign_content_then_sorted_raw_and_without_sign_or_empties() -> None:
    """Given mixed params, then ``k=v&...`` sorted by name, values as-is (not URL-encoded),
    ``sign`` and empty values left out — the documented content to sign."""
    content = alipay.sign_content({"method": "a.b", "sign": "x", "app_id": "1", "empty": "", "none": None,  # type: ignore[dict-item]
                                   "biz_content": '{"k":"中 文&="}', "charset": "utf-8"})
    assert content == 'app_id=1&biz_content={"k":"中 文&="}&charset=utf-8&method=a.b'


def test_given_a_call_when_sent_then_common_params_follow_the_docs_and_the_signature_is_rsa2(
        gateway: Gateway, fake: FakeProviders) -> None:
    """Given an oauth call, when sent, then app_id/method/format/charset/sign_type/timestamp/
    version go in the query, grant_type/code go in the form (no biz_content for this API), and
    ``sign`` is exactly SHA256withRSA of the sorted content with the app key."""
    gateway.answer(gateway.signed(OAUTH, {"user_id": "2088000000000001", "access_token": "t"}))

    alipay.oauth_token("auth-1")

    query, form = gateway.requests[0]
    assert form == {"grant_type": "authorization_code", "code": "auth-1"}
    assert {k: query[k] for k in ("app_id", "method", "format", "charset", "sign_type", "version")} == {
        "app_id": "2021000000000000", "method": OAUTH, "format": "JSON", "charset": "utf-8",
        "sign_type": "RSA2", "version": "1.0"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", query["timestamp"])
    sent = datetime.strptime(query["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=clock.SHANGHAI)
    assert abs(sent.timestamp() - clock.now().timestamp()) < 5
    everything = {**query, **form}
    assert query["sign"] == fake.alipay.sign_app_params(everything)  # PKCS#1 v1.5 is deterministic


def test_given_a_biz_call_when_sent_then_biz_content_is_compact_json_in_the_form(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(QUERY, {"code": "10000", "msg": "Success", "passed": "F"}))
    alipay.certify_query("cid-1")
    _query, form = gateway.requests[0]
    assert form == {"biz_content": '{"certify_id":"cid-1"}'}


def test_given_a_pretty_printed_answer_when_verified_then_the_exact_raw_text_is_what_counts(
        gateway: Gateway, fake: FakeProviders) -> None:
    """Given Alipay signed the node text *with* its spaces and escapes, when we verify, then we
    use the raw text exactly as received, not a re-serialisation."""
    text = '{ "code" : "10000", "msg":"Success", "passed" : "T", "note":"\\u4e2d\\/x" }'
    body = f'{{\n  "{QUERY.replace(".", "_")}_response" : {text} ,\n  "sign" : "{fake.alipay.sign_as_alipay(text)}"\n}}'
    gateway.answer(body)
    assert alipay.certify_query("cid").passed is True


def test_given_a_signature_over_other_text_when_verified_then_bad_signature(
        gateway: Gateway, fake: FakeProviders) -> None:
    """Given the signature was made over the compact text but the body is pretty-printed,
    then the check fails: ALIPAY_BAD_SIGNATURE."""
    node = {"code": "10000", "msg": "Success", "passed": "T"}
    compact = json.dumps(node, separators=(",", ":"))
    pretty = json.dumps(node, indent=1)
    gateway.answer(f'{{"{QUERY.replace(".", "_")}_response":{pretty},"sign":"{fake.alipay.sign_as_alipay(compact)}"}}')
    with pytest.raises(ProviderError) as caught:
        alipay.certify_query("cid")
    assert (caught.value.status, caught.value.code) == (502, "ALIPAY_BAD_SIGNATURE")


def test_given_alipay_escaped_slashes_after_signing_when_verified_then_accepted_like_the_sdk(
        gateway: Gateway, fake: FakeProviders) -> None:
    signed_text = '{"code":"10000","msg":"Success","passed":"F","fail_reason":"a/b"}'
    received = signed_text.replace("/", "\\/")
    gateway.answer(f'{{"{QUERY.replace(".", "_")}_response":{received},"sign":"{fake.alipay.sign_as_alipay(signed_text)}"}}')
    assert alipay.certify_query("cid").fail_reason == "a/b"


def test_given_the_node_name_inside_a_string_when_parsing_then_the_top_level_node_is_used(
        gateway: Gateway, fake: FakeProviders) -> None:
    node = {"code": "10000", "msg": "Success", "passed": "F",
            "fail_reason": '"alipay_user_certify_open_query_response":{"passed":"T"}'}
    gateway.answer(gateway.signed(QUERY, node))
    result = alipay.certify_query("cid")
    assert result.passed is False and result.fail_reason == node["fail_reason"]


@pytest.mark.parametrize("node", [{"code": "10000", "msg": "Success", "passed": "T"},
                                  {"user_id": "2088", "access_token": "t"}])
def test_given_an_unsigned_success_when_verified_then_bad_signature(gateway: Gateway, node: Any) -> None:
    """Given a success answer (with or without ``code``) carrying no sign, then refused."""
    method = QUERY if "code" in node else OAUTH
    gateway.answer(json.dumps({method.replace(".", "_") + "_response": node}))
    with pytest.raises(ProviderError) as caught:
        alipay.certify_query("cid") if method == QUERY else alipay.oauth_token("c")
    assert caught.value.code == "ALIPAY_BAD_SIGNATURE"


def test_given_an_unsigned_error_answer_when_verified_then_it_is_read_as_that_error(gateway: Gateway) -> None:
    """Given an unsigned ``error_response`` (Alipay does not always sign errors), then it is
    treated as the error it is — never as success."""
    gateway.answer(json.dumps({"error_response": {"code": "40002", "msg": "Invalid Arguments",
                                                  "sub_code": "isv.code-invalid", "sub_msg": "授权码code无效"}}))
    with pytest.raises(Unauthorized) as caught:
        alipay.oauth_token("c")
    assert caught.value.code == "ALIPAY_CODE_INVALID"


@pytest.mark.parametrize("sub_code", ["isv.code-invalid", "isv.code-expired"])
def test_given_a_code_error_when_exchanging_then_unauthorized(gateway: Gateway, sub_code: Any) -> None:
    gateway.answer(gateway.signed(OAUTH, {"code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code},
                                  name="error_response"))
    with pytest.raises(Unauthorized) as caught:
        alipay.oauth_token("c")
    assert (caught.value.status, caught.value.code) == (401, "ALIPAY_CODE_INVALID")


def test_given_our_app_is_misconfigured_when_exchanging_then_provider_error_not_unauthorized(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(OAUTH, {"code": "40002", "msg": "Invalid Arguments",
                                          "sub_code": "isv.invalid-signature"}))
    with pytest.raises(ProviderError) as caught:
        alipay.oauth_token("c")
    assert (caught.value.status, caught.value.code) == (502, "ALIPAY_ERROR")


@pytest.mark.parametrize(("passed", "expected"), [("T", True), ("F", False), (["T"], True), (["F"], False),
                                                  ([], False), (None, False)])
def test_given_passed_in_any_documented_shape_when_querying_then_a_boolean(
        gateway: Gateway, passed: Any, expected: Any) -> None:
    node: dict[str, Any] = {"code": "10000", "msg": "Success"}
    if passed is not None:
        node["passed"] = passed
    gateway.answer(gateway.signed(QUERY, node))
    assert alipay.certify_query("cid").passed is expected


def test_given_material_info_as_an_object_when_querying_then_it_comes_back_as_json_text(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(QUERY, {"code": "10000", "msg": "Success", "passed": "T",
                                          "material_info": {"FACIAL_PICTURE_FRONT": "abc"}}))
    assert json.loads(alipay.certify_query("cid").material_info or "") == {"FACIAL_PICTURE_FRONT": "abc"}


def test_given_a_failed_scan_when_querying_then_the_fail_reason_is_kept(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(QUERY, {"code": "10000", "msg": "Success", "passed": "F", "fail_reason": "活体检测失败"}))
    assert alipay.certify_query("cid") == alipay.CertifyResult(False, "活体检测失败", None)


def test_given_initialize_when_sent_then_identity_and_merchant_config_follow_the_docs(gateway: Gateway) -> None:
    gateway.answer(gateway.signed("alipay.user.certify.open.initialize",
                                  {"code": "10000", "msg": "Success", "certify_id": "cid-9"}))
    assert alipay.certify_initialize("GH123", "张三", "330106199001011234", return_url="https://h5/back") == "cid-9"
    biz = json.loads(gateway.requests[0][1]["biz_content"])
    assert biz == {"outer_order_no": "GH123", "biz_code": "FACE",
                   "identity_param": {"identity_type": "CERT_INFO", "cert_type": "IDENTITY_CARD",
                                      "cert_name": "张三", "cert_no": "330106199001011234"},
                   "merchant_config": {"return_url": "https://h5/back"}}


@pytest.mark.parametrize(("order_no", "biz_code"), [("", "FACE"), ("x" * 33, "FACE"), ("GH-1", "FACE"),
                                                    ("GH1", "VOICE")])
def test_given_a_bad_order_number_or_biz_code_when_initializing_then_value_error_before_any_call(
        gateway: Gateway, order_no: Any, biz_code: Any) -> None:
    with pytest.raises(ValueError):
        alipay.certify_initialize(order_no, "张三", "330106199001011234", biz_code=biz_code)
    assert gateway.requests == []


def test_given_a_certify_id_when_building_the_url_then_it_is_a_signed_gateway_get(fake: FakeProviders) -> None:
    from urllib.parse import parse_qsl, urlsplit

    url = alipay.certify_url("cid-7")
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    assert url.startswith(fake.alipay_gateway + "?")
    assert params["method"] == "alipay.user.certify.open.certify"
    assert json.loads(params["biz_content"]) == {"certify_id": "cid-7"}
    assert params["sign"] == fake.alipay.sign_app_params(params)


def test_given_a_message_when_sent_then_data_is_a_json_string_of_values(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(SEND, {"code": "10000", "msg": "Success"}))
    alipay.send_template_message("2088001", "tpl-a", {"keyword1": "12:00"}, page="pages/x")
    biz = json.loads(gateway.requests[0][1]["biz_content"])
    assert biz == {"to_user_id": "2088001", "user_template_id": "tpl-a", "page": "pages/x",
                   "data": '{"keyword1":{"value":"12:00"}}'}


def test_given_an_unsubscribed_user_when_sending_then_subscription_refused(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(SEND, {"code": "40004", "msg": "Business Failed", "sub_code": "USER_NOT_SUBSCRIBED"}))
    with pytest.raises(SubscriptionRefused):
        alipay.send_template_message("2088001", "tpl-a", {})


def test_given_another_business_failure_when_sending_then_alipay_error(gateway: Gateway) -> None:
    gateway.answer(gateway.signed(SEND, {"code": "40004", "msg": "Business Failed", "sub_code": "TEMPLATE_ERROR"}))
    with pytest.raises(ProviderError) as caught:
        alipay.send_template_message("2088001", "tpl-a", {})
    assert caught.value.code == "ALIPAY_ERROR"


def _bare(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if "-----" not in line)


def test_given_keys_as_bare_base64_like_alipays_console_when_calling_then_they_work(
        gateway: Gateway, fake: FakeProviders) -> None:
    """Given SSM holds the keys without PEM armour (as Alipay's console shows them), then the
    client still signs and verifies."""
    values = fake.ssm_parameters()
    settings = get_settings()
    private_name, public_name = settings.alipay_private_key_parameter, settings.alipay_public_key_parameter
    seed_parameters(fake, {private_name: _bare(values[private_name]), public_name: _bare(values[public_name])})
    from chalicelib.platform import parameters

    parameters.reset_parameters()
    alipay.reset_cache()
    gateway.answer(gateway.signed(OAUTH, {"user_id": "2088000000000002", "access_token": "t"}))
    assert alipay.oauth_token("c").user_id == "2088000000000002"


def test_given_an_unreadable_key_when_calling_then_key_invalid_without_key_material(
        gateway: Gateway, fake: FakeProviders) -> None:
    private_name = get_settings().alipay_private_key_parameter
    seed_parameters(fake, {private_name: base64.b64encode(b"not a key").decode()})
    from chalicelib.platform import parameters

    parameters.reset_parameters()
    alipay.reset_cache()
    with pytest.raises(ProviderError) as caught:
        alipay.oauth_token("c")
    assert caught.value.code == "ALIPAY_KEY_INVALID"
    assert "not a key" not in str(caught.value)
