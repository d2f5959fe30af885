"""光年间 browsing: only verified members appear; filters by hobby, sport, age and place;
pages through with cursors that cannot be tampered with; blocked pairs, paused profiles and
colleagues who asked to hide never appear; bad input gets a clear 4xx and stores nothing."""
from __future__ import annotations

import pytest

from chalicelib.platform.events import publish
from tests.conftest import body
from tests.integration.profiles.helpers import XIHU, activate, ids, member, profile

MALE_SEEKER = {"gender": "female", "age_min": 22, "age_max": 36, "cities": ["hz"]}


@pytest.fixture
def viewer(login, pump):
    """阿强, a verified member at 三行电气 looking for women in Hangzhou."""
    return member(login, pump, "w-aqiang", org="zj/huz/nanxun/e-sanxing", gender="male", nickname="阿强",
                  birth_year=1992, hobbies=["reading"], sports=["running"], seeking=MALE_SEEKER)


def test_given_a_member_not_yet_verified_when_others_browse_then_she_only_appears_after_activation(
        login, pump, viewer):
    xiaowang = member(login, pump, "w-xiaowang", activated=False)
    assert body(xiaowang.get("/profiles/me"))["visible"] is False
    assert "认证" in body(xiaowang.get("/profiles/me"))["visibility_text"]
    assert "GET /identity/me" in body(xiaowang.get("/profiles/me"))["next_step"]  # what she waits for, and where
    assert ids(viewer.get("/profiles/browse")) == []

    activate("w-xiaowang")
    pump.drain()
    assert "1–2 秒" in body(xiaowang.get("/profiles/me"))["next_step"]  # others see her after the background index
    assert ids(viewer.get("/profiles/browse")) == ["w-xiaowang"]
    assert viewer.get("/profiles/members/w-xiaowang").status_code == 200

    activate("w-xiaowang", active=False)
    pump.drain()
    assert ids(viewer.get("/profiles/browse")) == []
    assert viewer.get("/profiles/members/w-xiaowang").status_code == 404


def test_given_an_old_activation_redelivered_after_deactivation_then_the_member_stays_hidden(login, pump, viewer):
    member(login, pump, "w-late")
    from chalicelib.profiles import logic

    logic.set_membership("w-late", False, "2099-01-01T00:00:00.000Z")
    assert logic.set_membership("w-late", True, "2098-01-01T00:00:00.000Z") is False  # older: ignored
    pump.drain()
    assert ids(viewer.get("/profiles/browse")) == []


def test_when_filtering_by_hobbies_and_sports_then_any_of_and_all_of_are_honoured(login, pump, viewer):
    member(login, pump, "w-hiker", hobbies=["reading"], sports=["hiking"])
    member(login, pump, "w-both", hobbies=["tea"], sports=["hiking", "badminton"])
    member(login, pump, "w-tea", hobbies=["tea"], sports=["yoga"])

    any_of = viewer.get("/profiles/browse?sports=hiking,badminton&match=any")
    assert sorted(ids(any_of)) == ["w-both", "w-hiker"]          # w-both once, though in two lists
    all_of = viewer.get("/profiles/browse?sports=hiking,badminton&match=all")
    assert ids(all_of) == ["w-both"]
    mixed = viewer.get("/profiles/browse?hobbies=tea&sports=yoga&match=all")
    assert ids(mixed) == ["w-tea"]
    card = body(any_of)["items"][0]
    assert "徒步" in card["interest_names"] and card["city_name"] == "杭州"


def test_when_filtering_by_age_city_and_district_then_only_those_members_come_back(login, pump, viewer):
    member(login, pump, "w-young", birth_year=2003)               # 23
    member(login, pump, "w-binjiang", district="binjiang", birth_year=1996)
    member(login, pump, "w-ningbo", city="nb", district="yinzhou", birth_year=1996)
    member(login, pump, "w-man", gender="male", birth_year=1996)

    assert ids(viewer.get("/profiles/browse?age_min=20&age_max=25")) == ["w-young"]
    assert ids(viewer.get("/profiles/browse?city=hz&district=binjiang")) == ["w-binjiang"]
    assert ids(viewer.get("/profiles/browse?city=nb")) == ["w-ningbo"]
    province = set(ids(viewer.get("/profiles/browse?age_min=22&age_max=40")))
    assert province == {"w-young", "w-binjiang", "w-ningbo"}       # his seeking: women only
    assert ids(viewer.get("/profiles/browse?gender=male&age_min=22&age_max=40")) == ["w-man"]


def test_when_paging_then_every_member_appears_once_newest_first_and_reads_stay_within_twice_the_page(
        login, pump, viewer, aws_calls):
    for i in range(21):
        member(login, pump, f"w-p{i:02d}", birth_year=1990 + i % 10, sports=["hiking"] if i % 2 else ["yoga"],
               drain=False)
    pump.drain()
    seen: list[str] = []
    cursor = None
    while True:
        query = "/profiles/browse?limit=10&age_min=22&age_max=36" + (f"&cursor={cursor}" if cursor else "")
        aws_calls.clear()
        page = body(viewer.get(query))
        index_reads = sum(c.items_read for c in aws_calls.for_work("http:") if c.table and
                          c.table.endswith("profile-browse"))
        assert index_reads <= 20 and "stats" not in page  # read counters stay internal
        seen += [c["user_id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 21
    assert seen[0] == "w-p20" and seen[-1] == "w-p00"            # most recently active first


def test_given_a_cursor_that_was_tampered_with_or_reused_for_another_query_then_400(login, pump, viewer):
    for i in range(11):
        member(login, pump, f"w-c{i}", drain=False)
    pump.drain()
    first = body(viewer.get("/profiles/browse?limit=10"))
    assert first["next_cursor"]
    tampered = first["next_cursor"][:-4] + ("AAAA" if not first["next_cursor"].endswith("AAAA") else "BBBB")
    refused = viewer.get(f"/profiles/browse?limit=10&cursor={tampered}")
    assert refused.status_code == 400 and body(refused)["code"] == "INVALID_CURSOR"
    other_query = viewer.get(f"/profiles/browse?limit=10&city=nb&cursor={first['next_cursor']}")
    assert other_query.status_code == 400 and body(other_query)["code"] == "INVALID_CURSOR"
    second = viewer.get(f"/profiles/browse?limit=10&cursor={first['next_cursor']}")
    assert second.status_code == 200 and len(body(second)["items"]) == 1


def test_given_a_paused_profile_then_it_disappears_until_resumed(login, pump, viewer):
    xiaowang = member(login, pump, "w-xiaowang")
    xiaowang.patch("/profiles/me/privacy", {"paused": True})
    pump.drain()
    assert ids(viewer.get("/profiles/browse")) == []
    assert viewer.get("/profiles/members/w-xiaowang").status_code == 404
    assert body(xiaowang.get("/profiles/me"))["visibility_text"] == "你已暂停展示资料"
    xiaowang.patch("/profiles/me/privacy", {"paused": False})
    pump.drain()
    assert ids(viewer.get("/profiles/browse")) == ["w-xiaowang"]


def test_given_a_member_hiding_from_colleagues_then_only_her_colleagues_stop_seeing_her(login, pump, viewer):
    colleague = member(login, pump, "w-colleague", org="zj/huz/nanxun/e-sanxing", gender="male",
                       birth_year=1993, seeking=MALE_SEEKER)
    shy = member(login, pump, "w-shy", org="zj/huz/nanxun/e-sanxing")
    assert ids(colleague.get("/profiles/browse")) == ["w-shy"]
    shy.patch("/profiles/me/privacy", {"hide_from_colleagues": True, "hide_enterprise": True})
    pump.drain()
    assert ids(colleague.get("/profiles/browse")) == []
    assert colleague.get("/profiles/members/w-shy").status_code == 404
    outsider = member(login, pump, "w-outsider", org=f"{XIHU}/e-ant", gender="male", birth_year=1993,
                      seeking=MALE_SEEKER)
    assert ids(outsider.get("/profiles/browse")) == ["w-shy"]
    assert body(outsider.get("/profiles/members/w-shy"))["enterprise_name"] is None

    # and a viewer may ask not to see colleagues at all
    member(login, pump, "w-open", org="zj/huz/nanxun/e-sanxing")
    assert "w-open" in ids(viewer.get("/profiles/browse"))
    assert "w-open" not in ids(viewer.get("/profiles/browse?hide_colleagues=true"))


def test_given_a_blocked_pair_then_neither_sees_the_other(login, pump, viewer):
    xiaowang = member(login, pump, "w-xiaowang", seeking={"gender": "male", "age_min": 25, "age_max": 40})
    member(login, pump, "w-other")
    assert "w-aqiang" in ids(xiaowang.get("/profiles/browse"))
    publish("social", "MemberBlocked", data={"blocker": "w-xiaowang", "blocked": "w-aqiang"})
    pump.drain()
    assert ids(viewer.get("/profiles/browse")) == ["w-other"]
    assert viewer.get("/profiles/members/w-xiaowang").status_code == 404
    assert "w-aqiang" not in ids(xiaowang.get("/profiles/browse"))


OUT_OF_RANGE = [
    ("birth_year", 1900), ("height_cm", 300), ("city", "shanghai"), ("district", "binjiang-x"),
    ("hobbies", ["unknown-hobby"]), ("education", "kindergarten"), ("nickname", ""),
    ("seeking", {"gender": "male", "age_min": 40, "age_max": 25}), ("hobbies", ["reading", "reading"]),
    ("sports", ["hiking"] * 2), ("free_tags", ["a", "b", "c", "d"]), ("intro", "长" * 501),
]
CONTACTS_AND_ABUSE = [
    ("free_tags", ["13812345678"], "TEXT_HAS_PHONE"),
    ("free_tags", ["vx:abc_12345"], "TEXT_HAS_WECHAT"),
    ("intro", "想认识我就加微信号 wxid_lucky88", "TEXT_HAS_WECHAT"),
    ("intro", "QQ 号 123456789 欢迎来聊", "TEXT_HAS_QQ"),
    ("intro", "看我主页 https://example.com/me", "TEXT_HAS_LINK"),
    ("free_tags", ["傻逼"], "TEXT_ABUSIVE"),
    ("intro", "手机 138 1234 5678 随时联系", "TEXT_HAS_PHONE"),
]


def test_given_fields_out_of_range_then_422_and_nothing_is_stored(login):
    session = login("worker", user_id="w-bad", org_path=f"{XIHU}/e-ant")
    for field, value in OUT_OF_RANGE:
        refused = session.put("/profiles/me", profile(**{field: value}))
        assert refused.status_code == 422, (field, refused.body)
        assert body(refused)["message"] and body(refused)["details"]
    assert body(session.get("/profiles/me"))["complete"] is False


def test_given_contact_details_or_abuse_in_free_text_then_422_with_a_chinese_reason(login):
    session = login("worker", user_id="w-bad", org_path=f"{XIHU}/e-ant")
    for where, text, code in CONTACTS_AND_ABUSE:
        refused = session.put("/profiles/me", profile(**{where: text}))
        assert refused.status_code == 422 and body(refused)["code"] == code, (text, refused.body)
        assert "请" in body(refused)["message"]
    assert body(session.get("/profiles/me"))["complete"] is False


def test_given_bad_browse_filters_then_a_clear_4xx(login, pump, viewer):
    assert viewer.get("/profiles/browse?hobbies=skydiving").status_code == 422
    assert viewer.get("/profiles/browse?age_min=40&age_max=25").status_code == 422
    assert viewer.get("/profiles/browse?age_min=18&age_max=60").status_code == 422
    assert viewer.get("/profiles/browse?district=xihu").status_code == 422
    assert viewer.get("/profiles/browse?limit=500").status_code == 422
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    assert admin.get("/profiles/browse").status_code == 403
