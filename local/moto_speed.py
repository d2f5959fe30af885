"""moto's costs that are not DynamoDB's, taken out so a load test measures our code.

moto answers every Query by sorting the *whole table* (``Table.all_items``): ~45 ms per call
on the demo data, seconds at a million items, where DynamoDB reads one partition. During a
Query on the table's own key, moto is handed only the queried partition (same items, same
order, same ScannedCount); during an index Query, the table's items unsorted (moto filters
them and sorts the matches by the index keys itself). Every other caller of ``all_items``
(Scan, exports) is untouched.
"""
from __future__ import annotations

import threading
from typing import Any

_state = threading.local()
_patched = False


def partition_aware_query() -> None:
    global _patched
    if _patched:
        return
    from moto.dynamodb.models.table import Table

    original_query, original_all = Table.query, Table.all_items

    def all_items(self: Any) -> Any:
        mode = getattr(_state, "mode", None)
        if mode is None:
            return original_all(self)
        if mode == "index":
            if self.range_key_attr:
                return [item for partition in self.items.values() for item in partition.values()]
            return list(self.items.values())
        partition = self.items.get(_state.key)
        if partition is None:
            return []
        if self.range_key_attr:
            return sorted(partition.values(), key=lambda x: x.range_key)
        return [partition]

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        _state.mode, _state.key = ("index", None) if index_name else ("table", hash_key)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _state.mode = _state.key = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    _patched = True


_tx = threading.local()
_rollback_patched = False


def cheap_transaction_rollback() -> None:
    """moto makes a transaction undoable by deep-copying every table it touches, whole, before
    each ``TransactWriteItems``: a cost that grows with the table (the outbox table, written by
    every event-staging transaction, grows all day). Snapshot only the items the transaction
    names, and the length of each table's stream; on cancellation put exactly those back."""
    global _rollback_patched
    if _rollback_patched:
        return
    import copy

    import moto.dynamodb.models as ddb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _Copy:
        """moto's ``copy`` module, except that a table is not copied during a transaction."""

        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            if getattr(_tx, "active", False) and isinstance(value, Table):
                return value  # moto's rollback then "restores" the live table: we restore below
            return copy.deepcopy(value, memo)

    ddb_models.copy = _Copy()  # type: ignore[assignment]
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Any, Any, Any, Any]] = []
        streams: dict[str, tuple[Any, int]] = {}
        for entry in transact_items:
            kind, op = next(iter(entry.items()))
            if kind == "ConditionCheck":
                continue  # reads only: nothing to put back
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op["Item"] if "Item" in op else op.get("Key", {})
            if table.hash_key_attr not in key:
                continue
            if table.range_key_attr and table.range_key_attr not in key:
                continue  # malformed: moto refuses it before writing anything
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            if table.stream_shard is not None:
                streams.setdefault(table.name, (table.stream_shard, len(table.stream_shard.items)))
        _tx.active = True
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, before in reversed(saved):
                if range_key is not None:
                    if before is None:
                        table.items.get(hash_key, {}).pop(range_key, None)
                    else:
                        table.items[hash_key][range_key] = before
                elif before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before
            for shard, length in streams.values():
                del shard.items[length:]
            raise
        finally:
            _tx.active = False

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _rollback_patched = True
