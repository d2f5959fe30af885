"""光年间 chat, the WebSocket API: connect (token checked), disconnect, and the client's messages.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import (
    DomainError,
    Forbidden,
    ValidationFailed,
)
from chalicelib.social import standing as social

from .common import CONNECTION_TTL_SECONDS, _transaction
from .delivery import _entry, _forget_connection
from .models import (
    Connection,
    Presence,
    presence_key,
)
from .reading import mark_read
from .sending import send

# --- WebSocket ----------------------------------------------------------------------------

def connect(connection_id: str, token: str | None, domain: str | None, stage: str | None) -> str:
    """Register a connection for the member whose access token came with ``$connect``."""
    from chalicelib.platform.auth import principal_from_claims, verify_token
    from chalicelib.platform.errors import Unauthorized

    if not token:
        raise Unauthorized("请先登录", code="TOKEN_MISSING")
    principal = principal_from_claims(verify_token(token))
    if principal.role is not Role.WORKER or not social.is_active(principal.user_id):
        raise Forbidden("您的会员资格未生效或已被停用", code="MEMBER_NOT_ACTIVE")
    _check_standing(principal)
    expires = clock.now() + timedelta(seconds=CONNECTION_TTL_SECONDS)
    with _transaction() as tx:
        tx.save(Connection(connection_id, user_id=principal.user_id, domain=domain, stage=stage,
                           connected_at=clock.now_iso(), expires=expires))
        tx.update(Presence(presence_key(principal.user_id)), actions=[
            Presence.live.add({_entry(connection_id, domain, stage, int(expires.timestamp()))})])
    return principal.user_id


def disconnect(connection_id: str) -> None:
    try:
        connection = Connection.get(connection_id)
    except Connection.DoesNotExist:
        return
    _forget_connection(connection.user_id, connection_id, _entry(
        connection_id, connection.domain, connection.stage, int(connection.expires.timestamp())))


def connection_user(connection_id: str) -> Principal:
    """The member a connection was registered to; a forged or expired id is refused."""
    try:
        connection = Connection.get(connection_id)
    except Connection.DoesNotExist as exc:
        raise Forbidden("连接未登记，请重新连接", code="CONNECTION_UNKNOWN") from exc
    if connection.expires.timestamp() < clock.epoch():
        raise Forbidden("连接已过期，请重新连接", code="CONNECTION_EXPIRED")
    principal = Principal(user_id=connection.user_id, role=Role.WORKER, org_path=social.org_of(connection.user_id))
    return _check_standing(principal)  # a ban reaches an open WebSocket at its next frame


def _check_standing(principal: Principal) -> Principal:
    """The same standing check the HTTP edge runs (identity's record: bans at once)."""
    from chalicelib.identity import standing

    return standing.check_caller(principal, members_only=True)


def on_socket_message(connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A frame from a registered connection: ``send``, ``read`` or ``ping``. Returns the reply."""
    from chalicelib.platform.http import parse_model

    from .schemas import ReadReceipt, SendMessage

    principal = connection_user(connection_id)
    action = body.get("action")
    ref = body.get("ref")
    try:
        if action == "ping":
            return {"type": "pong", "ref": ref}
        if action == "send":
            parsed = parse_model(SendMessage, body.get("data") or {})
            assert isinstance(parsed, SendMessage)
            accepted = send(principal, parsed.to, parsed.client_id, parsed.text)
            return {"type": "accepted", "ref": ref, **accepted.model_dump()}
        if action == "read":
            data = body.get("data") or {}
            receipt = parse_model(ReadReceipt, {"up_to_seq": data.get("up_to_seq")})
            assert isinstance(receipt, ReadReceipt)
            state = mark_read(principal, str(data.get("conversation_id") or ""), receipt.up_to_seq)
            return {"type": "read_ok", "ref": ref, **state.model_dump()}
        raise ValidationFailed("未知的操作", code="WS_UNKNOWN_ACTION")
    except DomainError as exc:
        return {"type": "error", "ref": ref, **exc.to_body(), "status": exc.status}
