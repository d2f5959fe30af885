"""The audit queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

AUDIT_QUEUE = QueueSpec("audit", visibility_timeout=60, max_receive_count=5,
                        description="所有领域事件的审计记录",
                        event_pattern={"source": [{"prefix": "gonghui."}]})
QUEUES = [AUDIT_QUEUE]
