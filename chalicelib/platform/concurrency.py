"""Independent reads at the same time: a round trip to DynamoDB costs 5–20 ms in AWS, so a
request that needs several unrelated reads makes them in parallel threads (botocore clients
are thread-safe). Each task runs in a copy of the caller's context, so the AWS call
recorder and the logger still know which request it belongs to."""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

MAX_PARALLEL = 8
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=MAX_PARALLEL, thread_name_prefix="gonghui-io")
    return _pool


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls concurrently; their results in order. One call runs inline; the first
    exception (in call order) is raised once all have finished."""
    if len(calls) <= 1:
        return [call() for call in calls]
    futures = [_executor().submit(contextvars.copy_context().run, call) for call in calls]
    return [future.result() for future in futures]
