"""Done when (the tier part): on the local stack the demo member 阿鑫 posts, 婷婷 likes it, he
reaches 亮星 and sees what it unlocked — who liked him and more first messages a day."""
from __future__ import annotations

from tests.conftest import body
from tests.integration.profiles.helpers import member
from tests.integration.tiers.conftest import me

NANXUN_ENTERPRISE = "zj/huz/nanxun/e-sanxing"


def test_the_demo_member_reaches_the_next_tier_and_sees_what_it_unlocked(login, pump):
    from local.demo import accounts, tiers

    accounts.seed()
    axin = member(login, pump, "demo-worker", org=NANXUN_ENTERPRISE, gender="male", nickname="阿鑫", city="huz",
                  district="nanxun", seeking={"gender": "female", "age_min": 20, "age_max": 35, "cities": [],
                                              "must_have": [], "nice_to_have": []})
    ting = member(login, pump, "demo-tingting", org="zj/hz/xihu/e-guangnian", nickname="婷婷")
    tiers.seed()
    tiers.seed()                                          # a second start of the stack adds nothing
    pump.drain()
    before = me(axin)
    assert (before["points"], before["tier"]["name"], before["points_to_next"]) == (99, "新星", 1)
    assert axin.get("/profiles/me/liked-by").status_code == 403
    quota = body(axin.get("/messaging/quota"))["daily_first_contacts"]

    post = body(axin.post("/social/posts", {"text": "周末去南浔古镇走走，有人一起吗"}))["post_id"]
    assert ting.put(f"/social/posts/{post}/like").status_code == 200
    pump.drain()

    after = me(axin)
    assert (after["points"], after["tier"]["name"]) == (101, "亮星")
    assert "查看谁对我心动" in after["tier"]["unlocks"]
    assert [i["nickname"] for i in body(axin.get("/profiles/me/liked-by"))["items"]] == ["婷婷"]
    assert body(axin.get("/messaging/quota"))["daily_first_contacts"] == quota + 5
