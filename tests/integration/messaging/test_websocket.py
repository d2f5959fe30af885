"""Realtime chat over the WebSocket API (served locally by ``local/ws_gateway.py``, which
speaks the API Gateway protocol): connect with the access token, get messages as they are
delivered, send over the socket; forged connections and bad tokens are refused."""
from __future__ import annotations

import pytest

from chalicelib.messaging import realtime
from chalicelib.platform.settings import reset_settings
from local.ws_gateway import WsClient, WsGateway
from tests.integration.social.conftest import befriend


@pytest.fixture
def gateway(aws, chalice_app, monkeypatch):
    """The local WebSocket gateway; every frame a test sends or receives is checked against the
    documented protocol (chalicelib/messaging/protocol.py, served as AsyncAPI)."""
    from chalicelib.messaging.protocol import client_frame_adapter, server_frame_adapter

    sends, receives = client_frame_adapter(), server_frame_adapter()
    send_json, recv_json = WsClient.send_json, WsClient.recv_json

    refused_refs: set = set()

    def checked_send(self, payload, *args, **kwargs):
        try:
            sends.validate_python(payload)
        except ValueError:  # a frame the protocol forbids: the server must answer it with an error
            refused_refs.add(payload.get("ref"))
        return send_json(self, payload, *args, **kwargs)

    def checked_recv(self, *args, **kwargs):
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


def open_socket(gateway, session) -> WsClient:
    return WsClient.connect(f"{gateway.url}?token={session.tokens['access_token']}")


def test_two_friends_chat_in_real_time(gateway, member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    wang_socket, li_socket = open_socket(gateway, wang), open_socket(gateway, li)
    try:
        wang_socket.send_json({"action": "send", "ref": "r1",
                               "data": {"to": "xiaoli", "client_id": "ws-000001", "text": "在吗？晚上一起吃饭"}})
        ack = wang_socket.recv_json()
        assert ack["type"] == "accepted" and ack["ref"] == "r1" and ack["seq"] == 1
        pump.drain()
        arrived = li_socket.recv_json()
        assert arrived["type"] == "message"
        assert arrived["message"]["text"] == "在吗？晚上一起吃饭" and arrived["message"]["sender"] == "xiaowang"
        echo = wang_socket.recv_json()
        assert echo["type"] == "message" and echo["message"]["seq"] == 1

        li_socket.send_json({"action": "read", "ref": "r2",
                             "data": {"conversation_id": ack["conversation_id"], "up_to_seq": 1}})
        assert li_socket.recv_json()["type"] == "read_ok"
        receipt = wang_socket.recv_json()
        assert receipt == {"type": "read", "conversation_id": ack["conversation_id"], "reader": "xiaoli",
                           "up_to_seq": 1}

        li_socket.send_json({"action": "send", "ref": "r3", "data": {"to": "xiaowang", "client_id": "x",
                                                                      "text": ""}})
        refused = li_socket.recv_json()
        assert refused["type"] == "error" and refused["status"] == 422
    finally:
        wang_socket.close()
        li_socket.close()


def test_connections_without_a_valid_token_are_refused(gateway, member):
    member("xiaowang")
    with pytest.raises(ConnectionRefusedError) as missing:
        WsClient.connect(gateway.url)
    assert missing.value.args[0] == 401
    with pytest.raises(ConnectionRefusedError):
        WsClient.connect(f"{gateway.url}?token=forged.token.value")


def test_a_forged_connection_id_is_refused(gateway, member):
    member("xiaowang")
    event = {"requestContext": {"routeKey": "$default", "eventType": "MESSAGE", "connectionId": "forged-id=",
                                "domainName": "127.0.0.1", "stage": "local", "apiId": "local"},
             "body": '{"action": "send", "data": {"to": "xiaoli", "client_id": "forged-01", "text": "hi"}}'}
    from chalicelib.messaging.events import ws_message

    answer = ws_message(event, None)
    assert answer["statusCode"] == 403
    assert "CONNECTION_UNKNOWN" in answer["body"]


def test_a_disconnected_member_gets_a_push_instead(gateway, member, pump, monkeypatch):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    li_socket = open_socket(gateway, li)
    li_socket.close()
    import time

    for _ in range(50):  # the gateway runs $disconnect as the socket closes
        if not gateway.connection_ids:
            break
        time.sleep(0.05)
    queued = []
    from chalicelib.platform import queues

    real = queues.send
    monkeypatch.setattr(queues, "send", lambda spec, message, **kw: (queued.append(spec.short),
                                                                      real(spec, message, **kw))[1])
    wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "push-00001", "text": "你好"})
    pump.drain()
    assert "messaging-push" in queued


def test_the_protocol_document_names_every_frame_the_code_sends(api):
    """The AsyncAPI document at /messaging/asyncapi.json lists every ``type`` the server code
    pushes and every ``action`` it answers."""
    import inspect
    import re
    from pathlib import Path

    import chalicelib.messaging.logic as logic_module
    from tests.conftest import body

    document = body(api.get("/messaging/asyncapi.json"))
    assert document["asyncapi"] == "2.6.0"
    channel = document["channels"]["/"]
    pushed = {m["name"] for m in channel["subscribe"]["message"]["oneOf"]}
    accepted = {m["name"] for m in channel["publish"]["message"]["oneOf"]}
    source = Path(logic_module.__file__).read_text(encoding="utf-8")
    assert set(re.findall(r'"type": "([a-z_]+)"', source)) <= pushed
    answered = inspect.getsource(logic_module.on_socket_message)
    assert set(re.findall(r'action == "([a-z_]+)"', answered)) == accepted
