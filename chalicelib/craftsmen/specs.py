"""The craftsman archive owns no queue (its claims are settled in one DynamoDB transaction)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

QUEUES: list[QueueSpec] = []
