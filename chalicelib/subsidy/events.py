"""The subsidy-calc Lambda: computes each submitted application from the calc queue.
Redelivery is harmless: an application is computed only while it is "calculating"."""
from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.queues import QueueSpec

from . import logic

bp = Blueprint(__name__)

CALC_QUEUE = QueueSpec("subsidy-calc", visibility_timeout=60, max_receive_count=5,
                       description="产改20条补助申请的计算")
QUEUES = [CALC_QUEUE]


def compute_one(record: Any) -> None:
    logic.compute(str(json.loads(record.body)["app_id"]))


@bp.on_sqs_message(queue=CALC_QUEUE.name, batch_size=CALC_QUEUE.batch_size)
def calculate_applications(event: Any) -> dict[str, Any]:
    return process_sqs(event, compute_one)
