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
    """For ``mock_aws`` (tests): serialise the botocore stubber."""
    from moto.core.botocore_stubber import BotocoreStubber

    _serialise(BotocoreStubber, "__call__", "stubber")
    copy_each_table_once()


def patch_server() -> None:
    """For the moto server (local stack): serialise the WSGI dispatcher."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    _serialise(DomainDispatcherApplication, "__call__", "server")
    copy_each_table_once()


def copy_each_table_once() -> None:
    """moto's TransactWriteItems backs up a table (a deep copy, for the rollback) once per
    *item* of the transaction, so a transaction of k items on a table of n items costs k·n
    copies — a fan-out of 25-person transactions into a 10,000-item inbox spent seconds per
    call. Copy each table once per transaction: the same backup, the same rollback."""
    if "transact-backup" in _patched:
        return
    import copy

    import moto.dynamodb.models as dynamodb_models

    original = dynamodb_models.DynamoDBBackend.transact_write_items

    class _OncePerTable:
        def __init__(self) -> None:
            self.copies: dict[int, Any] = {}

        def deepcopy(self, value: Any) -> Any:
            if id(value) not in self.copies:
                self.copies[id(value)] = copy.deepcopy(value)
            return self.copies[id(value)]

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: Any) -> Any:
        with _LOCK:  # the module-level ``copy`` is swapped for the duration of this call only
            saved = dynamodb_models.copy
            dynamodb_models.copy = _OncePerTable()  # type: ignore[assignment]
            try:
                return original(self, transact_items)
            finally:
                dynamodb_models.copy = saved

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _patched.add("transact-backup")
