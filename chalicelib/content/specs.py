"""The content feature's queues (none yet: publishing runs on a schedule)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

QUEUES: list[QueueSpec] = []
