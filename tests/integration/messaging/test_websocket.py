"""Realtime chat over the WebSocket API (served locally by ``local/ws_gateway.py``, which
speaks the API Gateway protocol): connect with the access token, get messages as they are
delivered, send over the socket; forged connections and bad tokens are refused."""
from __future__ import annotations

import pytest

from local.ws_gateway import WsClient
from tests.conftest import body
from tests.integration.social.conftest import befriend

from .conftest import open_socket


def test_two_friends_chat_in_real_time(gateway, member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    wang_socket, li_socket = open_socket(gateway, wang), open_socket(gateway, li)
    try:
        wang_socket.send_json({"action": "send", "ref": "r1",
                               "data": {"to": "xiaoli", "client_id": "ws-000001", "text": "在吗？晚上一起吃饭"}})
        ack = wang_socket.recv_json()
        assert ack["type"] == "accepted" and ack["ref"] == "r1" and ack["seq"] is None  # numbered on delivery
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


def test_a_disconnected_member_gets_a_push_instead(gateway, member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    li_socket = open_socket(gateway, li)
    li_socket.close()
    import time

    for _ in range(50):  # the gateway runs $disconnect as the socket closes
        if not gateway.connection_ids:
            break
        time.sleep(0.05)
    wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "push-00001", "text": "你好"})
    pump.drain()
    reminded = body(li.get("/inbox?kind=messaging"))["items"]             # the reminder is in her one inbox
    assert [i["title"] for i in reminded] == ["光年间新消息"]
    assert reminded[0]["link"].startswith("pages/messages/chat?c=")


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
