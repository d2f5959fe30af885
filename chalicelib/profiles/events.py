"""光年间 event handlers, each its own Lambda:

- ``maintain_browse_index`` — the design card's "profile browse" Lambda: rewrites a member's
  browse entries from their profile (FIFO, one member at a time);
- ``member_status_changed`` — identity's MemberActivated / MemberDeactivated;
- ``member_blocked`` — social's MemberBlocked;
- ``photo_uploaded`` — S3: verify, strip EXIF/GPS, make sizes, queue for review;
- ``rematch_member`` — incremental matching after a change; ``nightly_matching`` — everyone.

Photo review results and 互相心动 reach the member through the one inbox
(``platform.notices.request_notice``; the inbox pushes the subscribe message).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .specs import BLOCKS_QUEUE, IDENTITY_QUEUE, INDEX_QUEUE, MATCH_QUEUE

bp = Blueprint(__name__)


def _reindex_one(record: Any) -> None:
    logic.reindex(json.loads(record.body)["user_id"])


@bp.on_sqs_message(queue=INDEX_QUEUE.name, batch_size=INDEX_QUEUE.batch_size)
def maintain_browse_index(event: Any) -> dict[str, Any]:
    return process_sqs(event, _reindex_one, fifo=True)


def _status_one(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    user_id = str(event.data.get("user_id") or "")
    if not user_id:
        logger.warning("member status event without user_id", extra={"event_id": event.event_id})
        return
    logic.set_membership(user_id, detail_type == "MemberActivated", event.time)


@bp.on_sqs_message(queue=IDENTITY_QUEUE.name, batch_size=IDENTITY_QUEUE.batch_size)
def member_status_changed(event: Any) -> dict[str, Any]:
    return process_sqs(event, _status_one)


def _block_one(record: Any) -> None:
    _, _, event = parse_eventbridge(json.loads(record.body))
    blocker, blocked = str(event.data.get("blocker") or ""), str(event.data.get("blocked") or "")
    if blocker and blocked:
        logic.hide_pair(blocker, blocked)


@bp.on_sqs_message(queue=BLOCKS_QUEUE.name, batch_size=BLOCKS_QUEUE.batch_size)
def member_blocked(event: Any) -> dict[str, Any]:
    return process_sqs(event, _block_one)


@bp.on_s3_event(bucket=get_settings().uploads_bucket, events=["s3:ObjectCreated:*"], prefix="photos/")
def photo_uploaded(event: Any) -> None:
    outcome = logic.process_upload(event.key)  # Chalice already URL-decoded the key
    logger.info("photo processed", extra={"outcome": outcome})


def _rematch_one(record: Any) -> None:
    logic.rematch_member(json.loads(record.body)["user_id"])


@bp.on_sqs_message(queue=MATCH_QUEUE.name, batch_size=MATCH_QUEUE.batch_size)
def rematch_member(event: Any) -> dict[str, Any]:
    return process_sqs(event, _rematch_one)


@bp.schedule("cron(0 18 * * ? *)")  # 02:00 Asia/Shanghai
def nightly_matching(event: Any) -> dict[str, int]:
    result = logic.run_matching()
    logger.info("matching done", extra=result)
    return result

