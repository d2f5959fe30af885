"""One moto server in this process, as the local stack starts it (``local/stack.py``): the
server answers one request at a time (DynamoDB's per-request atomicity) and Queries read one
partition (``local/moto_speed.py``); every table, queue and rule is created from the same
definitions as infra. Benchmarks that say "on a moto server" use this."""
from __future__ import annotations

import logging
import os
import socket
import warnings
from typing import Any


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start() -> tuple[Any, Any, Any]:
    """(the moto server, the Chalice app, an event pump on it) — stop the server when done."""
    from moto.server import ThreadedMotoServer

    from local import moto_atomic

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    moto_atomic.patch_server()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({"GONGHUI_STAGE": "local", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                       "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                       "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "GONGHUI_TRACING": "0",
                       "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING",
                       "POWERTOOLS_DEV": "false"})
    from local import bootstrap
    from local.pump import EventPump

    bootstrap.reset_caches()
    import app as app_module

    app = app_module.app
    return server, app, EventPump(app, bootstrap.create_all(app), fast_retry=True)


class Writes:
    """Every DynamoDB write this process makes, by table (transaction items included), while
    installed: proof that a path never writes some item."""

    WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})

    def __init__(self) -> None:
        self.by_table: dict[str, int] = {}
        self.keys: list[tuple[str, dict[str, Any]]] = []
        self._original: Any = None

    def __enter__(self) -> Writes:
        from botocore.client import BaseClient

        self._original = original = BaseClient._make_api_call
        seen = self

        def call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if operation in seen.WRITES:
                for table, key in _written(operation, params):
                    seen.by_table[table] = seen.by_table.get(table, 0) + 1
                    seen.keys.append((table, key))
            return original(client, operation, params)

        BaseClient._make_api_call = call  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original  # type: ignore[method-assign]


def _written(operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if operation == "TransactWriteItems":
        out = []
        for entry in params.get("TransactItems", []):
            for kind, body in entry.items():
                if kind != "ConditionCheck":
                    out.append((body["TableName"], body.get("Key") or body.get("Item") or {}))
        return out
    if operation == "BatchWriteItem":
        return [(table, (r.get("PutRequest") or {}).get("Item") or (r.get("DeleteRequest") or {}).get("Key") or {})
                for table, requests in params.get("RequestItems", {}).items() for r in requests]
    return [(params["TableName"], params.get("Key") or params.get("Item") or {})]
