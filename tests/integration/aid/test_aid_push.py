"""A worker who signed in through the WeChat mini-program is told of each step by a
subscribe message; one who refused the subscription still sees it in the app."""
from __future__ import annotations

import json

from chalicelib.accounts.logic import assign_org
from tests.conftest import Session, body
from tests.integration.aid.support import DISTRICT, ENTERPRISE, step, submitted


def _wechat_worker(fakes, api, openid):
    first = body(api.post("/auth/wechat", headers={"Content-Type": "application/json"},
                          body=json.dumps({"code": fakes.wechat_login_code(openid)})))
    assign_org(first["account"]["user_id"], ENTERPRISE)  # what identity does after the unit check
    again = api.post("/auth/wechat", headers={"Content-Type": "application/json"},
                     body=json.dumps({"code": fakes.wechat_login_code(openid)}))
    return Session(api, body(again))


def test_each_step_reaches_the_worker_as_a_wechat_subscribe_message(fakes, aws, api, login, pump):
    worker = _wechat_worker(fakes, api, "o-chen-hongxin")
    app = submitted(worker)
    step(login("enterprise_admin", user_id="sanxing-admin", org_path=ENTERPRISE), app, "enterprise_review", "approve")
    pump.drain()
    sent = [m for m in fakes.sent_messages if m["recipient"] == "o-chen-hongxin"]
    assert [m["data"]["thing1"] for m in sent] == ["帮扶申请已提交", "企业工会审核通过"]
    assert all(m["template_id"] == "aid_progress" and app["app_id"] in m["page"] for m in sent)
    assert [m["data"]["phrase2"] for m in sent] == ["企业审核", "区级审核"]


def test_a_refused_subscription_is_not_an_error_and_the_app_still_shows_the_step(fakes, aws, api, login, pump):
    worker = _wechat_worker(fakes, api, "o-refuses")
    fakes.refuse_subscription("o-refuses")
    app = submitted(worker)
    step(login("union_admin", user_id="nanxun-admin", org_path=DISTRICT), app, "enterprise_review", "return",
         "请补充诊断证明原件照片")
    pump.drain()
    assert pump.stats["inbox_events_inbox_deliver_and_push"].failed == 0
    titles = [n["title"] for n in body(worker.get("/aid/notifications"))["items"]]
    assert titles == ["申请需要补充修改", "帮扶申请已提交"]
