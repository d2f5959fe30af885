"""The feature's queues (declared here so handlers and infra read one list)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

# One queue for the figures roll-up, fed by EventBridge: every closed session or venue visit.
ROLLUP_QUEUE = QueueSpec(
    "bookings-rollup", visibility_timeout=60, max_receive_count=5, batch_size=10,
    description="活动场次结束、场馆预约结束后按组织与期间累计举办场次、报名与到场人次",
    event_pattern={"source": ["gonghui.bookings"], "detail-type": ["BookingAttendanceClosed"]})
ALL = [ROLLUP_QUEUE]
QUEUES = ALL  # what features.queue_specs() reads (infra and the local stack build these)
