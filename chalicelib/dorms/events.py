"""The dormitory Lambdas.

- ``dorm_apply`` (SQS, the design card's "dorm apply" Lambda): completes each new application —
  the operator's rules auto-approve or queue it for the union admin — and notifies the worker.
- ``dorm_apply_release_expired_holds`` (schedule): releases beds whose hold was not confirmed in
  time, and completes any application whose dorm-apply message was lost.
Notices to the worker go through the platform notice path (``platform/notices.py``) to the inbox.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.lazy import lazy_import

from .specs import APPLY_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def complete_one(record: Any) -> None:
    logic.complete_application(json.loads(record.body)["application_id"])


@bp.on_sqs_message(queue=APPLY_QUEUE.name, batch_size=APPLY_QUEUE.batch_size)
def dorm_apply(event: Any) -> dict[str, Any]:
    return process_sqs(event, complete_one)


@bp.schedule("rate(5 minutes)")
def dorm_apply_release_expired_holds(event: Any) -> dict[str, int]:
    return {"released": logic.expire_holds(), "completed_late": logic.complete_stale_submissions()}
