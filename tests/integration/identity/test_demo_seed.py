"""The local stack's demo: 西湖区 reports 2,600 verified and 1,447 active members, and a new
user can walk 王小丽's journey through the API with the demo's ID number."""
from __future__ import annotations

from local.demo import accounts as demo_accounts
from local.demo import identity as demo_identity
from tests.conftest import body


def test_the_demo_reports_the_articles_figures_and_a_new_user_can_walk_the_journey(fakes, login, pump, monkeypatch):
    """The seed loads the article's 2,600 / 1,447 (the local stack shows them); here a tenth
    of them, to keep the suite fast — the figures must match whatever was loaded."""
    assert (demo_identity.VERIFIED, demo_identity.ACTIVE) == (2600, 1447)
    monkeypatch.setattr(demo_identity, "VERIFIED", 260)
    monkeypatch.setattr(demo_identity, "ACTIVE", 145)
    monkeypatch.setattr(demo_identity, "IN_BACKGROUND", False)
    demo_accounts.seed()
    demo_identity.seed()
    pump.drain()

    admin = login("union_admin", user_id="demo-xihu-admin", org_path="zj/hz/xihu")
    today = body(admin.get("/identity/figures?days=1"))["days"][0]
    assert (today["registered"], today["face_verified"], today["member_verified"], today["active"]) == \
        (260, 260, 260, 145)
    imports = body(admin.get("/identity/rosters?org=zj/hz/xihu/e-lightyear"))["items"]
    assert [(i["status"], i["rows_accepted"], i["rows_rejected"]) for i in imports] == [("completed", 2, 1)]

    # demo-worker is 陈宏鑫 of 三行电气 (南浔) here as in the dorm, canteen and aid demos: an active member
    chen = body(login("worker", user_id="demo-worker").get("/identity/me"))
    assert (chen["state"], chen["active"], chen["org_path"]) == ("active", True, demo_identity.SANXING)
    assert chen["name_masked"].startswith("陈")

    wang = login("worker", user_id="demo-xiaowang", org_path="zj/hz/xihu")
    started = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": demo_identity.WANG_ID}))
    fakes.complete_certify(started["certify_id"])
    wang.post("/identity/face/callback", {"certify_id": started["certify_id"], "result_code": "9000"})
    pump.drain()
    assert body(wang.post("/identity/pledge", {"version": "2026.1", "agree": True}))["state"] == "active"
    pump.run_schedule("identity_events_roll_up_figures")
    assert body(admin.get("/identity/figures?days=1"))["days"][0]["active"] == 146
