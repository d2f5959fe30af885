"""Cursor pages: opaque, tamper-proof (HMAC-signed) and bound to the query they came from."""

import base64
import hashlib
import hmac
import json
from typing import Any

from pydantic import Field

from .errors import BadRequest
from .schema import Schema

MAX_PAGE = 100


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


def _key() -> bytes:
    from .parameters import secret
    from .settings import get_settings

    return hashlib.sha256(b"gonghui-cursor:" + secret(get_settings().jwt_key_parameter).encode()).digest()


def encode_cursor(last_key: dict[str, Any] | None, *, bound_to: str) -> str | None:
    """Sign DynamoDB's ``LastEvaluatedKey`` (or any position) for the query ``bound_to``."""
    if not last_key:
        return None
    payload = json.dumps({"k": last_key, "q": bound_to}, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(_key(), payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac + payload).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, bound_to: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mac, payload = raw[:16], raw[16:]
        valid = hmac.compare_digest(mac, hmac.new(_key(), payload, hashlib.sha256).digest()[:16])
        data = json.loads(payload) if valid else None
    except (ValueError, json.JSONDecodeError):
        data = None
    if not data or data.get("q") != bound_to:
        raise BadRequest("分页游标无效或已被篡改，请从第一页重新开始", code="INVALID_CURSOR")
    result: dict[str, Any] = data["k"]
    return result
