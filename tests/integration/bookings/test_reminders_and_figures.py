"""The day before, people who asked for it get one notice in their inbox and one subscribe
message through their mini-program (a refused subscription is recorded, not retried, and a
re-run tells nobody again);
figures roll up per org node and period once, however often an event is delivered."""
from __future__ import annotations

import json
from datetime import timedelta

from chalicelib.bookings import logic
from chalicelib.bookings.models import BookingEntry
from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.bookings.conftest import SANXING, verify_members


def test_tomorrows_bookers_are_reminded_once_within_their_subscriptions(fakes, aws, api, court, pump):
    from chalicelib.accounts.logic import assign_org

    def wechat(openid: str) -> dict[str, str]:
        def login() -> dict:
            r = api.post("/auth/wechat", headers={"Content-Type": "application/json"},
                         body=json.dumps({"code": fakes.wechat_login_code(openid)}))
            assert r.status_code == 200, r.body
            return body(r)

        user_id = login()["account"]["user_id"]
        assign_org(user_id, SANXING)
        verify_members(user_id)
        return {"Authorization": f"Bearer {login()['access_token']}", "Content-Type": "application/json"}

    tomorrow = (clock.today_shanghai() + timedelta(days=1)).isoformat()
    people = {"openid-chen": ("09:00", True), "openid-li": ("10:00", True), "openid-wu": ("11:00", False)}
    fakes.refuse_subscription("openid-li", "booking_reminder")
    headers = {openid: wechat(openid) for openid in people}
    for openid, (start, remind) in people.items():
        booked = api.post(f"/bookings/venues/{court.venue_id}/bookings", headers=headers[openid],
                          body=json.dumps({"date": tomorrow, "start": start, "remind": remind}))
        assert booked.status_code == 201, booked.body

    first = pump.run_schedule("bookings_events_bookings_reminders")
    pump.drain()
    again = pump.run_schedule("bookings_events_bookings_reminders")
    pump.drain()
    sent = [m for m in fakes.sent_messages if m["template_id"] == "booking_reminder"]
    assert [m["recipient"] for m in sent] == ["openid-chen"]
    assert "羽毛球场" in json.dumps(sent[0], ensure_ascii=False)
    assert (first["queued"], again["queued"]) == (2, 0)
    inboxes = {openid: body(api.get("/inbox?kind=bookings", headers=h))["items"] for openid, h in headers.items()}
    assert {o: len(items) for o, items in inboxes.items()} == {"openid-chen": 1, "openid-li": 1, "openid-wu": 0}
    assert "羽毛球场" in inboxes["openid-li"][0]["title"]     # refused the push, still told in the inbox


def test_a_closed_session_is_counted_once_for_its_org_and_every_ancestor(aws, login):
    event = {"ref": "session:s-0123456789ab", "org": SANXING, "category": "reading", "day": "2026-12-03",
             "sessions": 1, "signups": 30, "attended": 27, "no_shows": 3}
    assert logic.roll_up(event) is True
    assert logic.roll_up(event) is False  # redelivered: nothing added
    logic.roll_up({**event, "ref": "session:s-ba9876543210", "signups": 20, "attended": 20, "no_shows": 0})
    province = login("platform_admin", user_id="platform-admin", org_path="zj")
    for org in ("zj", "zj/huz/nanxun", SANXING):
        rows = {r["category"]: r for r in body(province.get(f"/bookings/figures?org={org}&period=2026-12"))["rows"]}
        assert rows["reading"] == {"category": "reading", "category_cn": "职工书屋阅读活动",
                                   "category_name": "职工书屋阅读活动", "sessions": 2,
                                   "signups": 50, "attended": 47, "no_shows": 3}
        assert rows["all"]["attended"] == 47
    xihu = login("union_admin", user_id="xihu-admin", org_path="zj/hz/xihu")
    refused = xihu.get(f"/bookings/figures?org={SANXING}&period=2026")
    assert refused.status_code == 404 and body(refused)["code"] == "ORG_NOT_FOUND"
    assert list(BookingEntry.by_user.query("platform-admin")) == []
