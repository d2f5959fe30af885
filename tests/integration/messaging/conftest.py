from __future__ import annotations

from typing import Any

import pytest

from chalicelib.messaging import realtime
from chalicelib.platform.settings import reset_settings
from local.ws_gateway import WsClient, WsGateway
from tests.integration.social.conftest import member  # noqa: F401  (shared fixture)


@pytest.fixture
def gateway(aws: Any, chalice_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The local WebSocket gateway (API Gateway's protocol), with the app posting to it. Every
    frame a test sends or receives is checked against the documented protocol
    (chalicelib/messaging/protocol.py, served as AsyncAPI at /messaging/asyncapi.json)."""
    from chalicelib.messaging.protocol import client_frame_adapter, server_frame_adapter

    sends, receives = client_frame_adapter(), server_frame_adapter()
    send_json, recv_json = WsClient.send_json, WsClient.recv_json
    refused_refs: set[Any] = set()

    def checked_send(self: WsClient, payload: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        try:
            sends.validate_python(payload)
        except ValueError:  # a frame the protocol forbids: the server must answer it with an error
            refused_refs.add(payload.get("ref"))
        send_json(self, payload, *args, **kwargs)

    def checked_recv(self: WsClient, *args: Any, **kwargs: Any) -> dict[str, Any]:
        frame = recv_json(self, *args, **kwargs)
        receives.validate_python(frame)
        if frame.get("ref") in refused_refs:
            assert frame["type"] == "error", f"a frame outside the protocol was accepted: {frame}"
        return frame

    monkeypatch.setattr(WsClient, "send_json", checked_send)
    monkeypatch.setattr(WsClient, "recv_json", checked_recv)
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
