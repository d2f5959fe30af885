"""小王's journey on 光年间: from login to active, through an Alipay face check (the fake),
the union roster, and the single pledge — and back out when she withdraws the pledge."""
from __future__ import annotations

import json

from chalicelib.identity import logic
from chalicelib.platform import pii
from tests.conftest import Session, body
from tests.integration.identity.conftest import LIGHTYEAR, XIHU, make_id, roster_csv

WANG_ID = make_id("330106", "19960512", "246")
WANG_PHONE = "13857101234"
WANG_ALIPAY = "2088102150470001"


def _roster(admin, upload_roster, rows):
    return upload_roster(admin, XIHU, roster_csv(rows))


def test_a_member_walks_from_login_to_active_and_is_hidden_again_when_she_withdraws(
        fakes, api, login, orgs, pump, upload_roster, spy):
    """Given the union's roster lists 小王 at 光年科技, when she passes Alipay's face check and
    signs the pledge, then she is active, her next token carries her enterprise, and every
    step is on record; when she withdraws the pledge she is hidden at once."""
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    _roster(admin, upload_roster, [["王小丽", WANG_ID, "杭州光年科技有限公司", LIGHTYEAR, "在会", WANG_PHONE]])

    signed_in = api.post("/auth/alipay", headers={"Content-Type": "application/json"},
                         body=json.dumps({"auth_code": fakes.alipay_auth_code(WANG_ALIPAY)}))
    assert signed_in.status_code == 200, signed_in.body
    wang = Session(api, body(signed_in))
    pump.drain()  # AccountRegistered → she counts as registered
    me = body(wang.get("/identity/me"))
    assert me["state"] == "registered" and me["next_step"] == "请完成支付宝人脸实名认证"
    assert logic.is_active(wang.user_id) is False

    fakes.set_face_result(WANG_ID, True, None)
    started = wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": WANG_ID.lower()})
    assert started.status_code == 201, started.body
    certify = body(started)
    assert certify["id_masked"] == f"{WANG_ID[:6]}********{WANG_ID[-4:]}"
    assert certify["certify_url"].startswith("http") and certify["attempts_left_today"] == 4

    fakes.complete_certify(certify["certify_id"])
    outcome = wang.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    assert outcome.status_code == 200, outcome.body
    assert body(outcome)["status"] == "passed" and body(outcome)["state"] == "face_verified"

    pump.drain()  # FaceVerified → the membership Lambda matches her in the roster
    me = body(wang.get("/identity/me"))
    assert me["state"] == "member_verified"
    assert me["org_path"] == LIGHTYEAR and me["enterprise"] == "杭州光年科技有限公司"
    assert me["id_masked"].startswith("330106********") and WANG_ID not in json.dumps(me)
    told = [m for m in fakes.sent_messages if m["recipient"] == WANG_ALIPAY]
    assert [m["template_id"] for m in told] == ["gnj-membership-result"]  # a subscribe message in Alipay
    inbox = body(wang.get("/inbox?kind=identity"))["items"]  # and the same news in her inbox
    assert [i["title"] for i in inbox] == ["会员认证结果"] and "会员认证通过" in inbox[0]["body"]

    text = body(wang.get("/identity/pledge"))
    signed = wang.post("/identity/pledge", {"version": text["version"], "agree": True})
    assert signed.status_code == 200, signed.body
    assert body(signed)["state"] == "active" and body(signed)["pledged_at"]
    assert logic.is_active(wang.user_id) is True
    status = logic.member_status(wang.user_id)
    assert status is not None and status.active

    refreshed = wang.http.post("/auth/refresh", headers={"Content-Type": "application/json"},
                               body=json.dumps({"refresh_token": wang.tokens["refresh_token"]}))
    assert body(refreshed)["account"]["org_path"] == LIGHTYEAR

    withdrawn = wang.delete("/identity/pledge")
    assert body(withdrawn)["state"] == "member_verified" and logic.is_active(wang.user_id) is False

    steps = [(t["from_state"], t["to_state"]) for t in reversed(body(wang.get("/identity/me/transitions"))["items"])]
    assert steps == [("new", "registered"), ("registered", "face_verified"), ("face_verified", "member_verified"),
                     ("member_verified", "pledged"), ("pledged", "active"), ("active", "member_verified")]

    kinds = [e["detail-type"] for e in spy.collect() if e["source"] == "gonghui.identity"]
    for expected in ("FaceVerified", "MemberVerified", "MemberActivated", "MemberDeactivated", "RosterImported"):
        assert kinds.count(expected) == 1, (expected, kinds)
    deactivated = spy.of("MemberDeactivated") or [e for e in spy.seen if e["detail-type"] == "MemberDeactivated"]
    assert deactivated[0]["detail"]["data"]["reason"] == "pledge_withdrawn"


def test_a_member_not_in_the_roster_appeals_and_the_union_admin_accepts(fakes, login, orgs, pump, spy):
    """Given 小李 passes the face check but is not in the roster, then she sees "not in
    roster"; she appeals to her enterprise's union, an admin outside that scope cannot see it,
    the Xihu admin accepts it and she becomes a verified member of that enterprise."""
    li_id = make_id("330102", "19930101", "555")
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(li_id, True, None)
    certify = body(li.post("/identity/face/start", {"real_name": "李晓", "id_number": li_id}))
    fakes.complete_certify(certify["certify_id"])
    li.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    me = body(li.get("/identity/me"))
    assert me["state"] == "face_verified" and me["roster_status"] == "not_in_roster"

    appeal = li.post("/identity/appeals", {"org_path": LIGHTYEAR, "enterprise": "杭州光年科技有限公司",
                                           "note": "2024年入会，工会小组在研发部"})
    assert appeal.status_code == 201, appeal.body
    again = li.post("/identity/appeals", {"org_path": LIGHTYEAR, "enterprise": "杭州光年科技有限公司"})
    assert again.status_code == 409 and body(again)["code"] == "APPEAL_PENDING"
    appeal_id = body(appeal)["appeal_id"]

    outsider = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    assert body(outsider.get("/identity/appeals"))["items"] == []
    refused = outsider.post(f"/identity/appeals/{appeal_id}/accept", {"reason": "核实在会"})
    assert refused.status_code == 404 and body(refused)["code"] == "APPEAL_NOT_FOUND"

    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    inbox = body(admin.get("/identity/appeals"))["items"]
    assert [i["appeal_id"] for i in inbox] == [appeal_id] and inbox[0]["name_masked"] == "李*"
    accepted = admin.post(f"/identity/appeals/{appeal_id}/accept", {"reason": "经核实为本会会员"})
    assert accepted.status_code == 200 and body(accepted)["status"] == "accepted"
    twice = admin.post(f"/identity/appeals/{appeal_id}/reject", {"reason": "重复处理"})
    assert twice.status_code == 409 and body(twice)["code"] == "APPEAL_DECIDED"
    assert body(admin.get("/identity/appeals"))["items"] == []

    me = body(li.get("/identity/me"))
    assert me["state"] == "member_verified" and me["org_path"] == LIGHTYEAR
    assert body(li.get("/identity/appeals/mine"))["status"] == "accepted"
    assert len(spy.of("MemberVerified")) == 1


def test_a_rejected_appeal_tells_the_member_why(fakes, login, orgs, pump):
    zhao_id = make_id("330105", "19900720", "017")
    zhao = login("worker", user_id="w-zhao", org_path=XIHU)
    fakes.set_face_result(zhao_id, True, None)
    certify = body(zhao.post("/identity/face/start", {"real_name": "赵强", "id_number": zhao_id}))
    fakes.complete_certify(certify["certify_id"])
    zhao.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    appeal_id = body(zhao.post("/identity/appeals", {"org_path": LIGHTYEAR, "enterprise": "光年科技"}))["appeal_id"]
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    rejected = admin.post(f"/identity/appeals/{appeal_id}/reject", {"reason": "该单位工会名册中无此人，请先办理入会"})
    assert rejected.status_code == 200
    mine = body(zhao.get("/identity/appeals/mine"))
    assert mine["status"] == "rejected" and "请先办理入会" in mine["reason"]
    assert body(zhao.get("/identity/me"))["state"] == "face_verified"


def test_admins_suspend_and_ban_within_their_scope_and_every_change_is_recorded(fakes, login, orgs, pump,
                                                                               upload_roster, spy):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang = _active_member(fakes, login, pump, upload_roster, admin)

    outsider = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    refused = outsider.post(f"/identity/members/{wang.user_id}/suspend", {"reason": "测试"})
    assert refused.status_code == 404
    assert logic.is_active(wang.user_id)

    suspended = admin.post(f"/identity/members/{wang.user_id}/suspend", {"reason": "被举报索要钱财，核查中"})
    assert body(suspended)["state"] == "suspended" and not logic.is_active(wang.user_id)
    assert body(admin.get(f"/identity/members/{wang.user_id}"))["block_reason"] == "被举报索要钱财，核查中"
    refused = wang.get("/identity/me")  # her sessions ended with the suspension
    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_SUSPENDED"
    reinstated = admin.post(f"/identity/members/{wang.user_id}/reinstate", {"reason": "核查无问题"})
    assert body(reinstated)["state"] == "active"
    banned = admin.post(f"/identity/members/{wang.user_id}/ban", {"reason": "核实为婚托"})
    assert body(banned)["state"] == "banned"
    only_platform = admin.post(f"/identity/members/{wang.user_id}/reinstate", {"reason": "申诉"})
    assert only_platform.status_code == 403 and body(only_platform)["code"] == "UNBAN_NEEDS_PLATFORM_ADMIN"

    trail = body(admin.get(f"/identity/members/{wang.user_id}/transitions?limit=3"))["items"]
    assert [(t["to_state"], t["actor_id"]) for t in trail] == [
        ("banned", "xihu-admin"), ("active", "xihu-admin"), ("suspended", "xihu-admin")]
    assert "婚托" in trail[0]["reason"]
    reasons = [e["detail"]["data"]["reason"] for e in spy.of("MemberDeactivated")]
    assert reasons == ["suspended", "banned"]


def _active_member(fakes, login, pump, upload_roster, admin, *, user_id="w-xiaowang", number=WANG_ID):
    upload_roster(admin, XIHU, roster_csv([["王小丽", number, "杭州光年科技有限公司", LIGHTYEAR, "在会", ""]]))
    wang = login("worker", user_id=user_id, org_path=XIHU)
    fakes.set_face_result(number, True, None)
    certify = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": number}))
    fakes.complete_certify(certify["certify_id"])
    wang.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    assert body(wang.post("/identity/pledge", {"version": logic.CURRENT_PLEDGE, "agree": True}))["state"] == "active"
    return wang


def test_figures_are_rolled_up_per_node_and_served_to_the_union_in_scope(fakes, login, orgs, pump, upload_roster):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    _active_member(fakes, login, pump, upload_roster, admin)
    login("worker", user_id="w-newcomer", org_path=XIHU).get("/identity/me")
    pump.run_schedule("identity_events_roll_up_figures")

    days = body(admin.get("/identity/figures"))["days"]
    assert [(d["registered"], d["face_verified"], d["member_verified"], d["active"]) for d in days] == [(2, 1, 1, 1)]
    enterprise = body(admin.get(f"/identity/figures?org={LIGHTYEAR}"))["days"]
    assert (enterprise[0]["registered"], enterprise[0]["active"]) == (1, 1)
    outsider = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    assert outsider.get("/identity/figures?org=zj/hz/xihu").status_code == 404
    assert pii.mask_id_number(WANG_ID) not in json.dumps(days)


def test_admins_deciding_one_appeal_at_the_same_moment_settle_it_once(fakes, live_api, login, orgs, pump, spy):
    """Given two admins (district and province) open the same appeal, when they accept and
    reject it at the same moment, then exactly one decision stands and the others get 409."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    li_id = make_id("330102", "19930101", "555")
    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(li_id, True, None)
    certify = body(li.post("/identity/face/start", {"real_name": "李晓", "id_number": li_id}))
    fakes.complete_certify(certify["certify_id"])
    li.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    appeal_id = body(li.post("/identity/appeals", {"org_path": LIGHTYEAR, "enterprise": "光年科技"}))["appeal_id"]
    admins = [login("union_admin", user_id="xihu-admin", org_path=XIHU), login("platform_admin", user_id="root")]

    def decide(n: int) -> int:
        verb, reason = ("accept", "核实在会") if n % 2 == 0 else ("reject", "名册中无此人")
        r = requests.post(f"{live_api}/identity/appeals/{appeal_id}/{verb}", headers=admins[n % 2].headers,
                          json={"reason": reason}, timeout=60)
        return r.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(decide, range(6)))
    assert statuses == [200, 409, 409, 409, 409, 409]
    decided = body(li.get("/identity/appeals/mine"))["status"]
    state = body(li.get("/identity/me"))["state"]
    assert (decided, state) in {("accepted", "member_verified"), ("rejected", "face_verified")}
    events = [e["detail-type"] for e in spy.collect() if e["detail-type"].startswith("MembershipAppeal")]
    assert events.count("MembershipAppealFiled") == 1 and len(events) == 2
