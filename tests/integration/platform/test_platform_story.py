"""The platform's story: a caller logs in, is refused where their role or scope ends, bad input
gets a clear Chinese 4xx, and a domain event travels EventBridge → SQS → handler → API."""
from __future__ import annotations

import json

from tests.conftest import body


def test_health_answers_without_login(api):
    response = api.get("/health")
    assert response.status_code == 200
    assert body(response)["stage"] == "local"


def test_dev_login_gives_a_token_that_identifies_the_caller(login):
    admin = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    me = admin.get("/me")
    assert me.status_code == 200
    assert body(me)["role"] == "union_admin"
    assert body(me)["org_path"] == "zj/huz/nanxun"


def test_missing_forged_and_wrong_role_tokens_are_refused(api, login):
    assert body(api.get("/me"))["code"] == "TOKEN_MISSING"
    forged = api.get("/me", headers={"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad"})
    assert forged.status_code == 401 and body(forged)["code"] == "TOKEN_INVALID"
    worker = login("worker", user_id="w-1")
    refused = worker.post("/orgs", {"parent_path": "zj/huz/nanxun", "slug": "e-new", "name": "新企业工会"})
    assert refused.status_code == 403
    assert body(refused)["code"] == "ROLE_FORBIDDEN"
    assert body(refused)["message"]


def test_bad_input_gets_a_clear_4xx_with_code_and_chinese_message(api, login):
    admin = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    broken = admin.post("/orgs", "{not json")
    assert broken.status_code == 400 and body(broken)["code"] == "INVALID_JSON"
    wrong_type = admin.post("/orgs", {"parent_path": 3, "slug": "x", "name": ["a"]})
    assert wrong_type.status_code == 422
    assert {d["field"] for d in body(wrong_type)["details"]} >= {"parent_path", "name"}
    too_big = admin.post("/orgs", {"parent_path": "zj", "slug": "x", "name": "x" * 300_000})
    assert too_big.status_code == 413 and body(too_big)["code"] == "PAYLOAD_TOO_LARGE"
    wrong_method = admin.delete("/health")
    assert wrong_method.status_code == 405 and body(wrong_method)["code"] == "METHOD_NOT_ALLOWED"


def test_an_admin_cannot_reach_outside_their_scope(login):
    admin = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    outside = admin.post("/orgs", {"parent_path": "zj/hz/xihu", "slug": "e-x", "name": "西湖某企业工会"})
    assert outside.status_code == 404


def test_a_registered_enterprise_reaches_the_audit_trail_through_the_queue(login, pump):
    platform = login("platform_admin", user_id="root", org_path="zj")
    admin = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    created = admin.post("/orgs", {"parent_path": "zj/huz/nanxun", "slug": "e-sanxing",
                                   "name": "浙江三行电气科技有限公司工会"})
    assert created.status_code == 201

    assert admin.get("/audit/events").status_code == 200
    assert body(admin.get("/audit/events"))["items"] == []  # not delivered yet
    pump.drain()

    trail = body(admin.get("/audit/events"))["items"]
    assert [e["detail_type"] for e in trail] == ["OrgRegistered"]
    assert trail[0]["org"] == "zj/huz/nanxun/e-sanxing"
    city_view = body(platform.get("/audit/events?org=zj/huz"))["items"]
    assert [e["org"] for e in city_view] == ["zj/huz/nanxun/e-sanxing"]  # the city sees its subtree
    assert body(login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu").get("/audit/events"))["items"] == []


def test_a_retried_post_with_the_same_idempotency_key_creates_once(login):
    platform = login("platform_admin", user_id="root", org_path="zj")
    request = {"parent_path": "zj/nb/yuyao", "slug": "e-yy1", "name": "余姚某电器有限公司工会"}
    first = platform.post("/orgs", request, headers={"Idempotency-Key": "create-nb-0001"})
    again = platform.post("/orgs", request, headers={"Idempotency-Key": "create-nb-0001"})
    assert first.status_code == again.status_code == 201
    assert body(first) == body(again)
    other = platform.post("/orgs", {**request, "name": "别的名字"}, headers={"Idempotency-Key": "create-nb-0001"})
    assert other.status_code == 422 and body(other)["code"] == "IDEMPOTENCY_KEY_REUSED"
    without_key = platform.post("/orgs", request)
    assert without_key.status_code == 409 and body(without_key)["code"] == "ORG_EXISTS"


def test_cursors_that_were_tampered_with_are_refused(login):
    platform = login("platform_admin", user_id="root", org_path="zj")
    first = body(platform.get("/orgs/children?org=zj&limit=2"))
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = body(platform.get(f"/orgs/children?org=zj&limit=2&cursor={first['next_cursor']}"))
    assert {o["path"] for o in second["items"]}.isdisjoint({o["path"] for o in first["items"]})
    tampered = first["next_cursor"][:-3] + ("AAA" if not first["next_cursor"].endswith("AAA") else "BBB")
    refused = platform.get(f"/orgs/children?org=zj&limit=2&cursor={tampered}")
    assert refused.status_code == 400 and body(refused)["code"] == "INVALID_CURSOR"
    json.dumps(second)
