"""The registry of features. Adding a feature = one line in ``FEATURES``.

Each feature package has the same five modules; ``api.bp`` and ``events.bp`` are Chalice
blueprints, ``specs.QUEUES`` lists the SQS queues the feature owns (``logic`` sends to them
and ``events`` consumes them without importing each other), ``models`` holds its PynamoDB
models. ``app.py``, ``infra/`` and ``local/`` all read this list.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

FEATURES: tuple[str, ...] = (
    "system",
    "orgs",
    "accounts",
    "audit",
    "identity",
    "aid",
    "subsidy",
    "dorms",
    "canteen",
    "profiles",
    "social",
    "messaging",
    "inbox",
    "content",
    "bookings",
    "mediation",
    "centres",
    "craftsmen",
    "talents",
)


def _module(feature: str, part: str) -> Any:
    try:
        return importlib.import_module(f"chalicelib.{feature}.{part}")
    except ModuleNotFoundError as exc:
        if exc.name == f"chalicelib.{feature}.{part}":
            return None
        raise


# Set by infra on each deployed function: the one feature whose routes and handlers it runs
# (its role reaches only that feature's resources). Unset (local stack, tests, the API
# function of ``system`` that documents the whole API): every feature.
FEATURE_FILTER_ENV = "GONGHUI_FEATURES"


def enabled() -> tuple[str, ...]:
    wanted = [f.strip() for f in os.environ.get(FEATURE_FILTER_ENV, "").split(",") if f.strip()]
    unknown = sorted(set(wanted) - set(FEATURES))
    if unknown:
        raise RuntimeError(f"{FEATURE_FILTER_ENV} names unknown features: {unknown}")
    return tuple(f for f in FEATURES if f in wanted) if wanted else FEATURES


def blueprints() -> Iterator[tuple[str, Any]]:
    for feature in enabled():
        for part in ("api", "events"):
            module = _module(feature, part)
            if module is not None and getattr(module, "bp", None) is not None:
                yield f"{feature}.{part}", module.bp


def load_models() -> None:
    from chalicelib.platform import idempotency_model, outbox  # noqa: F401  (the shared tables)

    for feature in FEATURES:
        _module(feature, "models")


def queue_specs() -> list[Any]:
    specs: list[Any] = []
    for feature in FEATURES:
        module = _module(feature, "specs")
        specs.extend(getattr(module, "QUEUES", ()) if module else ())
    return specs
