"""The messaging queues. ``logic.py`` sends to them and ``events.py`` consumes them; both
import this module, never each other."""
from __future__ import annotations

from chalicelib.platform.queues import QueueSpec

SEND_QUEUE = QueueSpec("message-send", fifo=True, visibility_timeout=30, max_receive_count=5, batch_size=10,
                       description="会员消息：按会话分组、保持顺序，编号、存储并投递")
# An offline member's reminder goes through the one inbox (platform.notices), not a queue of ours.
QUEUES = [SEND_QUEUE]
