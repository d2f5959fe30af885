"""Queue and event names of the tiers feature (光年间 member points and tiers)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

FEATURE = "tiers"

# The domain events points come from (EventBridge rule → this queue → ``events.count_points``).
EARNING_EVENTS: dict[str, tuple[str, ...]] = {
    "gonghui.profiles": ("ProfileUpdated", "PhotoReviewed"),
    "gonghui.bookings": ("BookingCheckedIn", "BookingSignedUp"),
    "gonghui.social": ("PostCreated", "PostLiked", "PostRemoved", "MemberModerated"),
    "gonghui.identity": ("MemberBanned", "MemberActivated"),
    "gonghui.centres": ("CentreVisitRecorded",),
}
POINTS_QUEUE = QueueSpec(
    "tier-points", visibility_timeout=60, max_receive_count=5, batch_size=10,
    description="光年间会员积分：由资料、照片、活动签到、点赞、活跃等领域事件计分（按事件编号只计一次），封禁和动态下架扣回",
    event_pattern={"source": sorted(EARNING_EVENTS),
                   "detail-type": sorted({t for types in EARNING_EVENTS.values() for t in types})})
QUEUES = [POINTS_QUEUE]
