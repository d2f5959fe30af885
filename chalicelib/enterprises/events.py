"""The enterprise-figures Lambda: the domain events of identity, dorms, aid, subsidy, talents,
bookings, centres and mediation (see ``figures`` for what each adds), counted once each per
month for the event's org node and every node above it (partial batch failures reported)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.events import parse_eventbridge
from chalicelib.platform.lazy import lazy_import

from .specs import FIGURES_QUEUE

if TYPE_CHECKING:
    from . import figures
else:
    figures = lazy_import(f"{__package__}.figures")

bp = Blueprint(__name__)


def handle_figure_event(record: Any) -> None:
    source, detail_type, event = parse_eventbridge(json.loads(record.body))
    figures.count_event(source, detail_type, event)


@bp.on_sqs_message(queue=FIGURES_QUEUE.name, batch_size=FIGURES_QUEUE.batch_size)
def count_enterprise_figures(event: Any) -> dict[str, Any]:
    return process_sqs(event, handle_figure_event)
