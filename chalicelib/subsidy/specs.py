"""The subsidy queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

from .policy import BUDGET_EVENT

# The calculator starts from SubsidySubmitted, staged in the transaction that stores the
# application: an application cannot be stored without reaching the calculator.
CALC_QUEUE = QueueSpec("subsidy-calc", visibility_timeout=60, max_receive_count=5,
                       description="产改20条补助申请的计算",
                       event_pattern={"source": ["gonghui.subsidy"], "detail-type": ["SubsidySubmitted"]})
BUDGET_QUEUE = QueueSpec("subsidy-budget", visibility_timeout=60, max_receive_count=5,
                         description="区县预算调整后，发放等待预算的补助申请",
                         event_pattern={"source": ["gonghui.subsidy"], "detail-type": [BUDGET_EVENT]})
QUEUES = [CALC_QUEUE, BUDGET_QUEUE]
