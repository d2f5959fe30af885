"""The mediation deadline Lambda: the fifteen-day limit of 劳动争议调解仲裁法 article 14."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)


@bp.schedule("rate(1 hour)")
def mediation_deadlines(event: Any) -> dict[str, int]:
    """Warn the mediator three days before the limit; at the limit tell the worker of the right to arbitration."""
    return logic.run_deadlines()
