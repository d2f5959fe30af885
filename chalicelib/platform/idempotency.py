"""Idempotency on Powertools, on one DynamoDB table.

- ``run_once``: client-retried POSTs (``Idempotency-Key`` header). The same caller, route and
  key replay the first response; the same key with a different body is refused (422).
- ``once_per``: event handlers. Keyed on what identifies the delivery (an SQS message id, an
  EventBridge event id, a domain event id), so a redelivery does nothing twice.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .errors import Conflict, ValidationFailed
from .settings import get_settings

IDEMPOTENCY_TABLE_SHORT = "idempotency"
HTTP_EXPIRY_SECONDS = 24 * 3600
EVENT_EXPIRY_SECONDS = 7 * 24 * 3600


@lru_cache(maxsize=1)
def persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from .aws import client

    return DynamoDBPersistenceLayer(
        table_name=get_settings().table_name(IDEMPOTENCY_TABLE_SHORT),
        boto3_client=client("dynamodb"),
    )


def reset_idempotency() -> None:
    persistence.cache_clear()


def run_once(*, scope: str, caller: str, key: str, fingerprint: str,
             work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    if not 8 <= len(key) <= 128:
        raise ValidationFailed("Idempotency-Key 长度应为 8 到 128 个字符", code="IDEMPOTENCY_KEY_INVALID")
    config = IdempotencyConfig(
        event_key_jmespath="[scope, caller, key]",
        payload_validation_jmespath="fingerprint",
        expires_after_seconds=HTTP_EXPIRY_SECONDS,
        use_local_cache=False,
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence(), config=config)
    def handle(request: dict[str, str]) -> dict[str, Any]:
        return work()

    try:
        return handle(request={"scope": scope, "caller": caller, "key": key, "fingerprint": fingerprint})
    except IdempotencyValidationError as exc:
        raise ValidationFailed("同一个 Idempotency-Key 不能用于不同的请求", code="IDEMPOTENCY_KEY_REUSED") from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("相同的请求正在处理中，请稍后", code="REQUEST_IN_PROGRESS") from exc


def once_per(key_of: Callable[[Any], str], *, name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorate a one-argument event function so each delivery key runs it once.

    ``key_of(arg)`` names the delivery; ``name`` keeps different handlers apart. The
    function's JSON-serialisable result is stored and replayed on redelivery.
    """

    def decorate(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def wrapper(arg: Any) -> Any:
            from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

            config = IdempotencyConfig(event_key_jmespath="key", expires_after_seconds=EVENT_EXPIRY_SECONDS,
                                       use_local_cache=False)

            @idempotent_function(data_keyword_argument="delivery", persistence_store=persistence(), config=config)
            def handle(delivery: dict[str, str]) -> Any:
                return fn(arg)

            return handle(delivery={"key": f"{name}:{key_of(arg)}"})

        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        wrapper.__name__ = getattr(fn, "__name__", name)
        return wrapper

    return decorate
