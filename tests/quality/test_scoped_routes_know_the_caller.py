"""A route declared ``SCOPE``, ``OWNER`` or ``SELF`` checks the object against the caller, so
its view must at least receive the caller: ``PUT /messaging/safety/rules/{rule_id}`` was
declared ``SCOPE`` while the rule listing and the trial scan never looked at who asked.
Given every declared route, then each of these kinds takes ``principal``."""
from __future__ import annotations

import inspect
from typing import Any

from chalicelib.platform.http import Ownership
from tests.quality.routes import all_routes

CHECKED = (Ownership.SCOPE, Ownership.OWNER, Ownership.SELF)


def test_every_scoped_owned_or_self_route_receives_the_caller(chalice_app: Any):
    routes = [r for r in all_routes(chalice_app) if r.spec is not None and r.spec.ownership in CHECKED]
    assert len(routes) >= 50
    blind = [f"{r.spec.ownership.value} {r.name}" for r in routes if r.spec is not None
             and "principal" not in inspect.signature(inspect.unwrap(r.view)).parameters]
    assert not blind, f"routes that declare an ownership check but never see the caller: {blind}"
