"""Announcement fan-out and inbox / channel reads, on ONE moto server (as the local stack runs it):

1. an announcement to N verified members (default 10,000 over 20 enterprises of one district):
   the fan-out through its two queues (the event pump delivers them as Lambda would) against
   raw BatchWriteItem of the same number of items into the same table; then every batch is
   delivered three more times and every member must still hold exactly one item, and the
   delivered count must still be N;
2. items read per request for an inbox page and a channel page, by page size.

Run: ``.venv/bin/python -m benchmarks inbox_fanout`` (``BENCH_FANOUT_N=100000`` for the issue's size)."""
from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from benchmarks import _moto
from benchmarks._table import print_table

N = int(os.environ.get("BENCH_FANOUT_N", "10000"))
ENTERPRISES = 20
DISTRICT = "zj/huz/nanxun"


def _population() -> dict[str, list[str]]:
    from chalicelib.identity.logic import load_verified_members
    from chalicelib.platform import pii

    by_node: dict[str, list[str]] = {}
    records = []
    for n in range(N):
        node = f"{DISTRICT}/e-{n % ENTERPRISES:02d}"
        first17 = f"{330500 + (n // 1000) % 100:06d}{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        user = f"m-{n:06d}"
        by_node.setdefault(node, []).append(user)
        records.append({"user_id": user, "id_number": first17 + pii.id_check_digit(first17), "real_name": "张三",
                        "org_path": node, "enterprise": node.rsplit("/", 1)[-1], "pledged": False})
    for i in range(0, len(records), 1000):
        load_verified_members(records[i:i + 1000], source="基准", roster_scope=f"{DISTRICT}/legacy")
    return by_node


def _count(recorder: Any, label: str, call: Any) -> dict[str, int]:
    from chalicelib.platform.aws import reset_work, set_work

    recorder.clear()
    token = set_work(label)
    try:
        call()
    finally:
        reset_work(token)
    reads: Counter[str] = Counter()
    for c in recorder.for_work(label):
        reads["items"] += c.items_read
        reads["calls"] += 1
        reads["scans"] += c.operation == "Scan"
    return dict(reads)


def fan_out(app: Any, pump: Any) -> None:
    from chalicelib.inbox import announcements
    from chalicelib.inbox.models import InboxItem
    from chalicelib.inbox.schemas import InboxAnnouncementDraft
    from chalicelib.inbox.specs import ANNOUNCE_BATCH_QUEUE
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.queues import send

    started = time.perf_counter()
    by_node = _population()
    print(f"{N:,} verified members over {ENTERPRISES} enterprises loaded in {time.perf_counter() - started:.1f} s")
    admin = Principal(user_id="nanxun-admin", role=Role.UNION_ADMIN, org_path=DISTRICT)
    draft = InboxAnnouncementDraft(title="关于开展金秋助学的通知", body="请于12月15日前申请。", audience_org=DISTRICT)

    started = time.perf_counter()
    sent = announcements.compose(admin, draft)
    pump.drain(max_rounds=10**6)  # until every queue is empty (the default stops after 50 rounds)
    fan_s = time.perf_counter() - started
    first = announcements.get(admin, sent.ann_id).delivered

    started = time.perf_counter()
    with InboxItem.batch_write() as batch:
        for n in range(N):
            batch.save(InboxItem(f"raw-{n:06d}", "x", sort_at="a", kind_at="k", kind="announcement", title="t",
                                 created_at="a"))
    raw_s = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(3):
        for users in by_node.values():
            for i in range(0, len(users), 100):
                send(ANNOUNCE_BATCH_QUEUE, {"ann_id": sent.ann_id, "users": users[i:i + 100]})
    pump.drain(max_rounds=10**6)  # until every queue is empty (the default stops after 50 rounds)
    again_s = time.perf_counter() - started
    after = announcements.get(admin, sent.ann_id).delivered
    print(f"fan-out {fan_s:.1f} s, raw {raw_s:.1f} s, redelivered 3× {again_s:.1f} s; counting items per member …",
          flush=True)
    # one Scan of the inbox table (a check, not a request path): items per member
    per_user = Counter(i.user_id for i in InboxItem.scan(attributes_to_get=["user_id"]))
    items = Counter(per_user[user] for users in by_node.values() for user in users)
    print_table(f"Announcement to {N:,} members (one district, {ENTERPRISES} enterprises), one moto server",
                ["run", "seconds", "items/s", "delivered count", "members with exactly 1 item"], [
                    ["fan-out (2 queues, pump)", fan_s, N / fan_s, first, items[1]],
                    ["raw BatchWriteItem, same table", raw_s, N / raw_s, "-", "-"],
                    ["every batch delivered 3× more", again_s, 3 * N / again_s, after, items[1]],
                ], note=f"members with 0 items: {items[0]}, with >1: {sum(v for k, v in items.items() if k > 1)}")


def reads(recorder: Any) -> None:
    from chalicelib.content import logic as content
    from chalicelib.content.schemas import ContentArticleDraft
    from chalicelib.inbox.logic import deliver, page
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.notices import notice

    for i in range(300):
        deliver(notice("reader", kind=("dorms", "aid", "canteen")[i % 3], title=f"通知{i}", dedup_key=f"r{i}"))
    staff = {org: Principal(user_id=f"staff-{i}", role=Role.UNION_ADMIN, org_path=org)
             for i, org in enumerate(("zj/huz", DISTRICT, f"{DISTRICT}/e-00"))}
    reviewer = {org: Principal(user_id=f"rev-{i}", role=Role.UNION_ADMIN, org_path=org) for i, org in enumerate(staff)}
    for i in range(150):
        org = list(staff)[i % 3]
        a = content.create_article(staff[org], ContentArticleDraft(channel_id="news", title=f"工会新闻{i}",
                                                                   body_html="<p>内容</p>", audience_org=org))
        content.submit(staff[org], a.article_id)
        content.approve(reviewer[org], a.article_id)
    worker = Principal(user_id="reader", role=Role.WORKER, org_path=f"{DISTRICT}/e-00")
    rows = []
    for limit in (10, 20, 50):
        inbox = _count(recorder, f"inbox-{limit}", lambda limit=limit: page("reader", limit=limit, cursor=None))
        kind = _count(recorder, f"kind-{limit}", lambda limit=limit: page("reader", kind="aid", limit=limit,
                                                                          cursor=None))
        chan = _count(recorder, f"chan-{limit}", lambda limit=limit: content.channel_page(
            worker, "news", limit=limit, cursor=None))
        rows.append([limit, inbox.get("items", 0), inbox.get("calls", 0), kind.get("items", 0),
                     chan.get("items", 0), chan.get("calls", 0), inbox.get("scans", 0) + chan.get("scans", 0)])
    print_table("Items read per request (inbox of 300 notices; news channel of 150 articles at 3 levels)",
                ["page size", "inbox items read", "inbox calls", "inbox ?kind=aid items", "channel items read",
                 "channel calls", "scans"], rows,
                note="inbox: one Query of the page + the read-watermark row; channel: one Query per ancestor level "
                     "(≤ page size each, 4 levels here) merged")


def main() -> None:
    from chalicelib.platform.aws import CallRecorder, install_recorder

    server, app, pump = _moto.start()
    try:
        fan_out(app, pump)
        recorder = CallRecorder()
        install_recorder(recorder)
        reads(recorder)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
