"""One path for every feature to tell a person something: ``request_notice``.

A feature never writes another feature's tables: it queues a ``NoticeRequest`` on the notice
queue, and the inbox feature's consumer writes the person's inbox item (once per
``dedup_key``, by a conditional put) and, when asked, pushes a subscribe message through the
person's mini-program (once per item). The queue's spec lives here because it is a platform
contract; the inbox lists it among its queues (``chalicelib/inbox/specs.py``) and owns the
consumer.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import Field

from .queues import QueueSpec
from .schema import Schema

NOTICE_QUEUE = QueueSpec("inbox-deliver", visibility_timeout=60, max_receive_count=5, batch_size=10,
                         description="各功能发给个人的通知：写入收件箱（按去重键一次），按需推送订阅消息")

# The kinds of notice and their Chinese names (the inbox counts unread items per kind).
KINDS: dict[str, str] = {
    "dorms": "宿舍", "canteen": "食堂", "aid": "帮扶", "identity": "会员认证", "bookings": "预约",
    "announcement": "工会公告", "content": "工会资讯", "messaging": "聊天提醒", "profiles": "光年间",
    "mediation": "劳动争议调解", "talents": "技能人才",
}


class NoticePush(Schema):
    """A subscribe message to send with the notice (WeChat/Alipay template)."""

    template: str = Field(..., max_length=64)
    data: dict[str, str] = Field(default_factory=dict)
    page: str | None = Field(None, max_length=300)


class NoticeRequest(Schema):
    user_id: str = Field(..., min_length=1, max_length=128)
    kind: str = Field(..., max_length=32)
    title: str = Field(..., min_length=1, max_length=100)
    body: str = Field("", max_length=2000)
    link: str | None = Field(None, max_length=300)
    dedup_key: str = Field(..., min_length=1, max_length=300)
    meta: dict[str, str] = Field(default_factory=dict)
    push: NoticePush | None = None
    occurred_at: str | None = Field(None, max_length=40, description="事件发生时间（UTC ISO），收件箱按它排序")


def item_id_of(dedup_key: str) -> str:
    """The inbox item id of a notice: the same dedup key always names the same item."""
    return hashlib.sha256(dedup_key.encode()).hexdigest()[:24]


def notice(user_id: str, *, kind: str, title: str, body: str = "", link: str | None = None, dedup_key: str,
           meta: dict[str, Any] | None = None, push: NoticePush | None = None,
           occurred_at: str | None = None) -> NoticeRequest:
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    return NoticeRequest(user_id=user_id, kind=kind, title=title[:100], body=body[:2000], link=link,
                         dedup_key=dedup_key, meta={k: str(v) for k, v in (meta or {}).items() if v is not None},
                         push=push, occurred_at=occurred_at)


def request_notice(user_id: str, **fields: Any) -> None:
    """Queue one notice for a person (see ``notice`` for the fields)."""
    request_many([notice(user_id, **fields)])


def request_many(requests: list[NoticeRequest]) -> int:
    """Queue notices in SQS batches of ten; returns how many were queued."""
    from .aws import client
    from .errors import ServiceUnavailable
    from .queues import queue_url

    url = queue_url(NOTICE_QUEUE.name)
    for start in range(0, len(requests), 10):
        chunk = requests[start:start + 10]
        entries = [{"Id": str(i), "MessageBody": json.dumps(r.model_dump(mode="json"), ensure_ascii=False)}
                   for i, r in enumerate(chunk)]
        for _ in range(3):
            result = client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
            failed = {f["Id"] for f in result.get("Failed", [])}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                break
        if entries:
            raise ServiceUnavailable("通知排队失败，请稍后重试", code="NOTICE_QUEUE_FAILED")
    return len(requests)
