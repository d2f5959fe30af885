"""The Chalice middleware for HTTP and for every event handler: correlation id, the AWS call
recorder's unit of work, the X-Ray subsegment, one access-log line and metrics per request,
errors turned into our body once. It sits above ``http`` (error bodies) and ``observability``
(logger, metrics, tracer), which do not import each other."""
from __future__ import annotations

import time
from typing import Any

from chalice.app import Request, Response

from . import aws as aws_seam
from .http import normalize_error_response, respond_error
from .observability import add_metric, flush_metrics, install_root_filter, logger, traced


def install(app: Any) -> None:
    """Register the HTTP and event middleware on the Chalice app."""
    install_root_filter()

    @app.middleware("http")
    def http_middleware(request: Request, get_response: Any) -> Response:
        context = request.context or {}
        headers: Any = request.headers or {}
        correlation = headers.get("x-correlation-id") or context.get("requestId") or ""
        logger.set_correlation_id(correlation)
        route = f"{request.method} {context.get('resourcePath', request.path)}"
        token = aws_seam.set_work(f"http:{route}")
        started = time.perf_counter()
        try:
            response = traced(f"## {route}", get_response, request)
        except Exception as exc:  # domain errors and crashes alike end here, once
            response = respond_error(exc)
        finally:
            aws_seam.reset_work(token)
        response = normalize_error_response(response)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Correlation-Id"] = correlation
        logger.info("http request", extra={"route": route, "status": response.status_code,
                                           "duration_ms": round(elapsed_ms, 1)})
        add_metric("HttpRequests")
        if response.status_code >= 500:
            add_metric("HttpServerErrors")
        flush_metrics()
        return response

    @app.middleware("all")
    def event_middleware(event: Any, get_response: Any) -> Any:
        if isinstance(event, Request):  # HTTP is handled above
            return get_response(event)
        name = type(event).__name__
        token = aws_seam.set_work(f"event:{name}")
        logger.set_correlation_id(getattr(getattr(event, "context", None), "aws_request_id", None))
        try:
            return traced(f"## {name}", get_response, event)
        except Exception:
            logger.exception("event handler failed", extra={"event_type": name})
            add_metric("EventHandlerErrors")
            raise
        finally:
            aws_seam.reset_work(token)
            flush_metrics()


def warm_up() -> None:
    """In a Lambda's init phase (not billed the first request's latency): the tracer, the
    clients every function uses, and every parameter in one GetParameters. Outside Lambda
    (tests, the local stack) nothing is built before it is needed."""
    from .parameters import secret
    from .settings import get_settings

    settings = get_settings()
    if not settings.in_lambda or settings.stage == "local":
        return
    try:
        if settings.tracing_enabled:
            from .observability import tracer

            tracer()
        for service in ("sqs", "events"):
            aws_seam.client(service)
        from .idempotency_model import IdempotencyRecord

        IdempotencyRecord._get_connection().connection.client  # noqa: B018  (the models' one shared client)
        import jwt  # noqa: F401  (PyJWT + cryptography: every request verifies a token)
        secret(settings.jwt_key_parameter)
    except Exception:  # the first request will try again and report what is wrong
        logger.exception("warm-up failed")
