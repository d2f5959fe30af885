"""The identity queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

MEMBERSHIP_QUEUE = QueueSpec(
    "identity-membership", visibility_timeout=60, max_receive_count=5, batch_size=10,
    description="人脸核验通过后与工会会员库比对",
    event_pattern={"source": ["gonghui.identity"], "detail-type": ["FaceVerified"]})
REGISTRATION_QUEUE = QueueSpec(
    "identity-registrations", visibility_timeout=60, max_receive_count=5, batch_size=10,
    description="新注册账号计入注册人数",
    event_pattern={"source": ["gonghui.accounts"], "detail-type": ["AccountRegistered"]})
ROSTER_QUEUE = QueueSpec(
    "identity-roster", visibility_timeout=300, max_receive_count=5, batch_size=1,
    description="会员名册导入：分块写入与离会比对")
QUEUES = [MEMBERSHIP_QUEUE, REGISTRATION_QUEUE, ROSTER_QUEUE]  # notices: the platform notice path
