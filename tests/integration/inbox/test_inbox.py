"""One inbox per person: every feature's notices arrive through the platform notice queue,
once per dedup key, newest first, with unread counts by kind and mark-as-read."""
from __future__ import annotations

from chalicelib.platform.notices import NoticePush, notice, request_many, request_notice
from tests.conftest import body

WORKER = "chen-hongxin"
ORG = "zj/huz/nanxun/e-sanxing"


def _unread(session):
    return body(session.get("/inbox/unread"))


def test_given_notices_from_three_features_when_delivered_then_the_inbox_lists_them_newest_first_with_counts(
        login, pump, fakes):
    worker = login("worker", user_id=WORKER, org_path=ORG)
    request_notice(WORKER, kind="dorms", title="宿舍申请已通过", body="请三日内入住", dedup_key="dorm-1")
    pump.drain()
    request_notice(WORKER, kind="aid", title="帮扶申请已提交", dedup_key="aid-1", meta={"app_id": "a1"})
    pump.drain()
    request_notice(WORKER, kind="dorms", title="宿舍床位保留已过期", dedup_key="dorm-2",
                   push=NoticePush(template="dorm_status", data={"title": "x"}))
    pump.drain()

    page = body(worker.get("/inbox"))
    assert [i["title"] for i in page["items"]] == ["宿舍床位保留已过期", "帮扶申请已提交", "宿舍申请已通过"]
    assert page["items"][1]["meta"] == {"app_id": "a1"} and page["items"][1]["kind_name"] == "帮扶"
    assert _unread(worker) == {"total": 3, "by_kind": {"dorms": 2, "aid": 1}}
    dorms_only = body(worker.get("/inbox?kind=dorms"))["items"]
    assert [i["title"] for i in dorms_only] == ["宿舍床位保留已过期", "宿舍申请已通过"]


def test_a_notice_queued_three_times_is_one_item_counted_once(login, pump):
    worker = login("worker", user_id=WORKER, org_path=ORG)
    same = notice(WORKER, kind="canteen", title="明日菜单已发布", dedup_key="menu-c1-2026-12-01")
    request_many([same, same, same])
    pump.drain()
    assert len(body(worker.get("/inbox"))["items"]) == 1
    assert _unread(worker)["by_kind"] == {"canteen": 1}


def test_paging_is_bounded_and_the_cursor_is_bound_to_its_person_and_kind(login, pump, aws_calls):
    worker = login("worker", user_id=WORKER, org_path=ORG)
    other = login("worker", user_id="li-wei", org_path=ORG)
    request_many([notice(WORKER, kind="announcement", title=f"公告{i}", dedup_key=f"ann-{i}") for i in range(5)])
    pump.drain()
    first = body(worker.get("/inbox?limit=2"))
    second = body(worker.get(f"/inbox?limit=2&cursor={first['next_cursor']}"))
    third = body(worker.get(f"/inbox?limit=2&cursor={second['next_cursor']}"))
    seen = [i["title"] for p in (first, second, third) for i in p["items"]]
    assert sorted(seen) == [f"公告{i}" for i in range(5)] and len(set(seen)) == 5
    stolen = other.get(f"/inbox?limit=2&cursor={first['next_cursor']}")
    assert stolen.status_code == 400 and body(stolen)["code"] == "INVALID_CURSOR"
    kind_swap = worker.get(f"/inbox?kind=dorms&limit=2&cursor={first['next_cursor']}")
    assert kind_swap.status_code == 400 and body(kind_swap)["code"] == "INVALID_CURSOR"


def test_marking_one_then_all_read_moves_the_counts_and_is_repeatable(login, pump):
    worker = login("worker", user_id=WORKER, org_path=ORG)
    request_many([notice(WORKER, kind="dorms", title="宿舍1", dedup_key="d1"),
                  notice(WORKER, kind="aid", title="帮扶1", dedup_key="a1"),
                  notice(WORKER, kind="aid", title="帮扶2", dedup_key="a2")])
    pump.drain()
    items = body(worker.get("/inbox"))["items"]
    aid_item = next(i for i in items if i["kind"] == "aid")
    assert body(worker.post(f"/inbox/{aid_item['item_id']}/read"))["read"] is True
    assert body(worker.post(f"/inbox/{aid_item['item_id']}/read"))["read"] is True  # again: no double count
    assert _unread(worker) == {"total": 2, "by_kind": {"dorms": 1, "aid": 1}}

    assert body(worker.post("/inbox/read-all")) == {"total": 0, "by_kind": {}}
    assert all(i["read"] for i in body(worker.get("/inbox"))["items"])

    request_notice(WORKER, kind="dorms", title="宿舍2", dedup_key="d2")  # after mark-all: unread again
    pump.drain()
    newest = body(worker.get("/inbox"))["items"][0]
    assert newest["title"] == "宿舍2" and newest["read"] is False
    assert _unread(worker) == {"total": 1, "by_kind": {"dorms": 1}}


def test_another_persons_item_is_not_found_and_stays_unread(login, pump):
    worker = login("worker", user_id=WORKER, org_path=ORG)
    other = login("worker", user_id="li-wei", org_path=ORG)
    request_notice(WORKER, kind="aid", title="帮扶1", dedup_key="a1")
    pump.drain()
    item = body(worker.get("/inbox"))["items"][0]
    refused = other.post(f"/inbox/{item['item_id']}/read")
    assert refused.status_code == 404 and body(refused)["code"] == "INBOX_ITEM_NOT_FOUND"
    assert body(worker.get("/inbox"))["items"][0]["read"] is False
    assert _unread(worker)["total"] == 1
