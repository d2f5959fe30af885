"""Logging in: a worker through the WeChat or Alipay mini-program, a union staff member through
浙政钉, each through the provider fakes speaking the real protocols; tokens refresh and rotate."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.accounts import logic
from chalicelib.platform import clock
from tests.conftest import body


def post(api, path, payload, headers=None):
    return api.post(path, headers={"Content-Type": "application/json", **(headers or {})}, body=json.dumps(payload))


def test_a_worker_logs_in_with_wechat_and_gets_the_same_account_next_time(fakes, aws, api):
    first = post(api, "/auth/wechat", {"code": fakes.wechat_login_code("openid-xiaowang")})
    assert first.status_code == 200, first.body
    tokens = body(first)
    assert tokens["account"]["role"] == "worker" and tokens["token_type"] == "Bearer"
    again = body(post(api, "/auth/wechat", {"code": fakes.wechat_login_code("openid-xiaowang")}))
    assert again["account"]["user_id"] == tokens["account"]["user_id"]
    me = api.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert body(me)["channel"] == "wechat"


def test_a_used_or_unknown_wechat_code_is_refused(fakes, aws, api):
    code = fakes.wechat_login_code("openid-a")
    assert post(api, "/auth/wechat", {"code": code}).status_code == 200
    reused = post(api, "/auth/wechat", {"code": code})
    assert reused.status_code == 401 and body(reused)["code"] == "WECHAT_CODE_INVALID"
    assert post(api, "/auth/wechat", {"code": "made-up"}).status_code == 401


def test_a_worker_logs_in_with_alipay(fakes, aws, api):
    response = post(api, "/auth/alipay", {"auth_code": fakes.alipay_auth_code("2088000000000001")})
    assert response.status_code == 200, response.body
    assert body(response)["account"]["channel"] == "alipay"
    bad = post(api, "/auth/alipay", {"auth_code": "not-issued"})
    assert bad.status_code == 401 and body(bad)["code"] == "ALIPAY_CODE_INVALID"


def test_staff_log_in_with_zhezhengding_only_once_registered_by_their_union(fakes, aws, api, login):
    unregistered = post(api, "/auth/dingtalk", {"auth_code": fakes.dingtalk_auth_code("zzd-1001", "杨老师")})
    assert unregistered.status_code == 403 and body(unregistered)["code"] == "STAFF_NOT_REGISTERED"

    city = login("union_admin", user_id="huzhou-admin", org_path="zj/huz")
    granted = city.post("/staff", {"dingtalk_account_id": "zzd-1001", "name": "杨老师", "role": "union_admin",
                                   "org_path": "zj/huz/nanxun"})
    assert granted.status_code == 201, granted.body

    response = post(api, "/auth/dingtalk", {"auth_code": fakes.dingtalk_auth_code("zzd-1001", "杨老师")})
    assert response.status_code == 200, response.body
    account = body(response)["account"]
    assert (account["role"], account["org_path"]) == ("union_admin", "zj/huz/nanxun")
    staff = body(city.get("/staff?org=zj/huz/nanxun"))["items"]
    assert [s["name"] for s in staff] == ["杨老师"]


def test_an_admin_cannot_grant_staff_outside_or_at_their_own_level(aws, login):
    district = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    outside = district.post("/staff", {"dingtalk_account_id": "zzd-2", "name": "某人", "role": "union_admin",
                                       "org_path": "zj/hz/xihu"})
    assert outside.status_code == 404
    same_level = district.post("/staff", {"dingtalk_account_id": "zzd-3", "name": "某人", "role": "union_admin",
                                          "org_path": "zj/huz/nanxun"})
    assert same_level.status_code == 403 and body(same_level)["code"] == "GRANT_TOO_HIGH"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_demo_login_does_not_exist_outside_the_local_stage(aws, chalice_app, stage, monkeypatch):
    from chalice.test import Client

    from chalicelib.platform.settings import reset_settings
    from tests.conftest import ROOT

    for name, value in (("GONGHUI_WECHAT_APP_ID", "wx0123456789abcdef"), ("GONGHUI_ALIPAY_APP_ID", "2021004100000001"),
                        ("GONGHUI_DINGTALK_APP_KEY", "gonghui-zzd-test")):
        monkeypatch.setenv(name, value)  # a deployed stage refuses the local placeholders
    reset_settings()
    try:
        with Client(chalice_app, stage_name=stage, project_dir=str(ROOT)) as client:
            refused = post(client.http, "/dev/login", {"role": "platform_admin"})
        assert refused.status_code == 404 and body(refused)["code"] == "DEV_LOGIN_DISABLED"
    finally:
        reset_settings()


@pytest.fixture
def clock_reset():
    yield
    clock.reset()


def test_refresh_rotates_and_a_replayed_refresh_token_ends_the_session(aws, api, login, clock_reset):
    worker = login("worker", user_id="w-refresh")
    old = worker.tokens["refresh_token"]
    rotated = post(api, "/auth/refresh", {"refresh_token": old})
    assert rotated.status_code == 200
    new = body(rotated)["refresh_token"]
    assert new != old
    clock.travel(timedelta(seconds=logic.REFRESH_GRACE_SECONDS + 1))  # not a concurrent refresh: a replay
    replay = post(api, "/auth/refresh", {"refresh_token": old})
    assert replay.status_code == 401 and body(replay)["code"] == "REFRESH_REUSED"
    # the whole family is revoked: the stolen chain and the legitimate one both end
    after = post(api, "/auth/refresh", {"refresh_token": new})
    assert after.status_code == 401 and body(after)["code"] == "REFRESH_REVOKED"


def test_within_the_grace_window_only_the_token_rotated_last_is_accepted_again(aws, api, login):
    """Reuse detection keeps its teeth inside the window: a token two rotations old is a replay."""
    worker = login("worker", user_id="w-grace")
    first = worker.tokens["refresh_token"]
    second = body(post(api, "/auth/refresh", {"refresh_token": first}))["refresh_token"]
    third = body(post(api, "/auth/refresh", {"refresh_token": second}))["refresh_token"]
    again = post(api, "/auth/refresh", {"refresh_token": second})
    assert again.status_code == 200, again.body       # rotated last, moments ago: a racing refresh
    replay = post(api, "/auth/refresh", {"refresh_token": first})
    assert replay.status_code == 401 and body(replay)["code"] == "REFRESH_REUSED"
    for token in (third, body(again)["refresh_token"]):
        ended = post(api, "/auth/refresh", {"refresh_token": token})
        assert ended.status_code == 401 and body(ended)["code"] == "REFRESH_REVOKED"


def test_two_refreshes_of_one_session_at_once_both_succeed_and_the_session_lives_on(aws, live_api, login):
    """Given a mini-program whose two pages refresh the same token at the same moment, when both
    requests race, then both get tokens (one rotation, the other handed the same current token),
    and the session keeps refreshing afterwards."""
    import threading

    import requests

    worker = login("worker", user_id="w-twotabs")
    token = worker.tokens["refresh_token"]
    barrier = threading.Barrier(2)
    answers: list[requests.Response] = []

    def refresh_once() -> None:
        barrier.wait()
        answers.append(requests.post(f"{live_api}/auth/refresh", json={"refresh_token": token}, timeout=30))

    threads = [threading.Thread(target=refresh_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    later = requests.post(f"{live_api}/auth/refresh", json={"refresh_token": answers[0].json()["refresh_token"]},
                          timeout=30)
    assert later.status_code == 200, later.text


def test_an_access_token_expires(aws, api, login):
    from datetime import timedelta

    from chalicelib.platform import clock

    worker = login("worker", user_id="w-exp")
    try:
        clock.travel(timedelta(minutes=16))
        expired = worker.get("/me")
        assert expired.status_code == 401 and body(expired)["code"] == "TOKEN_EXPIRED"
    finally:
        clock.reset()


def test_an_empty_org_in_the_demo_login_falls_back_to_the_role_default(login):
    """Found by the fuzz: an empty org path was written as an empty index key (500)."""
    admin = login("union_admin", user_id="fuzzed-admin", org_path="")
    assert admin.org_path == "zj/huz/nanxun"
