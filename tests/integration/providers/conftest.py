"""Provider clients against the running fakes, with SSM in moto.

One fake server per session (RSA key generation is the slow part); every test gets it
reset, a fresh moto account holding the fake's secrets, and clean settings and caches.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws  # before any boto3 client is built

from local.fakes import FakeProviders, start_fakes
from local.fakes.testing import provider_sandbox


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeProviders]:
    fake = start_fakes()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_server: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProviders]:
    """The fakes, reset, with the app pointed at them and their secrets in (moto) SSM."""
    fake_server.reset()
    with mock_aws():
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
        with provider_sandbox(fake_server, monkeypatch):
            yield fake_server
