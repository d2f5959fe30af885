"""What a tier unlocks takes effect in the features that own it: more first messages a day
(messaging), seeing who liked you (profiles), earlier sign-up for a popular activity (bookings)."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.bookings.models import BookingEntry
from chalicelib.platform import clock
from chalicelib.platform.events import DomainEvent
from chalicelib.tiers import logic
from tests.conftest import body
from tests.integration.bookings.conftest import XIHU, shanghai, worker
from tests.integration.bookings.test_activity_signup import activity_body, publish_activity
from tests.integration.profiles.helpers import member as profile_member


def _reach_next_tier(login, user_id: str) -> None:
    city = login("union_admin", user_id="hz-admin", org_path="zj/hz")
    assert city.put("/tiers/config", {"org_path": "zj/hz", "based_on_version": 0, "tiers": [
        {"name": "新星", "min_points": 0},
        {"name": "亮星", "min_points": 20, "extra_first_messages": 4, "see_who_liked": True}]}).status_code == 200
    logic.count_event("ProfileUpdated", DomainEvent(data={"user_id": user_id}, org=XIHU))


def test_more_first_messages_and_who_liked_me(login, pump):
    ting = profile_member(login, pump, "tingting", org=f"{XIHU}/e-ant")
    fans = [profile_member(login, pump, f"fan-{n}", org=f"{XIHU}/e-shop", gender="male", nickname=f"阿{n}",
                           drain=False) for n in range(2)]
    pump.drain()
    for fan in fans:
        assert fan.post("/profiles/members/tingting/like").status_code == 200
    before = body(ting.get("/messaging/quota"))["daily_first_contacts"]
    refused = ting.get("/profiles/me/liked-by")
    assert refused.status_code == 403 and body(refused)["code"] == "TIER_REQUIRED"

    _reach_next_tier(login, "tingting")
    assert body(ting.get("/messaging/quota"))["daily_first_contacts"] == before + 4
    likers = body(ting.get("/profiles/me/liked-by"))["items"]
    assert sorted(i["nickname"] for i in likers) == ["阿0", "阿1"]
    assert all(i["liked_at"].endswith("Z") for i in likers)


def test_early_sign_up_for_a_popular_activity(login, aws):
    xihu = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    opens = clock.now() + timedelta(hours=12)
    _, session = publish_activity(xihu, activity_body(XIHU, kind="reading", capacity=5, signup_opens_at=shanghai(opens),
                                                      early_access_tier=1, early_access_hours=24))
    regular = worker(login, "regular", org=XIHU, glnj=True)
    star = worker(login, "star", org=XIHU, glnj=True)
    _reach_next_tier(login, "star")
    refused = regular.post(f"/bookings/sessions/{session}/signups", {})
    assert (refused.status_code, body(refused)["code"]) == (409, "BOOKING_SIGNUP_NOT_OPEN")
    assert list(BookingEntry.by_user.query("regular")) == []
    assert star.post(f"/bookings/sessions/{session}/signups", {}).status_code == 201
    bad = xihu.post("/bookings/activities", activity_body(XIHU, early_access_tier=1))
    assert bad.status_code == 422
