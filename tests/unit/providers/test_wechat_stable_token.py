"""WeChat's stable access token, against the fake: functions scaling out share one token
instead of each fetching a new one that invalidates the others'."""
from __future__ import annotations

from chalicelib.providers import wechat
from local.fakes import FakeProviders


def test_given_two_containers_when_each_fetches_a_token_then_both_hold_the_same_valid_one(
        fake: FakeProviders) -> None:
    """Given one container holds a token, when a second container (an empty cache) starts and
    sends, then it gets the same token and the first container's sends still succeed."""
    first = wechat.access_token()
    wechat.reset_cache()  # a new container: nothing cached
    second = wechat.access_token()
    assert first == second
    assert fake.wechat.tokens.issued == 1
    wechat.send_subscribe_message("o-1", "tpl-1", {"thing1": "会员日"})  # uses the shared token
    assert fake.wechat.tokens.check(first) == "ok"


def test_given_wechat_revoked_the_token_when_refreshing_then_the_normal_mode_gives_a_new_working_one(
        fake: FakeProviders) -> None:
    """Given WeChat revoked every token (as after an app-secret reset), when the app refreshes
    the rejected token, then the stable endpoint's normal mode issues a new one that works
    (no forced refresh needed)."""
    old = wechat.access_token()
    fake.wechat.tokens.revoke_all()
    fresh = wechat.access_token(stale=old)
    assert fresh != old and fake.wechat.tokens.check(fresh) == "ok"
    assert fake.wechat.tokens.issued == 2
    wechat.send_subscribe_message("o-1", "tpl-1", {"thing1": "会员日"})
