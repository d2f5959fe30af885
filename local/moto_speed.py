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
