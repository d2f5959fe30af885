"""Queue and event names of the centres feature."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

FEATURE = "centres"
VISIT_RECORDED = "CentreVisitRecorded"
FIGURES_QUEUE = QueueSpec(
    "centre-figures", visibility_timeout=60, max_receive_count=5,
    description="服务中心月度数据：到访人次、调解件数、中心房间与职工书屋举办的活动场次和参与人次（每件只计一次）",
    event_pattern={"source": ["gonghui.centres", "gonghui.mediation", "gonghui.bookings"],
                   "detail-type": [VISIT_RECORDED, "MediationCaseClosed", "BookingAttendanceClosed"]})
QUEUES = [FIGURES_QUEUE]
