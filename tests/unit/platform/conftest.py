"""Unit fixtures: only the keys (SSM in moto), not the whole stack."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws


@pytest.fixture
def keys() -> Iterator[None]:
    """Fresh random JWT and PII keys in a moto SSM, as the local stage seeds them."""
    from local import bootstrap

    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.seed_parameters()
        yield
        bootstrap.reset_caches()
