"""Identity's Lambdas: the membership check after a face check, new accounts counted as
registered, the roster upload (S3), its chunk writer (SQS) and its watchdog, and the figures
roll-up."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.settings import get_settings

from .specs import MEMBERSHIP_QUEUE, REGISTRATION_QUEUE, ROSTER_QUEUE
from .uploads import ROSTER_PREFIX

if TYPE_CHECKING:
    from . import logic, roster
else:
    logic = lazy_import(f"{__package__}.logic")
    roster = lazy_import(f"{__package__}.roster")

bp = Blueprint(__name__)


def _check_one(record: Any) -> str:
    # One idempotency mechanism: the member's versioned, state-checked commit. A redelivery
    # finds the member verified (or marked not in the roster) and changes and sends nothing;
    # an idempotency record on top would only add two writes per event.
    _, _, event = parse_eventbridge(json.loads(record.body))
    return logic.check_membership(str(event.data["user_id"]))


@bp.on_sqs_message(queue=MEMBERSHIP_QUEUE.name, batch_size=MEMBERSHIP_QUEUE.batch_size)
def check_membership(event: Any) -> dict[str, Any]:
    return process_sqs(event, _check_one)


def _register_one(record: Any) -> None:
    _, _, event = parse_eventbridge(json.loads(record.body))
    logic.on_account_registered(str(event.data["user_id"]))


@bp.on_sqs_message(queue=REGISTRATION_QUEUE.name, batch_size=REGISTRATION_QUEUE.batch_size)
def count_registration(event: Any) -> dict[str, Any]:
    return process_sqs(event, _register_one)


def _roster_work(record: Any) -> str:
    body = json.loads(record.body)
    try:
        return roster.handle_work(body)
    except Exception:
        # The last delivery before the DLQ: the import ends failed with a reason, not "running" for ever.
        if int(record.attributes.approximate_receive_count or 0) >= ROSTER_QUEUE.max_receive_count:
            roster.fail_import(str(body.get("import_id")), "ROSTER_WRITE_FAILED",
                               "名册写入多次失败，已停止；已写入的行保留，请稍后重新导入")
        raise


@bp.on_sqs_message(queue=ROSTER_QUEUE.name, batch_size=ROSTER_QUEUE.batch_size)
def write_roster_chunks(event: Any) -> dict[str, Any]:
    return process_sqs(event, _roster_work)


@bp.on_s3_event(bucket=get_settings().uploads_bucket, events=["s3:ObjectCreated:*"], prefix=ROSTER_PREFIX)
def roster_uploaded(event: Any) -> None:
    roster.import_uploaded(event.bucket, event.key)


@bp.schedule("rate(30 minutes)")
def fail_stalled_roster_imports(event: Any) -> int:
    return roster.fail_stalled_imports()


@bp.schedule("rate(1 hour)")
def roll_up_figures(event: Any) -> int:
    return logic.roll_up_figures()
