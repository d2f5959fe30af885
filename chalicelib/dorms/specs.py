"""The dorms queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

APPLY_QUEUE = QueueSpec("dorm-apply", visibility_timeout=60, max_receive_count=5,
                        description="宿舍申请：按企业规则自动审批或转工会审批，并通知职工")
QUEUES = [APPLY_QUEUE]  # notices: the platform notice path (inbox)
