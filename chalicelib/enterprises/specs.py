"""Queue and event names of the enterprises feature: the figures roll-up subscribes to the
domain events of the features whose figures the union reads (see ``figures`` for what each
one adds)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

FEATURE = "enterprises"
# What the roll-up consumes, by source feature. ``talents`` publishes TalentDeclared and
# TalentApproved (agreed by name with that feature; data: ``org_path``, ``declaration_id``).
CONSUMED: dict[str, list[str]] = {
    "identity": ["MemberVerified", "RosterMembersChanged"],
    "dorms": ["DormRoomsImported", "DormCheckedIn", "DormCheckedOut"],
    "aid": ["AidStepTaken"],
    "subsidy": ["SubsidyCalculated", "SubsidyRecalculated", "SubsidyReviewed"],
    "talents": ["TalentDeclared", "TalentApproved"],
    "bookings": ["BookingVenueBooked", "BookingSignedUp", "BookingAttendanceClosed"],
    "centres": ["CentreVisitRecorded"],
    "mediation": ["MediationCaseClosed"],
}
FIGURES_QUEUE = QueueSpec(
    "enterprise-figures", visibility_timeout=60, max_receive_count=5,
    description="企业与工会组织月度数据汇总：会员、宿舍、帮扶、补助、技能人才、活动、服务与调解（每个事件只计一次）",
    event_pattern={"source": [f"gonghui.{f}" for f in CONSUMED],
                   "detail-type": sorted({t for types in CONSUMED.values() for t in types})})
QUEUES = [FIGURES_QUEUE]
