"""WeChat mini-program server API: login (``code2Session``) and subscribe messages.

Documented behaviour this client relies on (developers.weixin.qq.com, 小程序服务端 API):

- ``GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`` answers
  ``{openid, session_key, unionid?}`` or ``{errcode, errmsg}``; 40029 invalid code,
  40163 code already used, 40226 high-risk user, 45011 rate limited, -1 busy. A code is
  valid once, for five minutes.
- ``POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh}`` answers
  ``{access_token, expires_in}``: the same token to every caller until it expires (so
  functions scaling out do not invalidate each other's, as ``/cgi-bin/token`` would);
  ``force_refresh`` issues a new one. 40001/42001 on a later call mean the token is
  invalid/expired.
- ``POST /cgi-bin/message/subscribe/send?access_token=`` with
  ``{touser, template_id, page?, data: {key: {value}}, miniprogram_state, lang}``;
  43101 = the user refused / has not subscribed.

The access token is cached in memory (per Lambda container) until shortly before it
expires. ``session_key`` never leaves this process in a log line or ``repr``.
"""
from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings

from .base import HttpResponse, SubscriptionRefused, failed, fetch, json_body

__all__ = [
    "SubscriptionRefused", "WechatSession", "access_token", "code_to_session", "reset_cache",
    "send_subscribe_message",
]

PROVIDER = "wechat"
CODE_INVALID_ERRCODES = frozenset({40029, 40163, 40226})
TOKEN_INVALID_ERRCODES = frozenset({40001, 42001})
REFUSED_ERRCODE = 43101
# Refresh the cached token this long before WeChat says it expires.
TOKEN_REFRESH_MARGIN_SECONDS = 300
# ``miniprogram_state`` per stage: which build of the mini-program a message opens.
MINIPROGRAM_STATE = {"local": "developer", "dev": "trial", "prod": "formal"}


@dataclass(frozen=True)
class WechatSession:
    openid: str
    unionid: str | None
    session_key: str = field(repr=False)


@dataclass
class _Token:
    value: str
    expires_at: float


_lock = threading.Lock()
_token: _Token | None = None


def reset_cache() -> None:
    """Forget the cached access token (tests, and after rotating the app secret)."""
    global _token
    with _lock:
        _token = None


def _http(method: str, path: str, *, query: dict[str, str], payload: dict[str, Any] | None = None) -> HttpResponse:
    """The only place this module talks HTTP."""
    base = get_settings().wechat_api_base.rstrip("/")
    url = f"{base}{path}?{urllib.parse.urlencode(query)}" if query else f"{base}{path}"
    body = None
    headers = {"Accept": "application/json"}
    if payload is not None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    return fetch(method, url, provider=PROVIDER, body=body, headers=headers)


def _errcode(data: dict[str, Any]) -> int:
    try:
        return int(data.get("errcode") or 0)
    except (TypeError, ValueError):
        return -1


def _credentials() -> dict[str, str]:
    settings = get_settings()
    return {"appid": settings.wechat_app_id, "secret": parameters.secret(settings.wechat_secret_parameter)}


def code_to_session(code: str) -> WechatSession:
    """Exchange a ``wx.login`` code for the person's openid (and unionid, if bound)."""
    if not code or not code.strip():
        raise Unauthorized("微信登录凭证无效或已过期，请重新登录", code="WECHAT_CODE_INVALID")
    query = {**_credentials(), "js_code": code.strip(), "grant_type": "authorization_code"}
    data = json_body(_http("GET", "/sns/jscode2session", query=query), PROVIDER)
    errcode = _errcode(data)
    if errcode in CODE_INVALID_ERRCODES:
        logger.info("wechat login code refused", extra={"provider": PROVIDER, "errcode": errcode})
        raise Unauthorized("微信登录凭证无效或已过期，请重新登录", code="WECHAT_CODE_INVALID")
    if errcode != 0:
        logger.warning("wechat code2session failed", extra={"provider": PROVIDER, "errcode": errcode})
        raise failed(PROVIDER)
    openid, session_key = data.get("openid"), data.get("session_key")
    if not isinstance(openid, str) or not openid or not isinstance(session_key, str):
        logger.warning("wechat code2session answered without openid", extra={"provider": PROVIDER})
        raise failed(PROVIDER)
    unionid = data.get("unionid")
    return WechatSession(openid=openid, unionid=unionid if isinstance(unionid, str) and unionid else None,
                         session_key=session_key)


def _fetch_token(*, force_refresh: bool = False) -> _Token:
    """WeChat's *stable* access token: every container of every function gets the same token
    until it expires (``/cgi-bin/token`` would hand each a new one, invalidating the others'
    as they scale out). ``force_refresh`` only when WeChat rejected the current one."""
    payload = {"grant_type": "client_credential", **_credentials(), "force_refresh": force_refresh}
    data = json_body(_http("POST", "/cgi-bin/stable_token", query={}, payload=payload), PROVIDER)
    errcode = _errcode(data)
    token = data.get("access_token")
    if errcode != 0 or not isinstance(token, str) or not token:
        logger.warning("wechat access token refused", extra={"provider": PROVIDER, "errcode": errcode})
        raise ProviderError("微信服务暂时不可用，请稍后再试", code="WECHAT_TOKEN_ERROR")
    try:
        expires_in = int(data.get("expires_in") or 7200)
    except (TypeError, ValueError):
        expires_in = 7200
    margin = min(TOKEN_REFRESH_MARGIN_SECONDS, expires_in // 2)
    return _Token(token, clock.now().timestamp() + expires_in - margin)


def access_token(*, stale: str | None = None) -> str:
    """The cached access token, fetched when missing, near expiry, or equal to ``stale``
    (a token WeChat just called invalid; another thread may already have replaced it)."""
    global _token
    with _lock:
        current = _token
        if current is None or current.expires_at <= clock.now().timestamp() or current.value == stale:
            current = _fetch_token()
            if stale is not None and current.value == stale:
                # WeChat still hands out the token it just rejected: only then force a new one
                # (forcing first would invalidate every other container's token in turn).
                current = _fetch_token(force_refresh=True)
            _token = current
        return current.value


def send_subscribe_message(openid: str, template_id: str, data: dict[str, str], page: str | None = None) -> None:
    """Send a subscribe message. Raises :class:`SubscriptionRefused` on 43101."""
    payload: dict[str, Any] = {
        "touser": openid,
        "template_id": template_id,
        "data": {key: {"value": str(value)} for key, value in data.items()},
        "miniprogram_state": MINIPROGRAM_STATE.get(get_settings().stage, "formal"),
        "lang": "zh_CN",
    }
    if page:
        payload["page"] = page
    token = access_token()
    for attempt in (1, 2):
        answer = json_body(_http("POST", "/cgi-bin/message/subscribe/send", query={"access_token": token},
                                 payload=payload), PROVIDER)
        errcode = _errcode(answer)
        if errcode == 0:
            return
        if errcode in TOKEN_INVALID_ERRCODES and attempt == 1:
            logger.info("wechat access token rejected, refreshing", extra={"provider": PROVIDER, "errcode": errcode})
            token = access_token(stale=token)
            continue
        if errcode == REFUSED_ERRCODE:
            raise SubscriptionRefused()
        logger.warning("wechat subscribe message failed",
                       extra={"provider": PROVIDER, "errcode": errcode, "template_id": template_id})
        raise failed(PROVIDER)
