"""Queue and event names of the centres feature."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

FEATURE = "centres"
VISIT_RECORDED = "CentreVisitRecorded"
FIGURES_QUEUE = QueueSpec(
    "centre-figures", visibility_timeout=60, max_receive_count=5,
    description="服务中心月度数据：到访人次、调解件数（每人每室每日只计一次，每件只计一次）",
    event_pattern={"source": ["gonghui.centres", "gonghui.mediation"],
                   "detail-type": [VISIT_RECORDED, "MediationCaseClosed"]})
QUEUES = [FIGURES_QUEUE]
