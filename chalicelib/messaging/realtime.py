"""The seam to the WebSocket API's management endpoint (``post_to_connection``).

The endpoint is ``GONGHUI_WS_ENDPOINT`` when set (the local gateway, or a custom domain),
otherwise ``https://{domain}/{stage}`` of the connection, as API Gateway gives it in the
``$connect`` event. The same boto3 ``apigatewaymanagementapi`` client speaks to both.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings


@lru_cache(maxsize=16)
def _client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "apigatewaymanagementapi", endpoint_url=endpoint, region_name=get_settings().region,
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2}))


def endpoint_for(domain: str | None, stage: str | None) -> str | None:
    configured = get_settings().ws_endpoint
    if configured:
        return configured.rstrip("/")
    if domain and stage:
        return f"https://{domain}/{stage}"
    return None


SENT, GONE, FAILED = "sent", "gone", "failed"


def post(connection_id: str, domain: str | None, stage: str | None, payload: dict[str, Any]) -> str:
    """Send one JSON frame: ``sent``; ``gone`` when the connection no longer exists (the
    caller forgets it); ``failed`` for anything else, logged — delivery never fails because a
    socket hiccuped: the message is in the history and the inbox already."""
    endpoint = endpoint_for(domain, stage)
    if endpoint is None:
        return FAILED
    client = _client(endpoint)
    try:
        client.post_to_connection(ConnectionId=connection_id,
                                  Data=json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except client.exceptions.GoneException:
        return GONE
    except Exception as exc:  # a socket problem must not fail delivery
        logger.warning("post_to_connection failed", extra={"error": type(exc).__name__})
        return FAILED
    return SENT


def reset() -> None:
    _client.cache_clear()
