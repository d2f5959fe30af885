"""The 光年间 chat WebSocket protocol, machine-readable (AsyncAPI 2.6, served at
``GET /messaging/asyncapi.json``) and described in the README.

Connect: ``wss://<websocket api>/<stage>?token=<access token>`` (locally
``ws://127.0.0.1:8001/local?token=...``, ``python -m local.ws_gateway``). Only an active member
(role ``worker``) may connect: 401 ``TOKEN_MISSING`` / ``TOKEN_INVALID`` / ``TOKEN_EXPIRED``,
403 ``MEMBER_NOT_ACTIVE`` refuse the upgrade. A connection lives two hours; reconnect with a
fresh token.

Every frame is a JSON object. The client sends ``{"action", "ref", "data"}`` (``ref`` is any
string, echoed in the reply); the server replies to each frame and pushes events, each with a
``type``. The models below are the protocol; the tests check every frame they exchange
against them."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from chalicelib.platform.schema import Schema

from .schemas import MessageView, ReadReceipt, ReadState, SendAccepted, SendMessage

Ref = Annotated[str | None, Field(None, max_length=64, description="客户端自定的请求标识，原样出现在应答里")]


# --- client → server ----------------------------------------------------------------------

class WsPing(Schema):
    """保活：服务端答 ``pong``。"""

    action: Literal["ping"]
    ref: Ref = None


class WsSend(Schema):
    """发消息（与 ``POST /messaging/messages`` 相同）：服务端先答 ``accepted``，投递后向双方推送 ``message``。"""

    action: Literal["send"]
    ref: Ref = None
    data: SendMessage


class WsReadData(ReadReceipt):
    __schema_name__ = "WsReadData"
    conversation_id: str = Field(..., min_length=1, description="会话 id")


class WsRead(Schema):
    """已读回执：服务端答 ``read_ok``，并向对方推送 ``read``。"""

    action: Literal["read"]
    ref: Ref = None
    data: WsReadData


# --- server → client ----------------------------------------------------------------------

class WsPong(Schema):
    type: Literal["pong"]
    ref: str | None = None


class WsAccepted(SendAccepted):
    """``send`` 已受理（排队投递，随后推送 ``message``）。"""

    type: Literal["accepted"]
    ref: str | None = None


class WsReadOk(ReadState):
    """``read`` 已记录。"""

    type: Literal["read_ok"]
    ref: str | None = None


class WsError(Schema):
    """某一帧被拒绝：与 HTTP 错误同样的 ``code``/``message``/``details``，加上 HTTP 状态码。"""

    type: Literal["error"]
    ref: str | None = None
    code: str = Field(..., examples=["WS_UNKNOWN_ACTION"])
    message: str = Field(..., examples=["未知的操作"])
    details: list[dict[str, Any]] = Field(default_factory=list)
    status: int = Field(..., examples=[422])


class WsMessagePushed(Schema):
    """一条消息已投递（推送给收信人与发信人的所有连接）；被扣留的消息不会推送给收信人。"""

    type: Literal["message"]
    message: MessageView


class WsReadPushed(Schema):
    """对方读到了 ``up_to_seq``。"""

    type: Literal["read"]
    conversation_id: str
    reader: str
    up_to_seq: int


class WsRecalled(Schema):
    """一条消息被撤回。"""

    type: Literal["recalled"]
    conversation_id: str
    seq: int
    message_id: str


CLIENT_FRAMES = (WsPing, WsSend, WsRead)
SERVER_FRAMES = (WsPong, WsAccepted, WsReadOk, WsError, WsMessagePushed, WsReadPushed, WsRecalled)

ClientFrame = Annotated[WsPing | WsSend | WsRead, Field(discriminator="action")]
ServerFrame = Annotated[WsPong | WsAccepted | WsReadOk | WsError | WsMessagePushed | WsReadPushed | WsRecalled,
                        Field(discriminator="type")]


def client_frame_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(ClientFrame)


def server_frame_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(ServerFrame)


def asyncapi() -> dict[str, Any]:
    """The protocol as an AsyncAPI 2.6 document (schemas in JSON Schema, as pydantic writes them)."""
    from pydantic.json_schema import models_json_schema

    models = [(m, "validation") for m in CLIENT_FRAMES] + [(m, "serialization") for m in SERVER_FRAMES]
    raw_refs, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    refs: dict[Any, dict[str, Any]] = dict(raw_refs)

    def message(model: type[Schema], mode: str) -> dict[str, Any]:
        name = str(model.__dict__.get("__schema_name__") or model.__name__)
        kind = model.model_fields["action" if mode == "validation" else "type"].annotation.__args__[0]  # type: ignore[union-attr]
        return {"name": kind, "title": name, "summary": (model.__doc__ or name).strip().splitlines()[0],
                "contentType": "application/json", "payload": refs[(model, mode)]}

    return {
        "asyncapi": "2.6.0",
        "info": {"title": "光年间 聊天 WebSocket", "version": "1.0.0",
                 "description": (__doc__ or "").split("\n\n", 1)[1].strip()},
        "defaultContentType": "application/json",
        "servers": {
            "local": {"url": "ws://127.0.0.1:8001/local", "protocol": "ws",
                      "description": "本地：python -m local.ws_gateway"},
            "aws": {"url": "wss://{apiId}.execute-api.{region}.amazonaws.com.cn/{stage}", "protocol": "wss",
                    "variables": {"apiId": {}, "region": {"default": "cn-north-1"},
                                  "stage": {"enum": ["api"], "default": "api"}}},
        },
        "channels": {
            "/": {
                "description": "连接时带 `?token=<access_token>`（仅已激活的会员，role=worker）。"
                               "拒绝连接：401 TOKEN_MISSING/TOKEN_INVALID/TOKEN_EXPIRED，403 MEMBER_NOT_ACTIVE。",
                "bindings": {"ws": {"query": {"type": "object", "required": ["token"],
                                              "properties": {"token": {"type": "string",
                                                                       "description": "登录得到的 access_token"}}}}},
                "publish": {"summary": "客户端发出的帧", "operationId": "clientSends",
                            "message": {"oneOf": [message(m, "validation") for m in CLIENT_FRAMES]}},
                "subscribe": {"summary": "服务端的应答与推送", "operationId": "clientReceives",
                              "message": {"oneOf": [message(m, "serialization") for m in SERVER_FRAMES]}},
            },
        },
        "components": {"schemas": top.get("$defs", {})},
    }
