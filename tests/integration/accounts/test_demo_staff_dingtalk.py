"""The demo staff the README lists log in through the 浙政钉 fake, as staff really do.

Given the local stack's demo accounts, when 南浔区总工会's 杨老师 gets an auth code from the
浙政钉 fake for her account id and posts it to /auth/dingtalk, then she is demo-nanxun-admin,
a union admin of 南浔; an account id the demo does not know is refused STAFF_NOT_REGISTERED."""
from __future__ import annotations

import json

from tests.conftest import body


def test_demo_staff_log_in_through_the_dingtalk_fake(api, fakes):
    from local.demo import accounts

    accounts.seed()
    accounts.seed()  # seeding twice changes nothing
    code = fakes.dingtalk_auth_code(accounts.DINGTALK_IDS["demo-nanxun-admin"], "杨老师")
    answer = api.post("/auth/dingtalk", headers={"Content-Type": "application/json"},
                      body=json.dumps({"auth_code": code}))
    assert answer.status_code == 200, answer.body
    account = body(answer)["account"]
    assert (account["user_id"], account["role"], account["org_path"]) == \
        ("demo-nanxun-admin", "union_admin", "zj/huz/nanxun")

    stranger = api.post("/auth/dingtalk", headers={"Content-Type": "application/json"},
                        body=json.dumps({"auth_code": fakes.dingtalk_auth_code("zzd-nobody", "路人")}))
    assert stranger.status_code == 403 and body(stranger)["code"] == "STAFF_NOT_REGISTERED"
