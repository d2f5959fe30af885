"""One seam for AWS clients, and the call recorder the quality harness uses.

Clients are built lazily (cold start) and cached per service. ``CallRecorder`` wraps
botocore's single dispatch point so it sees every call, including PynamoDB's own
clients, and tags each with the request or event being handled.
"""
from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

_current_work: contextvars.ContextVar[str | None] = contextvars.ContextVar("gonghui_work", default=None)


@cache
def _data_loader() -> Any:
    from botocore.loaders import create_loader

    return create_loader()


# botocore sessions are not safe to build clients from in several threads at once (requests
# run reads in parallel threads): every client of the process is built under this lock.
CLIENT_LOCK = threading.RLock()


@cache
def botocore_session() -> Any:
    """The process's ONE botocore session, sharing one data loader.

    Each new session registers ~500 event handlers and re-parses ``endpoints.json`` and the
    service models (~40 ms of CPU in a cold Lambda); PynamoDB asks for a session per model
    connection, and every client here would make its own. Build clients from it under
    ``CLIENT_LOCK``."""
    from botocore.session import get_session

    session = get_session()
    session.register_component("data_loader", _data_loader())
    session.register("before-call", _refuse_unjudged_writes)
    return session


# A route that judges the caller in its first read (``http.caller_read``) may read before
# then, never write: every client of the process is built from the one session above, and
# this hook refuses any call but a read while ``_writes_refused`` names why.
_writes_refused: contextvars.ContextVar[str | None] = contextvars.ContextVar("gonghui_writes_refused", default=None)
READ_OPERATIONS = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "List", "Head", "Describe")


def _refuse_unjudged_writes(model: Any, **_: Any) -> None:
    reason = _writes_refused.get()
    if reason is not None and not model.name.startswith(READ_OPERATIONS):
        raise RuntimeError(f"{model.name} refused: {reason}")


def refuse_writes(reason: str | None) -> contextvars.Token[str | None]:
    """Until reset (or set to None), this context's AWS calls may only read."""
    return _writes_refused.set(reason)


def allow_writes(token: contextvars.Token[str | None]) -> None:
    _writes_refused.reset(token)


@cache
def boto3_session() -> Any:
    """One boto3 session over the shared botocore session (each registers its handlers on it)."""
    import boto3

    return boto3.session.Session(botocore_session=botocore_session())


@cache
def client(service: str) -> Any:
    from .settings import get_settings

    settings = get_settings()
    with CLIENT_LOCK:
        return boto3_session().client(service, region_name=settings.region)


def reset_clients() -> None:
    client.cache_clear()
    boto3_session.cache_clear()
    botocore_session.cache_clear()


@dataclass
class AwsCall:
    service: str
    operation: str
    work: str | None
    items_read: int = 0
    table: str | None = None


@dataclass
class CallRecorder:
    """Records AWS calls while installed. ``work`` is the request/event label set by middleware."""

    calls: list[AwsCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: AwsCall) -> None:
        with self._lock:
            self.calls.append(call)

    def scans_in_work(self) -> list[AwsCall]:
        return [c for c in self.calls if c.operation == "Scan" and c.work is not None]

    def for_work(self, prefix: str = "") -> list[AwsCall]:
        return [c for c in self.calls if c.work is not None and c.work.startswith(prefix)]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()


_recorders: list[CallRecorder] = []
_installed = False


def _items_read(operation: str, response: Any) -> int:
    if not isinstance(response, dict):
        return 0
    if operation in ("Query", "Scan"):
        return int(response.get("ScannedCount", response.get("Count")) or 0)
    if operation == "GetItem":
        return 1 if "Item" in response else 0
    if operation == "BatchGetItem":
        return sum(len(v) for v in response.get("Responses", {}).values())
    if operation == "TransactGetItems":
        return len(response.get("Responses", []))
    return 0


def install_recorder(recorder: CallRecorder) -> None:
    """Start recording every botocore call into ``recorder``."""
    global _installed
    from botocore.client import BaseClient

    if not _installed:
        original = BaseClient._make_api_call

        def _make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            response = original(self, operation_name, api_params)
            if _recorders:
                call = AwsCall(
                    service=self.meta.service_model.service_name,
                    operation=operation_name,
                    work=_current_work.get(),
                    items_read=_items_read(operation_name, response),
                    table=api_params.get("TableName") if isinstance(api_params, dict) else None,
                )
                for rec in list(_recorders):
                    rec.record(call)
            return response

        BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]
        _installed = True
    _recorders.append(recorder)


def uninstall_recorder(recorder: CallRecorder) -> None:
    if recorder in _recorders:
        _recorders.remove(recorder)


def set_work(label: str | None) -> contextvars.Token[str | None]:
    return _current_work.set(label)


def reset_work(token: contextvars.Token[str | None]) -> None:
    _current_work.reset(token)
