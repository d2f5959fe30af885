"""Tier definitions are data: province and city union staff change thresholds and unlocks
(a new version each time, the history kept), members' tiers follow at once; a district, a
node outside one's scope, a stale version or disordered thresholds change nothing."""
from __future__ import annotations

from chalicelib.platform.events import DomainEvent
from chalicelib.tiers import logic
from chalicelib.tiers.models import TierConfig
from tests.conftest import body
from tests.integration.tiers.conftest import me

TIERS = [{"name": "新星", "min_points": 0}, {"name": "亮星", "min_points": 20, "extra_first_messages": 3,
                                             "see_who_liked": True}]


def _profile_completed(user_id: str, org: str) -> None:
    logic.count_event("ProfileUpdated", DomainEvent(data={"user_id": user_id}, org=org))


def test_a_city_lowers_its_thresholds_and_its_members_follow_at_once(member, login):
    wang = member("xiaowang")                                    # 西湖区, 杭州市
    _profile_completed("xiaowang", "zj/hz/xihu")
    assert me(wang)["tier"]["name"] == "新星" and me(wang)["points"] == 25
    city = login("union_admin", user_id="hz-admin", org_path="zj/hz", name="杭州市总工会 李老师")
    saved = city.put("/tiers/config", {"org_path": "zj/hz", "based_on_version": 0, "tiers": TIERS,
                                       "note": "杭州试点：降低门槛"})
    assert saved.status_code == 200 and body(saved)["version"] == 1
    mine = me(wang)
    assert mine["tier"]["name"] == "亮星" and mine["next_tier"] is None and mine["progress_percent"] == 100
    assert mine["tier"]["unlocks"] == ["每天多 3 次主动打招呼", "查看谁对我心动", "热门活动提前报名（活动要求 1 级及以下）"]
    again = city.put("/tiers/config", {"org_path": "zj/hz", "based_on_version": 1,
                                       "tiers": [TIERS[0], {**TIERS[1], "min_points": 30}]})
    assert body(again)["version"] == 2 and me(wang)["tier"]["name"] == "新星"
    # the province's (default) definitions still hold elsewhere; the city's history is kept, newest first
    assert body(city.get("/tiers/config?org=zj"))["version"] == 0
    page = body(city.get("/tiers/config/history?org=zj/hz&limit=1"))
    assert [i["version"] for i in page["items"]] == [2]
    older = body(city.get(f"/tiers/config/history?org=zj/hz&limit=1&cursor={page['next_cursor']}"))
    assert [(i["version"], i["note"], i["changed_by_name"]) for i in older["items"]] == \
        [(1, "杭州试点：降低门槛", "杭州市总工会 李老师")]


def test_refused_changes_change_nothing(login):
    district = login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu")
    city = login("union_admin", user_id="hz-admin", org_path="zj/hz")
    ok = {"org_path": "zj/hz", "based_on_version": 0, "tiers": TIERS}
    cases = [
        (district, {**ok, "org_path": "zj/hz/xihu"}, 422, "TIER_CONFIG_LEVEL"),
        (district, ok, 404, "ORG_NOT_FOUND"),
        (city, {**ok, "org_path": "zj/nb"}, 404, "ORG_NOT_FOUND"),
        (city, {**ok, "based_on_version": 3}, 409, "TIER_CONFIG_CHANGED"),
        (city, {**ok, "tiers": [TIERS[1], TIERS[0]]}, 422, "VALIDATION_FAILED"),
        (city, {**ok, "tiers": [TIERS[0], {**TIERS[1], "name": "新星"}]}, 422, "VALIDATION_FAILED"),
        (city, {**ok, "tiers": TIERS[:1]}, 422, "VALIDATION_FAILED"),
    ]
    for who, request, status, code in cases:
        refused = who.put("/tiers/config", request)
        assert (refused.status_code, body(refused)["code"]) == (status, code), request
        assert body(refused)["message"]
    assert list(TierConfig.scan()) == []
    worker = login("worker", user_id="w-1", org_path="zj/hz/xihu")
    assert worker.put("/tiers/config", ok).status_code == 403
