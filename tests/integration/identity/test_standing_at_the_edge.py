"""The caller's standing, checked at the edge on every request: a ban or suspension ends the
person's sessions at once (access tokens, refresh families, new logins), 光年间 member routes
admit only active members, and a token from before verification acts in the organisation the
person has now."""
from __future__ import annotations

import json

from chalicelib.identity import logic
from tests.conftest import body
from tests.integration.identity.conftest import LIGHTYEAR, XIHU
from tests.integration.identity.test_journey import _active_member
from tests.integration.profiles.helpers import jpeg_with_gps, profile
from tests.integration.profiles.test_photos_story import upload
from tests.integration.social.conftest import member  # noqa: F401  (shared fixture)


def _post(api, path, payload):
    return api.post(path, headers={"Content-Type": "application/json"}, body=json.dumps(payload))


def test_a_ban_ends_every_session_of_the_member_at_once(fakes, api, login, orgs, pump, upload_roster):
    """Given 王小丽, an active member with a live access token and refresh token, when the
    district union bans her, then her access token is refused on member routes and everywhere
    else, her refresh token is revoked, and a new login is refused with ACCOUNT_BANNED."""
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang = _active_member(fakes, login, pump, upload_roster, admin)
    assert wang.get(f"/profiles/members/{admin.user_id}").status_code == 404  # admitted: nobody there
    refresh_token = wang.tokens["refresh_token"]

    assert admin.post(f"/identity/members/{wang.user_id}/ban", {"reason": "核实为婚托"}).status_code == 200

    for path in ("/profiles/browse", f"/profiles/members/{admin.user_id}", "/me", "/identity/me"):
        refused = wang.get(path)
        assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_BANNED", (path, refused.body)
        assert body(refused)["message"]
    refreshed = _post(api, "/auth/refresh", {"refresh_token": refresh_token})
    assert refreshed.status_code == 401 and body(refreshed)["code"] == "REFRESH_REVOKED"
    relogin = _post(api, "/dev/login", {"role": "worker", "user_id": wang.user_id})
    assert relogin.status_code == 403 and body(relogin)["code"] == "ACCOUNT_BANNED"
    assert logic.member_status_required(wang.user_id).state == "banned"  # nothing else changed

    platform = login("platform_admin", user_id="root", org_path="zj")
    assert platform.post(f"/identity/members/{wang.user_id}/reinstate", {"reason": "申诉成立"}).status_code == 200
    assert _post(api, "/dev/login", {"role": "worker", "user_id": wang.user_id}).status_code == 200
    still = _post(api, "/auth/refresh", {"refresh_token": refresh_token})
    assert still.status_code == 401 and body(still)["code"] == "REFRESH_REVOKED"  # the old family stays dead


def test_a_suspension_refuses_the_member_with_its_own_code(fakes, api, login, orgs, pump, upload_roster):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang = _active_member(fakes, login, pump, upload_roster, admin)
    assert admin.post(f"/identity/members/{wang.user_id}/suspend", {"reason": "核查中"}).status_code == 200
    refused = wang.get("/profiles/browse")
    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_SUSPENDED"
    relogin = _post(api, "/dev/login", {"role": "worker", "user_id": wang.user_id})
    assert relogin.status_code == 403 and body(relogin)["code"] == "ACCOUNT_SUSPENDED"


def test_member_routes_refuse_a_worker_who_is_not_an_active_member(fakes, login, orgs, pump, upload_roster):
    """A WeChat login makes an account by itself: until verified and pledged it is no member."""
    stranger = login("worker", user_id="w-stranger", org_path=XIHU)
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang = _active_member(fakes, login, pump, upload_roster, admin)
    for path in ("/profiles/browse", f"/profiles/members/{wang.user_id}", f"/social/members/{wang.user_id}/posts"):
        refused = stranger.get(path)
        assert refused.status_code == 403 and body(refused)["code"] == "MEMBER_NOT_ACTIVE", (path, refused.body)
    liked = stranger.post(f"/profiles/members/{wang.user_id}/like")
    assert liked.status_code == 403 and body(liked)["code"] == "MEMBER_NOT_ACTIVE"
    assert stranger.get("/identity/pledge").status_code == 200   # reference content stays readable


def test_a_token_from_before_verification_acts_in_the_members_enterprise(fakes, login, orgs, pump, upload_roster):
    """Given 王小丽 logged in before her union confirmed her (her token names no enterprise of
    hers), when she saves her profile and uploads a photo with that token, then the profile shows
    her employer and the photo reaches her enterprise union's reviewer."""
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang = _active_member(fakes, login, pump, upload_roster, admin)
    assert wang.org_path != LIGHTYEAR   # the token's organisation is stale

    saved = wang.put("/profiles/me", profile())
    assert saved.status_code == 200, saved.body
    assert body(saved)["enterprise_name"] == "杭州光年科技有限公司工会"
    photo_id = upload(wang, jpeg_with_gps())
    pump.drain()
    reviewer = login("union_admin", user_id="lightyear-reviewer", org_path=LIGHTYEAR)
    queue = body(reviewer.get("/profiles/review/photos"))["items"]
    assert [(p["user_id"], p["photo_id"], p["org_path"]) for p in queue] == [(wang.user_id, photo_id, LIGHTYEAR)]
    refreshed = _post(wang.http, "/auth/refresh", {"refresh_token": wang.tokens["refresh_token"]})
    assert body(refreshed)["account"]["org_path"] == LIGHTYEAR   # the next token names it too


def test_a_moderation_ban_ends_the_members_sessions_too(api, member, pump, login):  # noqa: F811
    """Given 小王 reported by 小李, when 西湖区 staff ban him from the report, then his access
    token stops working at once (not after 15 minutes), his refresh token is revoked and he
    cannot log in again; lifting the sanction lets him log in again."""
    wang = member("xiaowang")
    li = member("xiaoli")
    report_id = body(li.post("/social/reports", {"kind": "member", "target_id": "xiaowang",
                                                 "reason_code": "harassment"}))["report_id"]
    staff = login("union_admin", user_id="xihu-staff", org_path="zj/hz/xihu")
    acted = staff.post(f"/social/moderation/reports/{report_id}/actions", {"action": "ban", "reason": "骚扰他人"})
    assert acted.status_code == 200, acted.body

    refused = wang.get("/social/feed")
    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_BANNED"
    assert wang.get(f"/profiles/members/{li.user_id}").status_code == 403
    revoked = _post(api, "/auth/refresh", {"refresh_token": wang.tokens["refresh_token"]})
    assert revoked.status_code == 401 and body(revoked)["code"] == "REFRESH_REVOKED"
    relogin = _post(api, "/dev/login", {"role": "worker", "user_id": "xiaowang"})
    assert relogin.status_code == 403 and body(relogin)["code"] == "ACCOUNT_BANNED"

    lifted = staff.post("/social/moderation/members/xiaowang/lift", {"reason": "误封"})
    assert lifted.status_code == 200, lifted.body
    assert _post(api, "/dev/login", {"role": "worker", "user_id": "xiaowang"}).status_code == 200
