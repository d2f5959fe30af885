"""The canteen Lambdas.

- ``canteen_menu_publish_tomorrow`` (schedule, the design card's "canteen menu" Lambda): every
  5 minutes publishes the drafts whose canteen's hour has come (tomorrow's menu) and queues the
  announcement.
- ``canteen_menu_announce`` (SQS): once per canteen and day, one notice per subscriber.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.idempotency import once_per
from chalicelib.platform.lazy import lazy_import

from .specs import ANNOUNCE_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


@bp.schedule("cron(0/5 * * * ? *)")
def canteen_menu_publish_tomorrow(event: Any) -> dict[str, int]:
    return logic.publish_due_menus()


@once_per(lambda body: f"{body['canteen_id']}:{body['day']}", name="canteen-announce")
def _announce(body: dict[str, Any]) -> int:
    return logic.announce(body["canteen_id"], body["day"])


def announce_one(record: Any) -> None:
    _announce(json.loads(record.body))


@bp.on_sqs_message(queue=ANNOUNCE_QUEUE.name, batch_size=ANNOUNCE_QUEUE.batch_size)
def canteen_menu_announce(event: Any) -> dict[str, Any]:
    return process_sqs(event, announce_one)
