"""The canteen queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

ANNOUNCE_QUEUE = QueueSpec("canteen-announce", visibility_timeout=120, max_receive_count=5,
                           description="菜单发布后通知订阅的职工（每个食堂每天一次）")
QUEUES = [ANNOUNCE_QUEUE]  # the notices themselves: the platform notice path (inbox)
