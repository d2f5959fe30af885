"""The centre-figures Lambda: visits, closed mediation cases and closed sessions of activities
hosted in a centre's room or a 职工书屋 (bookings' BookingAttendanceClosed), counted once each for
the org node and every node above it (partial batch failures reported)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import FIGURES_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


def handle_figure_event(record: Any) -> None:
    _, detail_type, event = parse_eventbridge(json.loads(record.body))
    logic.count_event(detail_type, event)


@bp.on_sqs_message(queue=FIGURES_QUEUE.name, batch_size=FIGURES_QUEUE.batch_size)
def count_centre_figures(event: Any) -> dict[str, Any]:
    return process_sqs(event, handle_figure_event)
