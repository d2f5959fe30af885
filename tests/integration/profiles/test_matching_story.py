"""智能匹配: the nightly job recommends members both sides would like, with a reason the member
can read; a profile change updates recommendations without waiting for the night; 互相心动."""
from __future__ import annotations

from tests.conftest import body
from tests.integration.profiles.helpers import member

HER = {"gender": "male", "age_min": 25, "age_max": 38, "cities": ["hz"], "must_have": [], "nice_to_have": ["hiking"]}


def him(**seeking):
    return {"gender": "female", "age_min": 22, "age_max": 36, "cities": ["hz"], **seeking}


def test_when_the_nightly_job_runs_then_each_member_gets_two_sided_recommendations_with_reasons(login, pump):
    xiaowang = member(login, pump, "w-xiaowang", hobbies=["reading", "photography"], sports=["hiking", "badminton"],
                      seeking=HER, drain=False)
    member(login, pump, "w-hiker", gender="male", birth_year=1993, hobbies=["tea"], sports=["hiking", "badminton"],
           seeking=him(), drain=False)
    member(login, pump, "w-gamer", gender="male", birth_year=1993, hobbies=["gaming"], sports=["basketball"],
           seeking=him(), drain=False)
    member(login, pump, "w-picky", gender="male", birth_year=1993, hobbies=["reading"], sports=["hiking"],
           seeking=him(must_have=["skiing"]), drain=False)        # she does not ski: never recommended
    member(login, pump, "w-too-old", gender="male", birth_year=1975, sports=["hiking", "badminton"],
           seeking=him(age_max=55), drain=False)
    pump.drain()
    pump.run_schedule("profiles_events_nightly_matching")

    recs = body(xiaowang.get("/profiles/me/recommendations"))["items"]
    assert [r["card"]["user_id"] for r in recs] == ["w-hiker", "w-gamer"]
    assert recs[0]["reason"] == "你们都喜欢徒步和羽毛球"
    assert recs[0]["score"] > recs[1]["score"] > 0
    assert body(xiaowang.get("/profiles/members/w-hiker"))["match_reason"] == "你们都喜欢徒步和羽毛球"
    by_score = body(xiaowang.get("/profiles/browse?order=score"))
    assert [c["user_id"] for c in by_score["items"]] == ["w-hiker", "w-gamer"]


def test_when_a_member_changes_their_profile_then_recommendations_follow_without_waiting_for_the_night(
        login, pump):
    xiaowang = member(login, pump, "w-xiaowang", hobbies=["reading"], sports=["hiking"], seeking=HER)
    gamer = member(login, pump, "w-gamer", gender="male", birth_year=1993, hobbies=["gaming"],
                   sports=["basketball"], seeking=him())
    first = body(xiaowang.get("/profiles/me/recommendations"))["items"]
    assert [(r["card"]["user_id"], r["reason"]) for r in first] == [("w-gamer", "年龄、城市都在彼此的期待之内")]

    from tests.integration.profiles.helpers import profile

    gamer.put("/profiles/me", profile(nickname="阿杰", gender="male", birth_year=1993, hobbies=["reading"],
                                      sports=["hiking"], seeking=him()))
    pump.drain()
    updated = body(xiaowang.get("/profiles/me/recommendations"))["items"]
    assert updated[0]["card"]["user_id"] == "w-gamer" and updated[0]["reason"] == "你们都喜欢徒步和阅读"
    assert updated[0]["score"] > first[0]["score"]

    gamer.patch("/profiles/me/privacy", {"paused": True})
    pump.drain()
    assert body(xiaowang.get("/profiles/me/recommendations"))["items"] == []


def test_when_both_like_each_other_then_it_is_mutual(login, pump):
    xiaowang = member(login, pump, "w-xiaowang", seeking=HER, drain=False)
    aqiang = member(login, pump, "w-aqiang", gender="male", birth_year=1992, seeking=him(), drain=False)
    pump.drain()
    first = xiaowang.post("/profiles/members/w-aqiang/like")
    assert first.status_code == 200 and body(first)["mutual"] is False
    again = xiaowang.post("/profiles/members/w-aqiang/like")
    assert body(again)["mutual"] is False
    back = aqiang.post("/profiles/members/w-xiaowang/like")
    assert body(back) == {"mutual": True, "message": "互相心动！你们可以开始聊天了"}
    xiaowang.post("/profiles/members/w-aqiang/like")                    # liking again tells nobody twice
    pump.drain()
    for who in (xiaowang, aqiang):                                      # both hear it in their one inbox
        assert [i["title"] for i in body(who.get("/inbox?kind=profiles"))["items"]] == ["互相心动"]
    assert xiaowang.post("/profiles/members/nobody/like").status_code == 404
