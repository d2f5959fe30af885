"""浙政钉 login and the push seam against the running fake."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.platform import parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import dingtalk, push
from local.fakes import FakeProviders
from local.fakes.testing import seed_parameters


def test_given_a_fresh_auth_code_when_looked_up_then_the_government_user_is_known(fake: FakeProviders) -> None:
    """Given 浙政钉 minted a 免登 code for an official, when we look it up, then account id,
    name, employee code and tenant come back."""
    code = fake.dingtalk_auth_code("81234567", "陈小明", employee_code="GE_abc123")
    user = dingtalk.user_by_auth_code(code)
    assert user == dingtalk.DingtalkUser(account_id="81234567", name="陈小明", employee_code="GE_abc123",
                                         tenant_id="196729")


def test_given_a_used_auth_code_when_looked_up_again_then_unauthorized(fake: FakeProviders) -> None:
    code = fake.dingtalk_auth_code("81234568", "林一")
    dingtalk.user_by_auth_code(code)
    with pytest.raises(Unauthorized) as caught:
        dingtalk.user_by_auth_code(code)
    assert (caught.value.status, caught.value.code) == (401, "DINGTALK_CODE_INVALID")


def test_given_an_unknown_auth_code_when_looked_up_then_unauthorized(fake: FakeProviders) -> None:
    with pytest.raises(Unauthorized) as caught:
        dingtalk.user_by_auth_code("b43adb2aa9ec418ba5eac8a7a8dfe100019c9901")
    assert caught.value.code == "DINGTALK_CODE_INVALID"


def test_given_several_logins_when_they_happen_then_one_access_token_serves_them(fake: FakeProviders) -> None:
    for n in range(3):
        dingtalk.user_by_auth_code(fake.dingtalk_auth_code(f"8100000{n}", f"用户{n}"))
    assert dingtalk.access_token() == dingtalk.access_token()
    assert fake.token_requests["dingtalk"] == 1


def test_given_the_platform_revoked_our_token_when_someone_logs_in_then_they_still_get_in(fake: FakeProviders) -> None:
    dingtalk.access_token()
    fake.invalidate_dingtalk_tokens()
    user = dingtalk.user_by_auth_code(fake.dingtalk_auth_code("81234569", "周二"))
    assert user.account_id == "81234569"
    assert fake.token_requests["dingtalk"] == 2


def test_given_a_wrong_secret_in_ssm_when_calling_then_the_gateway_refuses_and_we_answer_502(
        fake: FakeProviders) -> None:
    seed_parameters(fake, {get_settings().dingtalk_secret_parameter: "not-the-secret"})
    parameters.reset_parameters()
    with pytest.raises(ProviderError) as caught:
        dingtalk.user_by_auth_code(fake.dingtalk_auth_code("81234570", "吴三"))
    assert (caught.value.status, caught.value.code) == (502, "DINGTALK_ERROR")


@pytest.mark.parametrize(("channel", "recipient"), [("wechat", "oA-push-1"), ("alipay", "2088102150470001")])
def test_given_a_subscribed_person_when_notified_then_the_message_goes_to_their_platform(
        fake: FakeProviders, channel: Any, recipient: Any) -> None:
    assert push.notify(channel, recipient, "tpl-push", {"keyword1": "审批通过"}, page="pages/todo") is True
    [message] = fake.sent_messages
    assert (message["channel"], message["recipient"], message["template_id"], message["data"]) == (
        channel, recipient, "tpl-push", {"keyword1": "审批通过"})


@pytest.mark.parametrize(("channel", "recipient"), [("wechat", "oA-push-2"), ("alipay", "2088102150470002")])
def test_given_a_person_who_refused_when_notified_then_false_and_nothing_sent(
        fake: FakeProviders, channel: Any, recipient: Any) -> None:
    fake.refuse_subscription(recipient, "tpl-push")
    assert push.notify(channel, recipient, "tpl-push", {"keyword1": "x"}) is False
    assert fake.sent_messages == []


def test_given_wechat_is_down_when_notified_then_provider_error(
        fake: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGHUI_WECHAT_API", "http://127.0.0.1:9")
    from chalicelib.platform.settings import reset_settings

    reset_settings()
    with pytest.raises(ProviderError) as caught:
        push.notify("wechat", "oA-push-3", "tpl-push", {})
    assert caught.value.code == "WECHAT_UNAVAILABLE"
