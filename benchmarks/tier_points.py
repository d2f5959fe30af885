"""Member points under redelivery: 10,000 domain events (likes, self-likes, profiles, photos,
check-ins, new posts, removed posts, bans and reinstatements over three days), each delivered
1–3 times in a shuffled-later order, through the tier-points record handler on moto in-process
(mock_aws) — and the same events delivered once each, for a separate set of members. Printed:
deliveries, counted / duplicate / capped / frozen outcomes, the totals of both runs and whether
every member's total is equal.

Run: ``.venv/bin/python -m benchmarks.tier_points [events] [members]`` (default 10,000 and 200)."""
from __future__ import annotations

import os
import random
import sys
import time
from collections import Counter

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "POWERTOOLS_DEV": "false",
                   "POWERTOOLS_LOG_LEVEL": "WARNING"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from local import moto_atomic

moto_atomic.patch_in_process()

EVENTS = 10_000
MEMBERS = 200


def main() -> None:
    import json

    import app as app_module
    from chalicelib.platform.events import DomainEvent
    from chalicelib.tiers import events as handlers
    from local import bootstrap

    from ._table import print_table
    from ._tier_stream import for_run, replay_stream, totals

    count = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    members = int(sys.argv[2]) if len(sys.argv) > 2 else MEMBERS

    class Record:
        def __init__(self, body: str) -> None:
            self.body = body

    def deliver(detail_type: str, event: DomainEvent) -> None:
        raw = {"source": "gonghui.bench", "detail-type": detail_type, "detail": json.loads(event.model_dump_json())}
        handlers.handle_points_event(Record(json.dumps(raw)))

    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.create_all(app_module.app)
        stream = replay_stream(random.Random(2026), events_count=count, members=members)
        firsts = [(t, e) for t, e, first in stream if first]
        kinds = Counter(t for t, _ in firsts)
        rows = []
        for run, deliveries in (("once", [(t, e) for t, e in firsts]), ("many", [(t, e) for t, e, _ in stream])):
            started = time.perf_counter()
            for detail_type, event in deliveries:
                deliver(detail_type, for_run(event, run))
            seconds = time.perf_counter() - started
            points = totals(run, members)
            rows.append([f"each delivered {'once' if run == 'once' else '1–3 times'}", len(firsts), len(deliveries),
                         sum(points.values()), sum(1 for v in points.values() if v), seconds * 1000 / len(deliveries)])
            if run == "once":
                single = points
            else:
                redelivered = points
        print_table(f"Member points: {count:,} events, {members} members, redelivered vs once",
                    ["run", "events", "deliveries", "total points", "members with points", "ms / delivery"], rows,
                    note="events: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
        differing = [m for m in single if single[m] != redelivered[m]]
        print(f"members whose totals differ: {len(differing)} of {members}"
              f" → {'EQUAL' if not differing else 'DIFFERENT'}")
        if differing:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
