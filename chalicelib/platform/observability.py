"""One observability module: Powertools Logger (JSON, correlation id, PII masked), Metrics
(EMF, namespace ``Gonghui``) and Tracer (built lazily, off on the local stage), wired into
Chalice as middleware for HTTP and for every event handler.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from . import pii
from .settings import get_settings


class MaskingFormatter(LambdaPowertoolsFormatter):
    """JSON log lines with every ID-card and phone number masked, wherever it appears."""

    def serialize(self, log: Any) -> str:
        return pii.scrub(super().serialize(log))


class PiiFilter(logging.Filter):
    """For handlers we do not own (libraries writing through the root logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = pii.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


logger = Logger(service="gonghui", logger_formatter=MaskingFormatter())
metrics = Metrics(namespace="Gonghui", service="gonghui")
_tracer: Any = None


def install_root_filter() -> None:
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, PiiFilter) for f in handler.filters):
            handler.addFilter(PiiFilter())


def tracer() -> Any:
    """The Powertools Tracer, created on first use (it costs ~250 ms to import)."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(service="gonghui", disabled=not get_settings().tracing_enabled)
    return _tracer


def traced(name: str, call: Any, *args: Any) -> Any:
    """Run ``call`` inside an X-Ray subsegment when tracing is on (never on the local stage)."""
    if not get_settings().tracing_enabled:
        return call(*args)
    with tracer().provider.in_subsegment(name) as subsegment:
        if subsegment is not None:  # None when Powertools disables itself outside Lambda
            subsegment.put_annotation("stage", get_settings().stage)
        return call(*args)


def add_metric(name: str, value: float = 1, unit: str = "Count") -> None:
    metrics.add_metric(name=name, unit=unit, value=value)


def flush_metrics() -> None:
    try:
        metrics.flush_metrics(raise_on_empty_metrics=False)
    except Exception:  # metrics never break a request
        logger.exception("metrics flush failed")


def install(app: Any) -> None:
    """Register the HTTP and event middleware on the Chalice app."""
    from chalice.app import Request, Response

    from . import aws as aws_seam
    from .http import normalize_error_response, respond_error

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
