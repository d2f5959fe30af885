"""浙政钉 (Zhejiang government DingTalk, 专有钉钉 open platform) login.

Request signing, as the platform's SDKs (``com.alibaba.xxpt.gateway`` ExecutableClient)
and public integrations implement it — the portal documentation itself is not public:

- headers ``X-Hmac-Auth-Timestamp`` (``yyyy-MM-dd'T'HH:mm:ss.SSS+08:00``),
  ``X-Hmac-Auth-Version: 1.0``, ``X-Hmac-Auth-Nonce`` (13-digit millisecond time + 4 random
  digits), ``apiKey`` (the app key), ``X-Hmac-Auth-IP``/``X-Hmac-Auth-MAC`` (informational)
  and ``X-Hmac-Auth-Signature``;
- signature = base64(HMAC-SHA256(app secret, ``METHOD\\ntimestamp\\nnonce\\nURI\\nparams``))
  where ``params`` is every request parameter (query or form) as ``k=v`` sorted by name,
  joined by ``&``, values *not* URL-encoded (the trailing ``\\nparams`` is omitted when there
  are none);
- answers are ``{"success": bool, "content": {"success": bool, "data": ..., "responseCode",
  "responseMessage"}}`` (gateway failures: ``{"success": false, "errorCode", "errorMsg"}``).

Calls: ``GET /gettoken.json?appkey&appsecret`` → ``content.data {accessToken, expiresIn}``;
``POST /rpc/oauth2/dingtalk_app_user.json`` (form ``access_token``, ``auth_code``) →
``content.data {accountId, lastName, nickNameCn, employeeCode, tenantId|realmId, ...}``.
The platform's error codes for a bad ``auth_code`` are not public, so any refusal of the
user call (``content.success`` false) counts as an invalid code — after one retry with a
fresh token when the token came from the cache.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import socket
import threading
import urllib.parse
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings

from .base import HttpResponse, failed, fetch, json_body

__all__ = ["DingtalkUser", "access_token", "reset_cache", "signed_headers", "string_to_sign", "user_by_auth_code"]

PROVIDER = "dingtalk"
TOKEN_PATH = "/gettoken.json"
USER_PATH = "/rpc/oauth2/dingtalk_app_user.json"
TOKEN_REFRESH_MARGIN_SECONDS = 300


@dataclass(frozen=True)
class DingtalkUser:
    account_id: str
    name: str
    employee_code: str | None
    tenant_id: str | None


@dataclass
class _Token:
    value: str
    expires_at: float


_lock = threading.Lock()
_token: _Token | None = None


def reset_cache() -> None:
    global _token
    with _lock:
        _token = None


def string_to_sign(method: str, timestamp: str, nonce: str, uri: str, params: dict[str, str]) -> str:
    text = f"{method.upper()}\n{timestamp}\n{nonce}\n{uri}"
    canonical = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"{text}\n{canonical}" if canonical else text


@lru_cache(maxsize=1)
def _host_identity() -> tuple[str, str]:
    try:
        ip = socket.gethostbyname(socket.gethostname())
    except OSError:
        ip = "127.0.0.1"
    node = f"{uuid.getnode():012x}"
    return ip, ":".join(node[i:i + 2] for i in range(0, 12, 2))


def signed_headers(method: str, uri: str, params: dict[str, str], *, app_key: str, secret: str) -> dict[str, str]:
    moment = clock.to_shanghai(clock.now())
    timestamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+08:00"
    nonce = f"{int(moment.timestamp() * 1000)}{secrets.randbelow(10000):04d}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign(method, timestamp, nonce, uri, params).encode("utf-8"),
                      hashlib.sha256).digest()
    ip, mac = _host_identity()
    return {
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-Nonce": nonce,
        "apiKey": app_key,
        "X-Hmac-Auth-Signature": base64.b64encode(digest).decode("ascii"),
        "X-Hmac-Auth-IP": ip,
        "X-Hmac-Auth-MAC": mac,
    }


def _http(method: str, path: str, params: dict[str, str]) -> HttpResponse:
    """The only place this module talks HTTP."""
    settings = get_settings()
    secret = parameters.secret(settings.dingtalk_secret_parameter)
    headers = signed_headers(method, path, params, app_key=settings.dingtalk_app_key, secret=secret)
    headers["Accept"] = "application/json"
    url = settings.dingtalk_api_base.rstrip("/") + path
    encoded = urllib.parse.urlencode(params)
    if method == "GET":
        return fetch("GET", f"{url}?{encoded}" if encoded else url, provider=PROVIDER, headers=headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded;charset=utf-8"
    return fetch(method, url, provider=PROVIDER, body=encoded.encode("utf-8"), headers=headers)


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """``content`` of an answer the gateway accepted; gateway refusals are our fault → 502."""
    content = data.get("content")
    if data.get("success") is not True or not isinstance(content, dict):
        logger.warning("dingtalk gateway refused call",
                       extra={"provider": PROVIDER, "error_code": data.get("errorCode")})
        raise failed(PROVIDER)
    return content


def _fetch_token() -> _Token:
    settings = get_settings()
    params = {"appkey": settings.dingtalk_app_key, "appsecret": parameters.secret(settings.dingtalk_secret_parameter)}
    content = _content(json_body(_http("GET", TOKEN_PATH, params), PROVIDER))
    data = content.get("data") if content.get("success") is True else None
    token = data.get("accessToken") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(token, str) or not token:
        logger.warning("dingtalk access token refused",
                       extra={"provider": PROVIDER, "response_code": content.get("responseCode")})
        raise ProviderError("浙政钉服务暂时不可用，请稍后再试", code="DINGTALK_TOKEN_ERROR")
    try:
        expires_in = int(data.get("expiresIn") or data.get("expireIn") or 7200)
    except (TypeError, ValueError):
        expires_in = 7200
    margin = min(TOKEN_REFRESH_MARGIN_SECONDS, expires_in // 2)
    return _Token(token, clock.now().timestamp() + expires_in - margin)


def _cached_token(stale: str | None = None) -> tuple[str, bool]:
    """(token, fetched just now)."""
    global _token
    with _lock:
        current = _token
        if current is None or current.expires_at <= clock.now().timestamp() or current.value == stale:
            current = _token = _fetch_token()
            return current.value, True
        return current.value, False


def access_token() -> str:
    """The app access token, cached until shortly before ``expiresIn``."""
    return _cached_token()[0]


def _invalid_code() -> Unauthorized:
    return Unauthorized("浙政钉登录凭证无效或已过期，请重新登录", code="DINGTALK_CODE_INVALID")


def user_by_auth_code(auth_code: str) -> DingtalkUser:
    """Who opened our app inside 浙政钉 (免登 ``auth_code`` from the JSAPI)."""
    if not auth_code or not auth_code.strip():
        raise _invalid_code()
    token, fresh = _cached_token()
    for attempt in (1, 2):
        content = _content(json_body(_http("POST", USER_PATH, {"access_token": token, "auth_code": auth_code.strip()}),
                                     PROVIDER))
        if content.get("success") is True:
            break
        if attempt == 1 and not fresh:  # maybe our cached token was revoked: once more with a new one
            token, fresh = _cached_token(stale=token)
            continue
        logger.info("dingtalk auth code refused",
                    extra={"provider": PROVIDER, "response_code": content.get("responseCode")})
        raise _invalid_code()
    data = content.get("data")
    if not isinstance(data, dict) or data.get("accountId") in (None, ""):
        logger.warning("dingtalk user answer without accountId", extra={"provider": PROVIDER})
        raise failed(PROVIDER)
    name = data.get("lastName") or data.get("nickNameCn") or data.get("nickName") or ""
    employee_code = data.get("employeeCode")
    tenant = data.get("tenantId") if data.get("tenantId") not in (None, "") else data.get("realmId")
    return DingtalkUser(account_id=str(data["accountId"]), name=str(name),
                        employee_code=str(employee_code) if employee_code not in (None, "") else None,
                        tenant_id=str(tenant) if tenant not in (None, "") else None)
