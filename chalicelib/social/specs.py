"""The social queues (declared here so ``logic.py`` sends without importing ``events.py``)."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

STANDING_QUEUE = QueueSpec(
    "social-standing", visibility_timeout=30, max_receive_count=5,
    description="会员激活/停用事件、资料昵称与头像变化 → 交友功能的会员状态与名片",
    event_pattern={"source": ["gonghui.identity", "gonghui.profiles"],
                   "detail-type": ["MemberActivated", "MemberDeactivated", "ProfileCardChanged"]})
FANOUT_QUEUE = QueueSpec("social-fanout", visibility_timeout=120, max_receive_count=5,
                         description="新动态写入关注者与好友的时间线")
QUEUES = [STANDING_QUEUE, FANOUT_QUEUE]
