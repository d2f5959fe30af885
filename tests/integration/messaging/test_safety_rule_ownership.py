"""风控 rules have owners. The province platform staff own the province-wide rules; a district
union adds rules for its own members; nobody else rewrites or deletes them, and every change
is kept with who made it and what the rule was before and after.

Cast: province staff (platform admin), 西湖区 and 南浔区 union staff, two 西湖 members and two
南浔 members (friends, so only the rules decide what happens to their messages)."""
from __future__ import annotations

import pytest

from tests.conftest import body
from tests.integration.social.conftest import XIHU, befriend

NANXUN = "zj/huz/nanxun"
LOTTERY = {"pattern": "中奖了.{0,10}领取", "category": "money", "action": "hold", "weight": 5,
           "description": "西湖区近期中奖诈骗话术"}


@pytest.fixture
def staff(login):
    return (login("platform_admin", user_id="province-staff", org_path="zj"),
            login("union_admin", user_id="xihu-staff", org_path=XIHU),
            login("union_admin", user_id="nanxun-staff", org_path=NANXUN))


def _rules(session):
    return {r["rule_id"]: r for r in body(session.get("/messaging/safety/rules"))["items"]}


def _history(session, rule_id):
    return session.get(f"/messaging/safety/rules/{rule_id}/history")


def _send(session, to, text, client_id):
    answer = session.post("/messaging/messages", {"to": to, "client_id": client_id, "text": text})
    assert answer.status_code == 202, answer.body
    return body(answer)


def test_a_district_cannot_rewrite_or_delete_the_province_rules_and_nothing_changes(staff):
    province, xihu, nanxun = staff
    before = _rules(province)
    assert before["invest"]["owner"] == "zj" and before["invest"]["editable"] is True
    assert _rules(nanxun)["invest"]["editable"] is False  # seen (it applies to 南浔's members), not owned

    rewrite = nanxun.put("/messaging/safety/rules/invest", {"pattern": "绝不会匹配的内容", "category": "investment",
                                                            "action": "count"})
    assert rewrite.status_code == 403 and body(rewrite)["code"] == "RULE_NOT_OWNED"
    removed = nanxun.delete("/messaging/safety/rules/gambling")
    assert removed.status_code == 403 and body(removed)["code"] == "RULE_NOT_OWNED"

    def content(rules):  # the defaults are written to the table on first use: only the rules' content counts
        return {k: {f: v for f, v in r.items() if f not in ("updated_by", "updated_at")} for k, r in rules.items()}

    assert content(_rules(province)) == content(before)
    assert body(_history(province, "invest"))["items"] == []
    assert body(xihu.post("/messaging/safety/scan", {"text": "带你去澳门赌场下注"}))["action"] == "hold"


def test_a_district_rule_applies_to_its_own_members_only_and_is_invisible_to_other_districts(staff, member, pump):
    _, xihu, nanxun = staff
    wang, li = member("xiaowang", "xiaoli")
    zhao, qian = member("xiaozhao", "xiaoqian", org=NANXUN)
    befriend(wang, li)
    befriend(zhao, qian)
    befriend(zhao, li)

    added = xihu.put("/messaging/safety/rules/xihu-lottery", LOTTERY)
    assert added.status_code == 200 and body(added)["owner"] == XIHU and body(added)["editable"] is True
    assert "xihu-lottery" not in _rules(nanxun)
    for refused in (nanxun.put("/messaging/safety/rules/xihu-lottery", {**LOTTERY, "enabled": False}),
                    nanxun.delete("/messaging/safety/rules/xihu-lottery"), _history(nanxun, "xihu-lottery")):
        assert refused.status_code == 404 and body(refused)["code"] == "RULE_NOT_FOUND"
    assert _rules(xihu)["xihu-lottery"]["enabled"] is True
    assert [c["actor"] for c in body(_history(xihu, "xihu-lottery"))["items"]] == ["xihu-staff"]

    text = "恭喜你中奖了，点这里领取"
    in_xihu = _send(wang, "xiaoli", text, "lottery-0001")
    in_nanxun = _send(zhao, "xiaoqian", text, "lottery-0002")
    nanxun_to_xihu = _send(zhao, "xiaoli", text, "lottery-0003")
    pump.drain()
    delivered_to_li = {m["message_id"] for c in (in_xihu, nanxun_to_xihu)
                       for m in body(li.get(f"/messaging/conversations/{c['conversation_id']}/messages"))["items"]}
    assert delivered_to_li == set(), "西湖's rule holds messages to and from 西湖 members"
    qian_sees = body(qian.get(f"/messaging/conversations/{in_nanxun['conversation_id']}/messages"))["items"]
    assert [m["text"] for m in qian_sees] == [text], "南浔 members are not under 西湖's rule"


def test_every_change_is_kept_with_who_when_and_the_rule_before_and_after(staff):
    province, xihu, nanxun = staff
    assert province.put("/messaging/safety/rules/invest", {"pattern": "(投资|理财)", "category": "investment",
                                                           "action": "count", "weight": 1}).status_code == 200
    assert xihu.put("/messaging/safety/rules/xihu-lottery", LOTTERY).status_code == 200
    assert xihu.put("/messaging/safety/rules/xihu-lottery", {**LOTTERY, "action": "warn"}).status_code == 200
    assert province.delete("/messaging/safety/rules/xihu-lottery").status_code == 200  # the province covers 西湖

    invest = body(_history(nanxun, "invest"))["items"]  # province rules' history is open to every district
    assert [(c["change"], c["actor"], c["actor_role"]) for c in invest] == [("updated", "province-staff",
                                                                             "platform_admin")]
    assert invest[0]["before"]["action"] == "warn" and invest[0]["after"]["action"] == "count"
    assert invest[0]["before"]["pattern"] != invest[0]["after"]["pattern"]

    lottery = body(_history(xihu, "xihu-lottery"))["items"]  # newest first, readable after the deletion
    assert [(c["change"], c["actor"]) for c in lottery] == [
        ("deleted", "province-staff"), ("updated", "xihu-staff"), ("created", "xihu-staff")]
    assert lottery[0]["after"] is None and lottery[0]["before"]["action"] == "warn"
    assert lottery[2]["before"] is None and lottery[2]["after"]["owner"] == XIHU
    assert all(c["changed_at"] for c in lottery)
    assert _history(nanxun, "xihu-lottery").status_code == 404
    assert "xihu-lottery" not in _rules(xihu)


REFUSED_PATTERNS = [
    ("(?<!\\d)1[3-9]\\d{9}", "RULE_PATTERN_INVALID"),   # look-behind: RE2 has none
    ("(a)\\1", "RULE_PATTERN_INVALID"),                  # back-reference
    ("([", "RULE_PATTERN_INVALID"),
    ("(.{0,100}){10}", "RULE_PATTERN_TOO_COMPLEX"),      # linear, but a huge program
]


def test_a_pattern_the_safe_matcher_refuses_is_422_and_stores_nothing(staff):
    province, _, _ = staff
    before = _rules(province)
    for pattern, code in REFUSED_PATTERNS:
        refused = province.put("/messaging/safety/rules/risky", {"pattern": pattern, "category": "other",
                                                                 "action": "hold"})
        assert refused.status_code == 422 and body(refused)["code"] == code, (pattern, refused.body)
    assert _rules(province).keys() == before.keys()
    assert _history(province, "risky").status_code == 404


def test_the_pattern_that_froze_delivery_is_harmless_now(staff, member, pump):
    """``(a+)+$`` took 7.6 s for one message under Python's backtracking ``re``."""
    province, _, _ = staff
    assert province.put("/messaging/safety/rules/evil", {"pattern": "(a+)+$", "category": "other",
                                                         "action": "count"}).status_code == 200
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    sent = _send(wang, "xiaoli", "a" * 1_999 + "!", "evil-00001")
    pump.drain()
    got = body(li.get(f"/messaging/conversations/{sent['conversation_id']}/messages"))["items"]
    assert len(got) == 1 and got[0]["text"].endswith("!")
