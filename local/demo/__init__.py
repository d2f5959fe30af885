"""Demo data for the local stack. Each feature may add ``local/demo/<feature>.py`` with a
``seed()`` function; they run in the order of ``chalicelib.features.FEATURES``, after the
reference org hierarchy exists. Seeds go through the features' own logic functions where
they can, so demo data obeys the same rules as real data."""
from __future__ import annotations

import importlib

from chalicelib import features


def seed_all() -> list[str]:
    seeded = []
    for feature in features.FEATURES:
        try:
            module = importlib.import_module(f"local.demo.{feature}")
        except ModuleNotFoundError as exc:
            if exc.name == f"local.demo.{feature}":
                continue
            raise
        module.seed()
        seeded.append(feature)
    return seeded
