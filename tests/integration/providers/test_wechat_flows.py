"""WeChat client against the running fake: login codes, subscribe messages, token life."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import wechat
from chalicelib.providers.base import SubscriptionRefused
from local.fakes import FakeProviders
from local.fakes.testing import seed_parameters


def test_given_a_fresh_login_code_when_exchanged_then_the_person_is_known(fake: FakeProviders) -> None:
    session = wechat.code_to_session(fake.wechat_login_code("oA-member-1", unionid="uA-1"))
    assert (session.openid, session.unionid) == ("oA-member-1", "uA-1")
    assert session.session_key


def test_given_a_code_already_used_when_exchanged_again_then_unauthorized(fake: FakeProviders) -> None:
    """Given a code that logged someone in, when it is replayed, then 401 WECHAT_CODE_INVALID."""
    code = fake.wechat_login_code("oA-member-2")
    wechat.code_to_session(code)
    with pytest.raises(Unauthorized) as caught:
        wechat.code_to_session(code)
    assert (caught.value.status, caught.value.code) == (401, "WECHAT_CODE_INVALID")


@pytest.mark.parametrize("code", ["never-minted", "0" * 32])
def test_given_an_unknown_code_when_exchanged_then_unauthorized(fake: FakeProviders, code: Any) -> None:
    with pytest.raises(Unauthorized) as caught:
        wechat.code_to_session(code)
    assert caught.value.code == "WECHAT_CODE_INVALID"


def test_given_a_code_older_than_five_minutes_when_exchanged_then_unauthorized(fake: FakeProviders) -> None:
    code = fake.wechat_login_code("oA-member-3")
    clock.travel(timedelta(minutes=5, seconds=1))
    with pytest.raises(Unauthorized):
        wechat.code_to_session(code)


def test_given_a_wrong_app_secret_in_ssm_when_exchanging_then_provider_error_without_the_secret(
        fake: FakeProviders) -> None:
    """Given SSM holds a wrong secret, when a code is exchanged, then 502 WECHAT_ERROR (our
    configuration, not the person's fault), and the secret is not in the error."""
    name = get_settings().wechat_secret_parameter
    seed_parameters(fake, {name: "wrong-secret-value"})
    parameters.reset_parameters()
    with pytest.raises(ProviderError) as caught:
        wechat.code_to_session(fake.wechat_login_code("oA-4"))
    assert (caught.value.status, caught.value.code) == (502, "WECHAT_ERROR")
    assert "wrong-secret-value" not in str(caught.value.to_body())


def test_given_a_subscriber_when_messages_are_sent_then_they_arrive_with_one_token(fake: FakeProviders) -> None:
    """Given a subscribed person, when two messages are sent, then WeChat records both in its
    documented shape and only one access token was requested."""
    wechat.send_subscribe_message("oA-5", "tpl-activity", {"thing1": "会员日", "time2": "2026-12-01 09:00"},
                                  page="pages/activity/detail?id=1")
    wechat.send_subscribe_message("oA-5", "tpl-activity", {"thing1": "读书会", "time2": "2026-12-02 09:00"})
    assert [m["data"]["thing1"] for m in fake.sent_messages] == ["会员日", "读书会"]
    assert fake.sent_messages[0] == {"channel": "wechat", "recipient": "oA-5", "template_id": "tpl-activity",
                                     "data": {"thing1": "会员日", "time2": "2026-12-01 09:00"},
                                     "page": "pages/activity/detail?id=1", "miniprogram_state": "developer"}
    assert fake.token_requests["wechat"] == 1


def test_given_wechat_forgot_our_token_when_sending_then_40001_triggers_one_refresh(fake: FakeProviders) -> None:
    """Given a cached token WeChat now calls invalid (40001), when sending, then the client
    fetches a new token once, retries, and the message arrives."""
    wechat.send_subscribe_message("oA-6", "tpl", {"k": "1"})
    fake.invalidate_wechat_tokens()
    wechat.send_subscribe_message("oA-6", "tpl", {"k": "2"})
    assert [m["data"]["k"] for m in fake.sent_messages] == ["1", "2"]
    assert fake.token_requests["wechat"] == 2


def test_given_the_token_expired_when_sending_then_a_new_one_is_fetched_first(fake: FakeProviders) -> None:
    wechat.send_subscribe_message("oA-7", "tpl", {"k": "1"})
    clock.travel(timedelta(hours=2))
    wechat.send_subscribe_message("oA-7", "tpl", {"k": "2"})
    assert fake.token_requests["wechat"] == 2 and len(fake.sent_messages) == 2


def test_given_the_person_refused_the_template_when_sending_then_subscription_refused(fake: FakeProviders) -> None:
    fake.refuse_subscription("oA-8", "tpl-refused")
    with pytest.raises(SubscriptionRefused):
        wechat.send_subscribe_message("oA-8", "tpl-refused", {"k": "v"})
    wechat.send_subscribe_message("oA-8", "tpl-other", {"k": "v"})
    assert [m["template_id"] for m in fake.sent_messages] == ["tpl-other"]


def test_given_malformed_data_when_sending_then_provider_error(
        fake: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(wechat.MINIPROGRAM_STATE, "local", "nightly")
    with pytest.raises(ProviderError) as caught:
        wechat.send_subscribe_message("oA-9", "tpl", {"k": "v"})
    assert caught.value.code == "WECHAT_ERROR"
