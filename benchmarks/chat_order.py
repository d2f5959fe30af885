"""光年间 chat order at the issue's size: 1,000 messages over 20 conversations, two concurrent
senders each, through the live HTTP server, the FIFO send queue and the message-send Lambda;
every conversation is read back and must hold each sender's stream in order, no gap, no
duplicate. ``make test`` runs the same test at 96 messages; this runs the full size once and
prints its time (the test itself is the measurement, so the figure and the check are one).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = ("tests/integration/messaging/test_delivery_order_and_poison.py"
        "::test_per_conversation_order_holds_under_concurrent_senders[full]")


def main() -> None:
    from benchmarks._table import print_table

    env = {**os.environ, "GONGHUI_CHAT_ORDER_FULL": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", TEST],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    found = re.search(r"CHAT_ORDER messages=(\d+) conversations=(\d+) seconds=([\d.]+)", done.stdout)
    if done.returncode != 0 or not found:
        print(done.stdout[-4000:], done.stderr[-2000:])
        sys.exit(1)
    messages, conversations, seconds = int(found[1]), int(found[2]), float(found[3])
    print_table("光年间 会话顺序（完整规模，实时 HTTP + FIFO 队列 + 发送 Lambda）",
                ["messages", "conversations", "senders", "send + deliver s", "messages/s", "order", "test wall s"],
                [(messages, conversations, conversations * 2, seconds, messages / seconds, "kept", wall)])


if __name__ == "__main__":
    main()
