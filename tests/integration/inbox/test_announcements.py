"""Union staff compose an announcement to an audience, preview its reach, send it now or at a
time; it fans out through queues into every member's inbox exactly once, and staff see how
many it reached and how many read it."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.inbox.support import verified_members

DISTRICT = "zj/huz/nanxun"
SANXING = f"{DISTRICT}/e-sanxing"
HENGTONG = f"{DISTRICT}/e-hengtong"
XIHU = "zj/hz/xihu/e-lightyear"
NOTICE = {"title": "关于开展金秋助学的通知", "body": "请于12月15日前申请。", "audience_org": DISTRICT}


def _population():
    sanxing = verified_members("sx", SANXING, 25, pledged=10)
    hengtong = verified_members("ht", HENGTONG, 8, start=100)
    xihu = verified_members("xh", XIHU, 5, start=200)
    return sanxing, hengtong, xihu


def _items(user_id):
    from chalicelib.inbox.logic import page

    return page(user_id, limit=20, cursor=None).items


def test_an_announcement_to_a_district_reaches_each_member_once_even_when_batches_are_redelivered(
        login, pump, aws):
    sanxing, hengtong, xihu = _population()
    admin = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    assert body(admin.post("/inbox/announcements/preview", NOTICE)) == {"recipients": 33, "enterprises": 2}
    assert body(admin.post("/inbox/announcements/preview", {**NOTICE, "glnj_only": True}))["recipients"] == 10

    sent = body(admin.post("/inbox/announcements", NOTICE))
    assert sent["status"] == "sending" and sent["recipients"] == 33

    from chalicelib.inbox.specs import ANNOUNCE_BATCH_QUEUE
    from chalicelib.platform.queues import send

    pump.drain()
    for _ in range(3):  # every batch delivered three more times
        for start in range(0, 25, 10):
            send(ANNOUNCE_BATCH_QUEUE, {"ann_id": sent["ann_id"], "users": sanxing[start:start + 10]})
        send(ANNOUNCE_BATCH_QUEUE, {"ann_id": sent["ann_id"], "users": hengtong})
    pump.drain()

    for user in sanxing + hengtong:
        assert [i.title for i in _items(user)] == ["关于开展金秋助学的通知"], user
    assert all(_items(user) == [] for user in xihu)
    figures = body(admin.get(f"/inbox/announcements/{sent['ann_id']}"))
    assert (figures["delivered"], figures["read"]) == (33, 0)

    reader = login("worker", user_id=sanxing[0], org_path=SANXING)
    item = body(reader.get("/inbox"))["items"][0]
    assert item["kind"] == "announcement" and item["read"] is False
    reader.post(f"/inbox/{item['item_id']}/read")
    reader.post(f"/inbox/{item['item_id']}/read")
    assert body(admin.get(f"/inbox/announcements/{sent['ann_id']}"))["read"] == 1


def test_a_scheduled_announcement_waits_for_its_time(login, pump):
    _population()
    admin = login("enterprise_admin", user_id="sanxing-admin", org_path=SANXING)
    at = clock.isoformat(clock.now() + timedelta(hours=3))
    sent = body(admin.post("/inbox/announcements", {**NOTICE, "audience_org": SANXING, "send_at": at}))
    assert sent["status"] == "scheduled"
    assert pump.run_schedule("inbox_events_inbox_send_due_announcements") == {"started": 0}
    pump.drain()
    assert _items("sx-00000") == []
    clock.travel(timedelta(hours=3, minutes=1))
    try:
        assert pump.run_schedule("inbox_events_inbox_send_due_announcements") == {"started": 1}
        pump.drain()
    finally:
        clock.reset()
    assert [i.title for i in _items("sx-00000")] == ["关于开展金秋助学的通知"]
    assert _items("ht-00000") == []  # another enterprise of the district


def test_an_empty_or_foreign_audience_is_refused_and_nothing_is_sent(login, pump, aws):
    from chalicelib.inbox.models import InboxAnnouncement

    _population()
    admin = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    empty = admin.post("/inbox/announcements", {**NOTICE, "audience_org": f"{DISTRICT}/e-nobody"})
    assert empty.status_code == 422 and body(empty)["code"] == "INBOX_AUDIENCE_EMPTY"
    foreign = admin.post("/inbox/announcements", {**NOTICE, "audience_org": "zj/hz/xihu"})
    assert foreign.status_code == 403 and body(foreign)["code"] == "INBOX_AUDIENCE_OUT_OF_SCOPE"
    worker = login("worker", user_id="sx-00001", org_path=SANXING)
    assert worker.post("/inbox/announcements", NOTICE).status_code == 403
    assert InboxAnnouncement.count() == 0
    pump.drain()
    assert _items("sx-00001") == []
