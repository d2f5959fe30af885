"""Announcements: staff compose to an audience, preview how many it reaches, send now or at a
time. The fan-out runs through two queues — one message per enterprise node, which pages
through the node's members (identity's ``audience_page``) and queues batches of at most 100;
one batch handler that writes each person's inbox item (once per person: the dedup key is the
announcement), counts it on a sharded counter in the same transaction, and pushes when asked.
Redelivered messages repeat work but never an item or a count."""
from __future__ import annotations

import json
import uuid
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.platform.notices import NoticePush, notice

from .models import ANNOUNCEMENT_SHARDS, InboxAnnouncement, InboxAnnouncementShard, announcement_shard
from .schemas import InboxAnnouncementDraft, InboxAnnouncementPreview, InboxAnnouncementView

SHARDS = ANNOUNCEMENT_SHARDS
BATCH = 100
DUE = "due"
TEMPLATE = "union_announcement"  # 工会公告 (the subscribe-message template of both mini-programs)


def _identity() -> Any:
    from chalicelib.identity import logic as identity

    return identity


def _checked(principal: Principal, body: InboxAnnouncementDraft) -> tuple[dict[str, int], str]:
    if not principal.covers(body.audience_org):
        raise Forbidden("只能向本人管辖范围内的组织发公告", code="INBOX_AUDIENCE_OUT_OF_SCOPE",
                        details=[{"audience_org": body.audience_org, "scope": principal.org_path}])
    nodes = _identity().audience_nodes(body.audience_org, glnj_only=body.glnj_only)
    if not nodes:
        raise ValidationFailed("该范围内没有可送达的会员", code="INBOX_AUDIENCE_EMPTY",
                               details=[{"audience_org": body.audience_org, "glnj_only": body.glnj_only}])
    send_at = clock.now_iso()
    if body.send_at:
        try:
            send_at = max(clock.isoformat(clock.parse(body.send_at)), send_at)
        except ValueError:
            raise ValidationFailed("发送时间格式不正确", code="INBOX_SEND_AT_INVALID") from None
    return nodes, send_at


def preview(principal: Principal, body: InboxAnnouncementDraft) -> InboxAnnouncementPreview:
    nodes, _ = _checked(principal, body)
    return InboxAnnouncementPreview(recipients=sum(nodes.values()), enterprises=len(nodes))


def _view(a: InboxAnnouncement, *, figures: bool = False) -> InboxAnnouncementView:
    delivered = read = 0
    if figures:
        for shard in InboxAnnouncementShard.query(a.ann_id, limit=SHARDS):
            delivered += int(shard.delivered or 0)
            read += int(shard.read or 0)
    return InboxAnnouncementView(ann_id=a.ann_id, title=a.title, body=a.body, link=a.link,
                                 audience_org=a.audience_org, glnj_only=bool(a.glnj_only), push=bool(a.push),
                                 status=a.status, send_at=a.send_at, recipients=int(a.recipients),
                                 delivered=delivered, read=read)


def compose(principal: Principal, body: InboxAnnouncementDraft) -> InboxAnnouncementView:
    nodes, send_at = _checked(principal, body)
    now = clock.now_iso()
    a = InboxAnnouncement(f"an-{uuid.uuid4().hex[:16]}", title=body.title, body=body.body, link=body.link,
                          audience_org=body.audience_org, glnj_only=body.glnj_only, push=body.push,
                          status="scheduled", send_at=send_at, recipients=sum(nodes.values()),
                          created_by=principal.user_id, created_at=now, due_bucket=DUE)
    a.save(condition=InboxAnnouncement.ann_id.does_not_exist())
    if send_at <= now:
        start(a.ann_id)
        a.refresh(consistent_read=True)
    return _view(a)


def get(principal: Principal, ann_id: str) -> InboxAnnouncementView:
    try:
        a = InboxAnnouncement.get(ann_id)
    except DoesNotExist:
        raise NotFound("找不到该公告", code="INBOX_ANNOUNCEMENT_NOT_FOUND") from None
    if not principal.covers(a.audience_org):
        raise NotFound("找不到该公告", code="INBOX_ANNOUNCEMENT_NOT_FOUND")
    return _view(a, figures=True)


def start(ann_id: str) -> bool:
    """Queue one fan-out message per enterprise node of the audience (idempotent: the
    announcement leaves the due index only after every node message was queued)."""
    from chalicelib.platform.queues import send

    from .specs import ANNOUNCE_NODES_QUEUE

    a = InboxAnnouncement.get(ann_id, consistent_read=True)
    if a.due_bucket != DUE:
        return False
    nodes = _identity().audience_nodes(a.audience_org, glnj_only=bool(a.glnj_only))
    a.update(actions=[InboxAnnouncement.status.set("sending"), InboxAnnouncement.nodes.set(len(nodes))])
    for node in nodes:
        send(ANNOUNCE_NODES_QUEUE, {"ann_id": ann_id, "node": node})
    a.update(actions=[InboxAnnouncement.due_bucket.remove()])
    return True


def send_due(limit: int = 50) -> int:
    started = 0
    for a in InboxAnnouncement.due.query(DUE, InboxAnnouncement.send_at <= clock.now_iso(), limit=limit):
        started += start(a.ann_id)
    return started


def expand_node(ann_id: str, node: str) -> int:
    """Page through one node's members and queue batches of at most 100 (SQS batches of ten)."""
    from chalicelib.platform.aws import client
    from chalicelib.platform.queues import queue_url

    from .specs import ANNOUNCE_BATCH_QUEUE

    a = InboxAnnouncement.get(ann_id)
    url = queue_url(ANNOUNCE_BATCH_QUEUE.name)
    start_key: dict[str, Any] | None = None
    entries: list[dict[str, str]] = []
    queued = 0

    def flush() -> None:
        nonlocal entries
        if entries:
            result = client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError("announcement batches not queued; the node message will be redelivered")
            entries = []

    while True:
        users, start_key = _identity().audience_page(node, glnj_only=bool(a.glnj_only), start=start_key, limit=BATCH)
        if users:
            entries.append({"Id": str(len(entries)), "MessageBody": json.dumps({"ann_id": ann_id, "users": users})})
            queued += len(users)
            if len(entries) == 10:
                flush()
        if not start_key:
            break
    flush()
    return queued


def deliver_batch(ann_id: str, users: list[str]) -> int:
    """Write the announcement into each person's inbox once (``deliver_many``: transactions of
    25 people, each moving the sharded delivered counters with the items); push the new ones
    when asked. Returns how many were new."""
    from chalicelib.accounts.logic import notify_person

    from .logic import deliver_many

    a = InboxAnnouncement.get(ann_id)
    push = NoticePush(template=TEMPLATE, data={"thing1": a.title[:20], "thing2": a.body[:20]},
                      page=a.link or "pages/inbox/index") if a.push else None
    requests = [notice(user_id, kind="announcement", title=a.title, body=a.body, link=a.link,
                       dedup_key=f"ann:{ann_id}", meta={"ann_id": ann_id}, push=push, occurred_at=a.send_at)
                for user_id in dict.fromkeys(users)]

    def count(tx: TransactWrite, written: dict[str, int]) -> None:
        shards: dict[int, int] = {}
        for user_id, n in written.items():
            shards[announcement_shard(user_id)] = shards.get(announcement_shard(user_id), 0) + n
        for shard, n in shards.items():
            tx.update(InboxAnnouncementShard(ann_id, shard), actions=[InboxAnnouncementShard.delivered.add(n)])

    new = deliver_many(requests, counters=count)
    if push is not None:
        for user_id in new:
            notify_person(user_id, push.template, dict(push.data), push.page)
    return len(new)
