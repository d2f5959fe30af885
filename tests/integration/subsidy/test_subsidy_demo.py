"""The local stack's demo: the 余姚 enterprise sees an approved subsidy with every line
explained, and the district's union staff have the next one in their queue."""
from __future__ import annotations

from tests.conftest import body


def test_the_demo_enterprise_has_an_approved_subsidy_with_every_line_explained(login, pump):
    from local.demo import subsidy

    subsidy.seed()
    subsidy.seed()  # a second start of the stack adds nothing
    pump.drain()
    enterprise = login("enterprise_admin", user_id="demo-yuyao-ent-admin")
    listed = body(enterprise.get("/subsidy/applications"))["items"]
    assert sorted(a["state"] for a in listed) == ["approved", "pending_review"]
    approved = body(enterprise.get(f"/subsidy/applications/{next(a for a in listed if a['state'] == 'approved')['app_id']}"))
    assert [ln["paid_fen"] for ln in approved["lines"]] == [280_000, 300_000, 10_000_000, 6_000_000, 200_000, 150_000]
    assert all(ln["clause"] and ln["explanation"] for ln in approved["lines"])
    assert approved["paid_fen"] == 16_930_000
    union = login("union_admin", user_id="demo-yuyao-admin")
    assert len(body(union.get("/subsidy/queue"))["items"]) == 1
