"""Enterprise figures for a district of 2,000 enterprises, on moto in-process (mock_aws).

The district's 2,000 enterprise nodes have figures in about half the months of 2026-01..2026-11
(a quiet month has no item: its levels are the last month's). Printed: for the
drill-down (``children_view``) a page at a time through all 2,000 — DynamoDB calls and items
read per page against the page size (no Scan); for the month-by-month view of the district;
and the roll-up itself: ms per event and per redelivered event (counted once), and the
retries optimistic conditions needed.

Run: ``.venv/bin/python -m benchmarks.enterprise_figures``"""
from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "POWERTOOLS_DEV": "false",
                   "POWERTOOLS_LOG_LEVEL": "WARNING"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from local import moto_atomic

moto_atomic.patch_in_process()

ENTERPRISES = 2_000
DISTRICT = "zj/huz/nanxun"
MONTHS = [f"2026-{m:02d}" for m in range(1, 12)]
EVENTS = 300


def _load() -> None:
    from chalicelib.enterprises.models import HEAD, EnterpriseFigure
    from chalicelib.orgs.models import OrgNode
    from chalicelib.platform import clock

    rng = random.Random(16)
    with OrgNode.batch_write() as orgs, EnterpriseFigure.batch_write() as figures:
        for n in range(ENTERPRISES):
            path = f"{DISTRICT}/e-{n:04d}"
            orgs.save(OrgNode(path, parent_path=DISTRICT, name=f"企业{n:04d}工会", level="enterprise",
                              created_at=clock.now_iso()))
            members = 0
            for month in MONTHS:  # about half the enterprises had something in any one month
                if rng.random() < 0.5:
                    members += rng.randint(1, 5)
                    figures.save(EnterpriseFigure(path, month, roster_members=members, bookings=rng.randint(1, 9)))
            figures.save(EnterpriseFigure(path, HEAD, latest=MONTHS[-1], ops=1, roster_members=members))


def main() -> None:
    import app as app_module
    from chalicelib.enterprises import figures, logic
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.aws import CallRecorder, install_recorder, reset_work, set_work
    from local import bootstrap

    from ._table import print_table

    rows: list[list[Any]] = []
    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.create_all(app_module.app)
        from chalicelib.orgs.logic import seed_reference_nodes

        seed_reference_nodes()
        started = time.perf_counter()
        _load()
        took = time.perf_counter() - started
        print(f"{ENTERPRISES:,} enterprises × about half of {len(MONTHS)} months written in {took:.1f} s")
        recorder = CallRecorder()
        install_recorder(recorder)
        staff = Principal("bench-nanxun", Role.UNION_ADMIN, DISTRICT)
        for limit in (20, 50, 100):
            calls, items, ms, seen, token, pages = [], [], [], 0, None, 0
            while True:
                recorder.clear()
                label = f"p{limit}-{pages}"
                work = set_work(label)
                t0 = time.perf_counter()
                try:
                    page = logic.children_view(staff, None, "2026-11", limit=limit, next_token=token)
                finally:
                    reset_work(work)
                ms.append((time.perf_counter() - t0) * 1000)
                recorded = recorder.for_work(label)
                assert not any(c.operation == "Scan" for c in recorded)
                calls.append(len(recorded))
                items.append(sum(c.items_read for c in recorded))
                seen, pages, token = seen + len(page.items), pages + 1, page.next_token
                if not token:
                    break
            rows.append([f"children, limit {limit}", pages, seen, max(calls), max(items),
                         round(max(items) / limit, 2), statistics.median(ms)])
        recorder.clear()
        work = set_work("series")
        t0 = time.perf_counter()
        try:
            logic.figures_view(staff, None, MONTHS[0], MONTHS[-1])
        finally:
            reset_work(work)
        recorded = recorder.for_work("series")
        rows.append(["district, 11 months", 1, 1, len(recorded), sum(c.items_read for c in recorded), "-",
                     (time.perf_counter() - t0) * 1000])
        print_table(f"Enterprise figures: a district of {ENTERPRISES:,} enterprises (moto in-process)",
                    ["read", "pages", "rows", "calls max/page", "items max/page", "items / page size",
                     "ms med (moto)"], rows,
                    note="items = DynamoDB items read by one page: the org tree's page, one BatchGetItem of "
                         "the month's items, a single-item Query for each child without one")

        rng = random.Random(3)
        keys = [(f"bench#{n}", f"{DISTRICT}/e-{rng.randrange(ENTERPRISES):04d}") for n in range(EVENTS)]
        timings: dict[str, list[float]] = {"first delivery": [], "redelivery": []}
        for kind, spent in timings.items():
            for key, org in keys:
                t0 = time.perf_counter()
                counted = figures.count(key, org, "2026-11", {"bookings": 1, "roster_members": 1})
                spent.append((time.perf_counter() - t0) * 1000)
                assert counted == (kind == "first delivery")
        head = figures.as_of(DISTRICT, "2026-11")
        print_table(f"Roll-up of {EVENTS} events (district, city, province and the enterprise, one transaction)",
                    ["delivery", "events", "ms med", "ms p95"],
                    [[k, len(v), statistics.median(v), sorted(v)[int(len(v) * 0.95)]] for k, v in timings.items()],
                    note=f"district bookings in 2026-11 after the run: {head['bookings']} "
                         f"(the redeliveries added nothing)")


if __name__ == "__main__":
    main()
