"""The inbox's queues: the platform notice queue (every feature's notices) is consumed here."""
from __future__ import annotations

from chalicelib.platform.notices import NOTICE_QUEUE

QUEUES = [NOTICE_QUEUE]
