"""Make moto answer one AWS request at a time, as DynamoDB applies each request atomically.

moto checks a ``ConditionExpression`` and then writes, with no lock between the two; under
real concurrent requests two conditional puts on one item could both pass, which DynamoDB
never allows. Serialising moto's request handling restores DynamoDB's per-request
atomicity, so contention tests exercise our conditions, not moto's races.
"""
from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_patched: set[str] = set()


def _serialise(cls: Any, name: str, key: str) -> None:
    if key in _patched:
        return
    original = getattr(cls, name)

    @functools.wraps(original)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(self, *args, **kwargs)

    setattr(cls, name, locked)
    _patched.add(key)


def patch_in_process() -> None:
    """For ``mock_aws`` (tests): serialise the botocore stubber (and Query one partition)."""
    from moto.core.botocore_stubber import BotocoreStubber

    from local import moto_speed

    _serialise(BotocoreStubber, "__call__", "stubber")
    moto_speed.partition_aware_query()
    moto_speed.cheap_transaction_rollback()


def patch_server() -> None:
    """For the moto server (local stack): serialise the WSGI dispatcher (and Query one partition)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from local import moto_speed

    _serialise(DomainDispatcherApplication, "__call__", "server")
    moto_speed.partition_aware_query()
    moto_speed.cheap_transaction_rollback()
