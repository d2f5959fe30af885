"""One observability module: Powertools Logger (JSON, correlation id, PII masked), Metrics
(EMF, namespace ``Gonghui``) and Tracer (built lazily, off on the local stage), wired into
Chalice as middleware for HTTP and for every event handler by ``platform/middleware.py``.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
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
TRACED_MODULES = ("botocore", "httplib")


def install_root_filter() -> None:
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, PiiFilter) for f in handler.filters):
            handler.addFilter(PiiFilter())


class _ClientOnFirstUse:
    """A botocore client built when it is first called."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build: Callable[[], Any] | None = build
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._build is not None:
            self._client, self._build = self._build(), None
        return getattr(self._client, name)


class _SessionOfClientsOnFirstUse:
    def __init__(self, real_get_session: Callable[[], Any]) -> None:
        self._real = real_get_session

    def create_client(self, *args: Any, **kwargs: Any) -> _ClientOnFirstUse:
        return _ClientOnFirstUse(lambda: self._real().create_client(*args, **kwargs))


@contextlib.contextmanager
def _sampling_clients_on_first_use() -> Iterator[None]:
    """X-Ray's recorder builds a botocore X-Ray client for centralized sampling, each from a
    fresh botocore session, three times while the SDK is imported and configured (~100 ms
    of a cold start). In Lambda the service samples (the trace header carries the decision)
    and those clients are never called; elsewhere they are built on their first call."""
    import botocore.session

    real = botocore.session.get_session
    botocore.session.get_session = lambda *args, **kwargs: _SessionOfClientsOnFirstUse(  # type: ignore[assignment]
        lambda: real(*args, **kwargs))
    try:
        yield
    finally:
        botocore.session.get_session = real


def tracer() -> Any:
    """The Powertools Tracer, created on first use (it costs ~250 ms to import)."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        # patch only what is traced: AWS calls (botocore) and the providers' HTTPS (http.client);
        # Powertools would otherwise import and patch every library X-Ray supports
        with _sampling_clients_on_first_use():
            _tracer = Tracer(service="gonghui", disabled=not get_settings().tracing_enabled,
                             patch_modules=TRACED_MODULES)
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
