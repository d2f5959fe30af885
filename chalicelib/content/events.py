"""The content Lambdas: ``content_publish_due`` (schedule, every minute) publishes the scheduled
articles whose time has come; each publish is idempotent, so an overlapping run is harmless."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


@bp.schedule("rate(1 minute)")
def content_publish_due(event: Any) -> dict[str, int]:
    return {"published": logic.publish_due()}
