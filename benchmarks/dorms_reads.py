"""Dormitory and canteen figures on moto in-process (mock_aws), from the demo data:

1. free beds of 工匠之家 (121 rooms, 60 occupied): items read per page by page size and filter;
2. today's and this week's menu of 三行职工食堂: items read per request;
3. bed contention through the logic layer: N threads applying at once for 10 free beds.

Run: ``.venv/bin/python -m benchmarks.dorms_reads``"""
from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "POWERTOOLS_DEV": "false",
                   "POWERTOOLS_LOG_LEVEL": "WARNING"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from local import moto_atomic

moto_atomic.patch_in_process()


def _measure(recorder: Any, label: str, call: Any) -> tuple[Any, dict[str, int], float]:
    from chalicelib.platform.aws import reset_work, set_work

    recorder.clear()
    token = set_work(label)
    started = time.perf_counter()
    try:
        result = call()
    finally:
        reset_work(token)
    elapsed = (time.perf_counter() - started) * 1000
    reads: dict[str, int] = Counter()
    for c in recorder.for_work(label):
        reads[c.operation] += c.items_read
        reads["calls"] += 1
        if c.operation == "Scan":
            reads["SCAN"] += 1
    return result, dict(reads), elapsed


def free_bed_pages(recorder: Any, building_id: str) -> None:
    from chalicelib.dorms import logic
    from chalicelib.dorms.schemas import FreeBedQuery
    from local.demo.dorms import WORKER

    print("\nFree beds of 工匠之家 (121 rooms, 60 occupied), male worker, all pages")
    print(f"{'filter':<28} {'limit':>5} {'pages':>5} {'beds':>5} {'max beds read/page':>19} "
          f"{'max rooms read/page':>20} {'scans':>5} {'ms/page':>8}")
    for name, params in [("none", {}), ("balcony", {"facilities": ["balcony"]}),
                         ("own_bathroom+balcony", {"facilities": ["own_bathroom", "balcony"]}),
                         ("quad", {"room_type": "quad"})]:
        for limit in (10, 20, 50, 100):
            cursor, pages, beds, max_beds, max_rooms, scans, total_ms = None, 0, 0, 0, 0, 0, 0.0
            while True:
                query = FreeBedQuery(limit=limit, cursor=cursor, **params)
                page, reads, ms = _measure(recorder, "bench:free-beds",
                                           lambda q=query: logic.free_beds(WORKER, building_id, q))
                pages, beds, total_ms = pages + 1, beds + len(page.items), total_ms + ms
                max_beds = max(max_beds, reads.get("Query", 0))
                max_rooms = max(max_rooms, reads.get("BatchGetItem", 0))
                scans += reads.get("SCAN", 0)
                cursor = page.next_cursor
                if not cursor:
                    break
            print(f"{name:<28} {limit:>5} {pages:>5} {beds:>5} {max_beds:>19} {max_rooms:>20} {scans:>5} "
                  f"{total_ms / pages:>8.1f}")


def menus(recorder: Any) -> None:
    from chalicelib.canteen import logic
    from chalicelib.canteen.models import CanteenAccess
    from chalicelib.canteen.schemas import MenuFilter
    from local.demo.canteen import SANXING, WORKER

    canteen_id = next(iter(CanteenAccess.query(SANXING))).canteen_id
    print("\n三行职工食堂 menus (demo week; today's published, later days published at 17:00 the day before)")
    print(f"{'request':<34} {'menus read':>10} {'dishes read':>11} {'calls':>5} {'scans':>5} {'ms':>7}")
    for name, call in [
        ("today", lambda: logic.today_menu(WORKER, canteen_id, MenuFilter())),
        ("today, vegetarian, no peanut", lambda: logic.today_menu(WORKER, canteen_id, MenuFilter.model_validate(
            {"tag": ["vegetarian"], "without_allergen": ["peanut"]}))),
        ("this week", lambda: logic.week_menu(WORKER, canteen_id, None, MenuFilter())),
    ]:
        _, reads, ms = _measure(recorder, "bench:menu", call)
        print(f"{name:<34} {reads.get('Query', 0):>10} {reads.get('BatchGetItem', 0):>11} {reads['calls']:>5} "
              f"{reads.get('SCAN', 0):>5} {ms:>7.1f}")


def contention(rounds: int = 5, applicants: int = 100) -> None:
    from chalicelib.dorms import logic
    from chalicelib.dorms.models import DormBed, DormProfile
    from chalicelib.dorms.schemas import ApplyForBed, NewBuilding, RoomImport
    from chalicelib.platform import clock
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.errors import DomainError
    from local.demo.dorms import ADMIN, SANXING

    print(f"\nBed contention through the logic layer: {applicants} threads, 10 free beds (5 double rooms)")
    print(f"{'round':>5} {'holds':>5} {'refusals':>8} {'errors':>6} {'beds held twice':>15} {'ms':>7}")
    for r in range(rounds):
        building = logic.create_building(ADMIN, NewBuilding(org_path=SANXING, name=f"压测楼 {r + 1}"))
        logic.import_rooms(ADMIN, building.building_id, RoomImport.model_validate({"rooms": [
            {"room_no": str(101 + i), "room_type": "double", "gender": "male", "floor": 1} for i in range(5)]}))
        workers = [Principal(user_id=f"bench-{r}-{i}", role=Role.WORKER, org_path=SANXING) for i in range(applicants)]
        with DormProfile.batch_write() as batch:
            for w in workers:
                batch.save(DormProfile(w.user_id, gender="male", updated_at=clock.now_iso()))

        def apply(w: Principal, building_id: str = building.building_id) -> str:
            try:
                room = str(101 + int(w.user_id.rsplit("-", 1)[1]) % 5)
                logic.apply_for_bed(w, ApplyForBed(building_id=building_id, room_no=room))
                return "hold"
            except DomainError as exc:
                return "refusal" if exc.status == 409 else f"error {exc.status}"
            except Exception:
                return "error"

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=applicants) as pool:
            outcomes = Counter(pool.map(apply, workers))
        ms = (time.perf_counter() - started) * 1000
        apps = [b.application_id for b in DormBed.query(building.building_id) if b.status != "free"]
        twice = len(apps) - len(set(apps))
        errors = sum(n for k, n in outcomes.items() if k.startswith("error"))
        print(f"{r + 1:>5} {outcomes['hold']:>5} {outcomes['refusal']:>8} {errors:>6} {twice:>15} {ms:>7.0f}")


def main() -> None:
    import app as app_module
    from chalicelib.dorms.models import BuildingAccess
    from chalicelib.platform.aws import CallRecorder, install_recorder
    from local import bootstrap
    from local.demo import accounts, canteen, dorms

    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.create_all(app_module.app)
        started = time.perf_counter()
        accounts.seed()
        dorms.seed()
        canteen.seed()
        print(f"demo data seeded in {time.perf_counter() - started:.1f} s")
        recorder = CallRecorder()
        install_recorder(recorder)
        building_id = next(a.building_id for a in BuildingAccess.query(dorms.SANXING) if a.building_name == "工匠之家")
        free_bed_pages(recorder, building_id)
        menus(recorder)
        contention()


if __name__ == "__main__":
    main()
