"""Unit tests of the provider clients: signing, parsing, error mapping, caching.

Most tests replace a module's single ``_http`` seam with canned answers; the ones that need
real keys or secrets use the fake (one per session) and moto SSM, like the integration tests.
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
