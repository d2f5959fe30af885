"""The feature's queues (declared here so logic can send without importing the handlers)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

# The browse index consumer — the design card's "profile browse" Lambda. FIFO, grouped by
# member, so one member's index rewrites never interleave.
INDEX_QUEUE = QueueSpec("profiles-index", fifo=True, visibility_timeout=60, max_receive_count=5, batch_size=10,
                        description="资料变化后重写浏览索引（按会员串行）")
IDENTITY_QUEUE = QueueSpec(
    "profiles-identity", visibility_timeout=60, max_receive_count=5,
    description="会员认证状态变化（来自 identity）",
    event_pattern={"source": ["gonghui.identity"], "detail-type": ["MemberActivated", "MemberDeactivated"]})
BLOCKS_QUEUE = QueueSpec(
    "profiles-blocks", visibility_timeout=60, max_receive_count=5, description="拉黑（来自 social）",
    event_pattern={"source": ["gonghui.social"], "detail-type": ["MemberBlocked"]})
MATCH_QUEUE = QueueSpec("profiles-rematch", visibility_timeout=300, max_receive_count=3, batch_size=5,
                        description="资料变化后增量更新智能匹配")
# Notices (photo rejected, mutual like) go through the one inbox path: platform.notices.
ALL = [INDEX_QUEUE, IDENTITY_QUEUE, BLOCKS_QUEUE, MATCH_QUEUE]
QUEUES = ALL
