"""The inbox's queues: the platform notice queue (every feature's notices) and the two
stages of an announcement's fan-out."""
from __future__ import annotations

from chalicelib.platform.notices import NOTICE_QUEUE
from chalicelib.platform.queues import QueueSpec

ANNOUNCE_NODES_QUEUE = QueueSpec("inbox-announce-nodes", visibility_timeout=300, max_receive_count=5,
                                 description="公告扇出第一步：每个企业节点一条，分页读取会员并分批排队")
ANNOUNCE_BATCH_QUEUE = QueueSpec("inbox-announce-batches", visibility_timeout=120, max_receive_count=5,
                                 description="公告扇出第二步：每批最多 100 人写入收件箱（重复投递只留一条）")

QUEUES = [NOTICE_QUEUE, ANNOUNCE_NODES_QUEUE, ANNOUNCE_BATCH_QUEUE]
