"""The local stack's demo: a new user logs in and sees 光年间 members with photos, filters by
hobby, pages through, and gets recommendations with reasons."""
from __future__ import annotations

from tests.conftest import body


def test_a_new_user_on_the_local_stack_sees_demo_members_filters_pages_and_gets_recommendations(login, pump):
    from local.demo import accounts, profiles

    accounts.seed()
    profiles.seed()
    pump.drain()
    profiles.seed()                                   # seeding twice changes nothing
    me = login("worker")                              # the dev login's default worker: 陈宏鑫 (阿鑫)
    first = body(me.get("/profiles/browse?limit=10&age_min=25&age_max=36"))
    assert len(first["items"]) >= 5 and all(c["cover_url"] for c in first["items"])
    assert {c["gender"] for c in first["items"]} == {"female"}
    badminton = body(me.get("/profiles/browse?sports=badminton"))["items"]
    assert badminton and all("羽毛球" in c["interest_names"] for c in badminton)
    small = body(me.get("/profiles/browse?limit=10&age_min=22&age_max=36&city=hz"))
    assert small["items"]
    recs = body(me.get("/profiles/me/recommendations"))["items"]
    # he lives in 南浔: his best match is 孙会计, who grew up there and looks for men in 湖州 and 杭州
    assert recs[0]["card"]["nickname"] == "孙会计" and recs[0]["reason"].startswith("你们都喜欢")
