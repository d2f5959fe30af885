"""The aid queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

from .rules import STEP_EVENT

STEP_QUEUE = QueueSpec("aid-steps", visibility_timeout=60, max_receive_count=5,
                       description="帮扶申请每一步的领域事件：通知职工、启动公示、统计",
                       event_pattern={"source": ["gonghui.aid"], "detail-type": [STEP_EVENT]})
DISBURSE_QUEUE = QueueSpec("aid-disbursements", visibility_timeout=60, max_receive_count=5,
                           description="财务确认的帮扶金发放（金额与银行流水号）")
QUEUES = [STEP_QUEUE, DISBURSE_QUEUE]  # notices: the platform notice path (inbox)
