"""Alipay client against the running fake gateway: login, face verification, messages."""
from __future__ import annotations

import json
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.platform import parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import alipay
from chalicelib.providers.base import SubscriptionRefused
from local.fakes import FakeProviders
from local.fakes.testing import seed_parameters

ID_PASS = "330106199001011234"
ID_FAIL = "33010619850505123X"


def _other_key_pem(public: bool) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if public:
        return key.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _replace_parameter(fake: FakeProviders, name: str, value: str) -> None:
    seed_parameters(fake, {name: value})
    parameters.reset_parameters()
    alipay.reset_cache()


def test_given_a_fresh_auth_code_when_exchanged_then_the_alipay_user_is_known(fake: FakeProviders) -> None:
    user = alipay.oauth_token(fake.alipay_auth_code("2088102150477652"))
    assert user.user_id == "2088102150477652" and user.open_id is None and user.access_token


def test_given_an_auth_code_with_open_id_when_exchanged_then_open_id_is_kept(fake: FakeProviders) -> None:
    code = fake.alipay.auth_code("2088102150477653", open_id="074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5")
    assert alipay.oauth_token(code).open_id == "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"


def test_given_a_used_auth_code_when_exchanged_again_then_unauthorized(fake: FakeProviders) -> None:
    """Given a code already exchanged, when replayed, then Alipay answers isv.code-invalid
    and we raise 401 ALIPAY_CODE_INVALID."""
    code = fake.alipay_auth_code("2088102150477654")
    alipay.oauth_token(code)
    with pytest.raises(Unauthorized) as caught:
        alipay.oauth_token(code)
    assert (caught.value.status, caught.value.code) == (401, "ALIPAY_CODE_INVALID")


def test_given_an_unknown_auth_code_when_exchanged_then_unauthorized(fake: FakeProviders) -> None:
    with pytest.raises(Unauthorized) as caught:
        alipay.oauth_token("4b203fe6c11548bcabd8da5bb087a83b")
    assert caught.value.code == "ALIPAY_CODE_INVALID"


def test_given_a_tampered_answer_when_received_then_bad_signature(fake: FakeProviders) -> None:
    """Given someone changed Alipay's answer in flight, when we verify it, then 502
    ALIPAY_BAD_SIGNATURE and the (possibly forged) user is not accepted."""
    code = fake.alipay_auth_code("2088102150477655")
    fake.tamper_next_alipay_response()
    with pytest.raises(ProviderError) as caught:
        alipay.oauth_token(code)
    assert (caught.value.status, caught.value.code) == (502, "ALIPAY_BAD_SIGNATURE")


def test_given_the_wrong_alipay_public_key_when_an_answer_arrives_then_bad_signature(fake: FakeProviders) -> None:
    _replace_parameter(fake, get_settings().alipay_public_key_parameter, _other_key_pem(public=True))
    with pytest.raises(ProviderError) as caught:
        alipay.oauth_token(fake.alipay_auth_code("2088102150477656"))
    assert caught.value.code == "ALIPAY_BAD_SIGNATURE"


def test_given_an_app_key_alipay_does_not_know_when_calling_then_provider_error(fake: FakeProviders) -> None:
    """Given our private key does not match the public key registered with Alipay, then the
    gateway answers isv.invalid-signature and we raise 502 ALIPAY_ERROR — not 401."""
    _replace_parameter(fake, get_settings().alipay_private_key_parameter, _other_key_pem(public=False))
    with pytest.raises(ProviderError) as caught:
        alipay.oauth_token(fake.alipay_auth_code("2088102150477657"))
    assert (caught.value.status, caught.value.code) == (502, "ALIPAY_ERROR")


def test_given_a_member_who_passes_when_verifying_then_initialize_url_query_before_and_after(
        fake: FakeProviders) -> None:
    """Given a member whose face matches, when we initialize, open the URL and query, then the
    query says not passed before the scan is finished and passed with material after."""
    certify_id = alipay.certify_initialize("GH20261129000001", "张三", ID_PASS, return_url="https://gonghui/back")
    url = alipay.certify_url(certify_id)
    page = urllib.request.urlopen(url, timeout=5).read().decode()
    assert "支付宝身份验证" in page

    before = alipay.certify_query(certify_id)
    assert (before.passed, before.fail_reason, before.material_info) == (False, None, None)

    fake.complete_certify(certify_id)
    after = alipay.certify_query(certify_id)
    assert after.passed is True and after.fail_reason is None
    assert "FACIAL_PICTURE_FRONT" in json.loads(after.material_info or "{}")


def test_given_a_member_who_fails_the_scan_when_verifying_then_not_passed_with_the_reason(fake: FakeProviders) -> None:
    fake.set_face_result(ID_FAIL, passed=False, fail_reason="活体检测未通过")
    certify_id = alipay.certify_initialize("GH20261129000002", "李四", ID_FAIL)
    fake.complete_certify(certify_id)
    result = alipay.certify_query(certify_id)
    assert (result.passed, result.fail_reason, result.material_info) == (False, "活体检测未通过", None)


def test_given_a_failure_set_for_everyone_when_another_id_verifies_then_it_fails_too(fake: FakeProviders) -> None:
    fake.set_face_result("*", passed=False)
    certify_id = alipay.certify_initialize("GH20261129000003", "王五", ID_PASS, biz_code="SMART_FACE")
    fake.complete_certify(certify_id)
    result = alipay.certify_query(certify_id)
    assert result.passed is False and result.fail_reason


def test_given_alipay_answers_passed_as_a_list_and_material_as_an_object_then_same_result(fake: FakeProviders) -> None:
    fake.alipay_response_style(passed_as_list=True, material_as_object=True)
    certify_id = alipay.certify_initialize("GH20261129000004", "赵六", ID_PASS)
    assert alipay.certify_query(certify_id).passed is False
    fake.complete_certify(certify_id)
    result = alipay.certify_query(certify_id)
    assert result.passed is True and json.loads(result.material_info or "{}")["FACIAL_PICTURE_FRONT"]


def test_given_an_unknown_certify_id_when_querying_then_provider_error(fake: FakeProviders) -> None:
    with pytest.raises(ProviderError) as caught:
        alipay.certify_query("0" * 32)
    assert caught.value.code == "ALIPAY_ERROR"


def test_given_a_subscriber_when_a_template_message_is_sent_then_it_arrives(fake: FakeProviders) -> None:
    alipay.send_template_message("2088102150477658", "tpl-ali", {"keyword1": "会员日", "keyword2": "12-01"},
                                 page="pages/index/index")
    assert fake.sent_messages == [{"channel": "alipay", "recipient": "2088102150477658", "template_id": "tpl-ali",
                                   "data": {"keyword1": "会员日", "keyword2": "12-01"}, "page": "pages/index/index"}]


def test_given_an_unsubscribed_person_when_a_message_is_sent_then_subscription_refused(fake: FakeProviders) -> None:
    fake.refuse_subscription("2088102150477659")
    with pytest.raises(SubscriptionRefused):
        alipay.send_template_message("2088102150477659", "tpl-ali", {"keyword1": "x"})
    assert fake.sent_messages == []
