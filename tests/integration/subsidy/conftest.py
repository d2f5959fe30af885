from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def live(chalice_app: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """``live_api`` that can be used by more than one test in a session.

    Chalice's ``create_local_server`` re-parents the app's class each time it is called; a
    second call in one process makes an inheritance cycle. Put the plain class back before
    and after (a workaround kept inside this feature's tests)."""
    from chalice import Chalice

    chalice_app.__class__ = Chalice
    url = request.getfixturevalue("live_api")
    yield url
    chalice_app.__class__ = Chalice
