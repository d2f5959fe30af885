"""What every outside-system client shares: one HTTP primitive, JSON decoding, the refusal error.

Each provider module wraps :func:`fetch` in its own one-line ``_http`` function, so a test
can point a client at the local fakes just by changing the base URL in settings (or replace
that one function). Nothing here logs URLs, query strings or bodies: they carry secrets
(WeChat puts the app secret in the query string) and personal data.
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from chalicelib.platform.errors import ProviderError
from chalicelib.platform.observability import logger

# Default per-call timeout. Lambda runs for at most 15 s and a WeChat push can take four
# calls in the worst case (token, send, token refresh, send). There is no settings field
# for it; ``fetch`` takes ``timeout`` for the rare caller that needs another value.
HTTP_TIMEOUT_SECONDS = 5.0

_LABELS = {"wechat": "微信", "alipay": "支付宝", "dingtalk": "浙政钉", "zwfw": "政务服务网"}


class SubscriptionRefused(ProviderError):
    """The person has not subscribed to (or has refused) this message template."""

    status, code, message = 502, "SUBSCRIPTION_REFUSED", "用户未订阅该消息或已拒绝接收"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def label(provider: str) -> str:
    return _LABELS.get(provider, provider)


def unavailable(provider: str) -> ProviderError:
    return ProviderError(f"暂时无法连接{label(provider)}服务，请稍后再试", code=f"{provider.upper()}_UNAVAILABLE")


def failed(provider: str, message: str | None = None) -> ProviderError:
    return ProviderError(message or f"{label(provider)}服务暂时不可用，请稍后再试", code=f"{provider.upper()}_ERROR")


def fetch(method: str, url: str, *, provider: str, body: bytes | None = None,
          headers: dict[str, str] | None = None, timeout: float = HTTP_TIMEOUT_SECONDS) -> HttpResponse:
    """One HTTP exchange. Non-2xx answers are returned, not raised; network failures and
    timeouts become ``ProviderError(<PROVIDER>_UNAVAILABLE)`` with no URL in sight."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ValueError("provider URLs must be http(s)")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 (checked)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked above)
            return HttpResponse(response.status, response.read(), dict(response.headers.items()))
    except urllib.error.HTTPError as exc:
        try:
            payload = exc.read()
        finally:
            exc.close()
        return HttpResponse(exc.code, payload, dict(exc.headers.items()) if exc.headers else {})
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets, truncated bodies
        reason = getattr(exc, "reason", exc)
        logger.warning("provider unreachable",
                       extra={"provider": provider, "error_type": type(reason).__name__})
        raise unavailable(provider) from None


def json_body(response: HttpResponse, provider: str) -> dict[str, Any]:
    """The response as a JSON object, or ``<PROVIDER>_ERROR``."""
    if response.status >= 500:
        logger.warning("provider server error", extra={"provider": provider, "http_status": response.status})
        raise failed(provider)
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        logger.warning("provider answered non-JSON",
                       extra={"provider": provider, "http_status": response.status})
        raise failed(provider) from None
    if not isinstance(data, dict):
        raise failed(provider)
    return data
