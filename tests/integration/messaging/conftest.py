from __future__ import annotations

from typing import Any

import pytest

from chalicelib.messaging import realtime
from chalicelib.platform.settings import reset_settings
from local.ws_gateway import WsClient, WsGateway
from tests.integration.social.conftest import member  # noqa: F401  (shared fixture)


@pytest.fixture
def gateway(aws: Any, chalice_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The local WebSocket gateway (API Gateway's protocol), with the app posting to it."""
    running = WsGateway(chalice_app).start()
    monkeypatch.setenv("GONGHUI_WS_ENDPOINT", running.management_endpoint)
    reset_settings()
    realtime.reset()
    yield running
    running.stop()
    monkeypatch.delenv("GONGHUI_WS_ENDPOINT")
    reset_settings()
    realtime.reset()


def open_socket(gateway: Any, session: Any) -> WsClient:
    return WsClient.connect(f"{gateway.url}?token={session.tokens['access_token']}")
