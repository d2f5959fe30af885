"""陈宏鑫's day: he joins 三行电气 in the morning, finds a room by roommate fit, applies, is
approved (automatically, as a new hire) and checks in the same day."""
from __future__ import annotations

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.dorms.conftest import SANXING, worker_with_profile


def test_given_a_new_hire_when_he_ranks_free_beds_then_the_room_of_a_fellow_chongqing_painter_comes_first(
        dorm, login):
    chen = worker_with_profile(login, "chen-hongxin")
    ranked = chen.get(f"/dorms/buildings/{dorm.building_id}/recommendations")
    assert ranked.status_code == 200, ranked.body
    first = body(ranked)["items"][0]
    assert first["room_no"] == "301" and first["bed_no"] == 2
    assert "同乡（重庆）" in first["reason"] and "同车间（包漆车间）" in first["reason"]
    assert first["roommates"] == [{"hometown": "重庆", "workshop": "包漆车间", "shift": "白班"}]
    assert "name" not in str(first["roommates"]) and "sx-0001" not in ranked.body.decode()
    assert {b["gender"] for b in body(ranked)["items"]} == {"male"}  # the women's quad is not offered


def test_given_auto_approval_for_new_hires_when_he_applies_then_he_is_approved_and_checks_in_the_same_day(
        dorm, login, pump):
    assert dorm.admin.put("/dorms/rules", {"org_path": SANXING, "auto_approve_new_hire_days": 7}).status_code == 200
    chen = worker_with_profile(login, "chen-hongxin", entry_date=clock.today_shanghai().isoformat())

    applied = chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "301"})
    assert applied.status_code == 201, applied.body
    assert body(applied)["status"] == "submitted" and body(applied)["bed_no"] == 2
    assert "自动通过" in body(applied)["next_step"]
    decision = f"/dorms/applications/{body(applied)['application_id']}/decision"
    early = dorm.union.post(decision, {"approve": False, "reason": "名额已满"})  # before the rule ran
    assert early.status_code == 409 and body(early)["code"] == "DORM_AUTO_REVIEW_PENDING"
    pump.drain()  # the dorm-apply Lambda applies the rules

    mine = body(chen.get("/dorms/me"))["application"]
    assert mine["status"] == "approved" and mine["auto_approved"] is True
    late = dorm.union.post(decision, {"approve": False, "reason": "名额已满"})  # the rule decided first: said so
    assert late.status_code == 409 and body(late)["code"] == "DORM_ALREADY_DECIDED"
    assert "企业规则自动通过" in body(late)["message"] and "其他管理员" not in body(late)["message"]
    assert body(chen.get("/dorms/me"))["application"]["status"] == "approved"
    checked_in = chen.post("/dorms/me/check-in", {})
    assert checked_in.status_code == 200, checked_in.body
    assert body(checked_in)["status"] == "checked_in"
    pump.drain()

    me = body(chen.get("/dorms/me"))
    assert me["room"]["room_no"] == "301" and me["room"]["occupied"] == 2
    assert me["room"]["roommates"] == [{"hometown": "重庆", "workshop": "包漆车间", "shift": "白班"}]
    titles = [n["title"] for n in body(chen.get("/dorms/me/notices"))["items"]]
    assert titles == ["已办理入住", "宿舍申请已通过"]
    free = body(chen.get(f"/dorms/buildings/{dorm.building_id}/free-beds?limit=100"))["items"]
    assert ("301", 2) not in {(b["room_no"], b["bed_no"]) for b in free}

    stats = body(dorm.union.get(f"/dorms/occupancy?org={SANXING}"))
    assert stats["beds_occupied"] == 2 and stats["rooms_occupied"] == 1 and stats["rooms"] == 4
    assert stats["checked_in_sampled"] == 1 and stats["median_hours_to_check_in"] < 1
    district = body(dorm.union.get("/dorms/occupancy"))  # 南浔区总工会 sees its enterprises' dorms
    assert [b["name"] for b in district["buildings"]] == ["工匠之家"] and district["within_24h_rate"] == 1.0


def test_given_no_auto_rule_when_a_worker_applies_then_the_union_admin_approves_from_the_pending_queue(
        dorm, login, pump):
    li = worker_with_profile(login, "li-wei", hometown="安徽", workshop="装配车间", share=False)
    applied = body(li.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302", "bed_no": 1}))
    pump.drain()
    queue = body(dorm.union.get("/dorms/applications?status=pending"))["items"]
    assert [a["application_id"] for a in queue] == [applied["application_id"]]
    assert queue[0]["status_cn"] == "待工会审批"

    decided = dorm.union.post(f"/dorms/applications/{applied['application_id']}/decision", {"approve": True})
    assert decided.status_code == 200 and body(decided)["status"] == "approved"
    assert body(dorm.union.get("/dorms/applications?status=pending"))["items"] == []
    checked = dorm.admin.post(f"/dorms/applications/{applied['application_id']}/check-in", {})
    assert checked.status_code == 200 and body(checked)["status"] == "checked_in"
    room = body(li.get(f"/dorms/buildings/{dorm.building_id}/rooms/302"))
    assert room["occupied"] == 1
    assert room["roommates"] == [{"hometown": None, "workshop": None, "shift": None}]  # he chose to share nothing


def test_a_rejection_frees_the_bed_and_tells_the_worker_why(dorm, login, pump):
    li = worker_with_profile(login, "li-wei")
    applied = body(li.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "303", "bed_no": 1}))
    pump.drain()
    rejected = dorm.union.post(f"/dorms/applications/{applied['application_id']}/decision",
                               {"approve": False, "reason": "本房间预留给夜班班组"})
    assert rejected.status_code == 200 and body(rejected)["status"] == "rejected"
    pump.drain()
    assert body(li.get("/dorms/me")) == {"application": None, "room": None}
    notices = body(li.get("/dorms/me/notices"))["items"]
    assert notices[0]["title"] == "宿舍申请未通过" and "夜班班组" in notices[0]["body"]
    again = li.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "303", "bed_no": 1})
    assert again.status_code == 201  # the bed is free again and he may apply anew


def test_check_out_and_move_free_and_take_beds_in_one_step(dorm, login, pump):
    assert dorm.admin.put("/dorms/rules", {"org_path": SANXING, "auto_approve_new_hire_days": 30}).status_code == 200
    chen = worker_with_profile(login, "chen-hongxin", entry_date=clock.today_shanghai().isoformat())
    chen.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "302", "bed_no": 2})
    pump.drain()
    assert chen.post("/dorms/me/check-in", {}).status_code == 200

    moved = dorm.admin.post(f"/dorms/buildings/{dorm.building_id}/rooms/302/beds/2/move", {"to_room_no": "301"})
    assert moved.status_code == 200, moved.body
    assert body(moved)["room_no"] == "301" and body(moved)["occupied"] == 2
    assert body(chen.get("/dorms/me"))["application"]["room_no"] == "301"
    assert body(chen.get(f"/dorms/buildings/{dorm.building_id}/rooms/302"))["occupied"] == 0

    out = dorm.admin.post(f"/dorms/buildings/{dorm.building_id}/rooms/301/beds/2/check-out")
    assert out.status_code == 200 and body(out)["occupied"] == 1
    assert body(chen.get("/dorms/me")) == {"application": None, "room": None}
    trail = body(chen.get(f"/dorms/applications/{body(moved)['building_id'] and _app_id(chen, dorm)}"))
    assert [s["step"] for s in trail["steps"]] == ["submitted", "approved", "checked_in", "moved", "checked_out"]


def _app_id(worker, dorm):
    pending = body(dorm.admin.get("/dorms/applications?status=checked_out"))["items"]
    return pending[0]["application_id"]


def test_an_unconfirmed_hold_is_released_by_the_schedule(dorm, login, pump):
    li = worker_with_profile(login, "li-wei")
    li.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "303", "bed_no": 2})
    pump.drain()
    pump.run_schedule("dorms_events_dorm_apply_release_expired_holds")
    assert body(li.get("/dorms/me"))["application"]["status"] == "pending"  # not yet due
    try:
        from datetime import timedelta

        clock.travel(timedelta(hours=25))
        pump.run_schedule("dorms_events_dorm_apply_release_expired_holds")
    finally:
        clock.reset()
    pump.drain()
    assert body(li.get("/dorms/me")) == {"application": None, "room": None}
    assert body(li.get("/dorms/me/notices"))["items"][0]["title"] == "宿舍床位保留已过期"
    free = body(li.get(f"/dorms/buildings/{dorm.building_id}/free-beds?limit=100"))["items"]
    assert ("303", 2) in {(b["room_no"], b["bed_no"]) for b in free}


def test_a_wechat_worker_is_pushed_each_step_through_the_mini_program(fakes, aws, api, dorm, login, pump):
    """The notify queue's Lambda records the in-app notice and sends a WeChat subscribe message."""
    import json

    from chalicelib.accounts.logic import assign_org

    def wechat_login(openid: str) -> dict:
        r = api.post("/auth/wechat", headers={"Content-Type": "application/json"},
                     body=json.dumps({"code": fakes.wechat_login_code(openid)}))
        assert r.status_code == 200, r.body
        return body(r)

    assign_org(wechat_login("openid-chenhongxin")["account"]["user_id"], SANXING)
    tokens = wechat_login("openid-chenhongxin")  # a fresh token carries his enterprise
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Content-Type": "application/json"}
    assert api.put("/dorms/profile", headers=headers, body=json.dumps({"gender": "male"})).status_code == 200
    applied = api.post("/dorms/applications", headers=headers,
                       body=json.dumps({"building_id": dorm.building_id, "room_no": "302"}))
    assert applied.status_code == 201, applied.body
    pump.drain()
    sent = [m for m in fakes.sent_messages if m["recipient"] == "openid-chenhongxin"]
    assert [m["template_id"] for m in sent] == ["dorm_submitted"]
    assert "等待工会审批" in json.dumps(sent[0], ensure_ascii=False)


def test_an_application_whose_queue_message_was_lost_is_completed_by_the_schedule(dorm, login, pump):
    from datetime import timedelta

    from chalicelib.dorms.events import APPLY_QUEUE
    from chalicelib.platform.aws import client
    from chalicelib.platform.queues import queue_url

    li = worker_with_profile(login, "li-wei")
    li.post("/dorms/applications", {"building_id": dorm.building_id, "room_no": "303", "bed_no": 1})
    client("sqs").purge_queue(QueueUrl=queue_url(APPLY_QUEUE.name))  # the message is lost
    pump.drain()
    assert body(li.get("/dorms/me"))["application"]["status"] == "submitted"
    clock.travel(timedelta(minutes=6))
    try:
        result = pump.run_schedule("dorms_events_dorm_apply_release_expired_holds")
    finally:
        clock.reset()
    assert result == {"released": 0, "completed_late": 1}
    assert body(li.get("/dorms/me"))["application"]["status"] == "pending"
