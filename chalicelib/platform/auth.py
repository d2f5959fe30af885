"""Roles, principals and the app's own tokens (PyJWT, HS256, key from SSM)."""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from . import clock
from .errors import Unauthorized
from .settings import get_settings

ISSUER = "gonghui"
AUDIENCE = "gonghui-api"


class Role(enum.StrEnum):
    WORKER = "worker"
    ENTERPRISE_ADMIN = "enterprise_admin"
    UNION_ADMIN = "union_admin"
    PLATFORM_ADMIN = "platform_admin"


ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN})


@dataclass(frozen=True)
class Principal:
    """Who is calling. ``org_path`` is the caller's node in the union hierarchy
    (``zj/hz/xihu/e-sanxing`` style); for a worker it is their enterprise's node, for an
    enterprise admin their enterprise, for a union admin the node they administer."""

    user_id: str
    role: Role
    org_path: str
    name: str = ""

    def covers(self, org_path: str | None) -> bool:
        """Is an object in ``org_path`` within this caller's administrative scope?"""
        if self.role is Role.PLATFORM_ADMIN:
            return True
        if not org_path:
            return False
        if self.role in (Role.UNION_ADMIN, Role.ENTERPRISE_ADMIN):
            return org_path == self.org_path or org_path.startswith(self.org_path + "/")
        return False

    @property
    def enterprise_path(self) -> str:
        return self.org_path


def _signing_key() -> str:
    from .parameters import secret

    return secret(get_settings().jwt_key_parameter)


def issue_token(principal: Principal, *, kind: str = "access", family: str | None = None,
                ttl: int | None = None, jti: str | None = None) -> tuple[str, dict[str, Any]]:
    """Sign a token (a fresh ``jti`` unless given). Returns the token and its claims."""
    settings = get_settings()
    now = clock.epoch()
    lifetime = ttl or (settings.access_token_ttl if kind == "access" else settings.refresh_token_ttl)
    claims: dict[str, Any] = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": principal.user_id, "role": principal.role.value,
        "org": principal.org_path, "name": principal.name, "typ": kind,
        "jti": jti or uuid.uuid4().hex, "iat": now, "nbf": now - 5, "exp": now + lifetime,
    }
    if family:
        claims["fam"] = family
    import jwt  # PyJWT loads cryptography (~0.15 s): only callers that sign or verify pay it

    return jwt.encode(claims, _signing_key(), algorithm="HS256"), claims


def verify_token(token: str, *, kind: str = "access") -> dict[str, Any]:
    import jwt

    try:
        claims = jwt.decode(
            token, _signing_key(), algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "typ", "jti"]},
            leeway=0,
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("登录已过期，请重新登录", code="TOKEN_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID") from exc
    if claims.get("typ") != kind:
        raise Unauthorized("登录凭证类型不正确", code="TOKEN_INVALID")
    # PyJWT compares exp with the wall clock; honour the app clock too.
    if int(claims["exp"]) <= clock.epoch():
        raise Unauthorized("登录已过期，请重新登录", code="TOKEN_EXPIRED")
    return claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
    except (KeyError, ValueError) as exc:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID") from exc
    return Principal(user_id=str(claims["sub"]), role=role, org_path=str(claims.get("org") or ""),
                     name=str(claims.get("name") or ""))


def principal_from_header(authorization: str | None) -> Principal:
    if not authorization:
        raise Unauthorized("请先登录", code="TOKEN_MISSING")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("登录凭证格式不正确，应为 Bearer 令牌", code="TOKEN_INVALID")
    return principal_from_claims(verify_token(token.strip()))
