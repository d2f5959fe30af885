"""Browse cost at 1,000 and 100,000 profiles: items read and DynamoDB calls per page.

moto in-process (mock_aws). The browse index is filled with the entries ``logic.index_entries``
computes for each synthetic member (the same entries the index consumer writes); at 100,000
members that is about a million items, so they are inserted straight into moto's table rather
than one PutItem each (the benchmark measures reading). The pages themselves go through
``logic.browse`` exactly as the HTTP route calls it, and every botocore call is recorded.

Run: .venv/bin/python -m benchmarks.profiles_browse
"""
from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from typing import Any

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import CallRecorder, install_recorder, reset_work, set_work

SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "1000,100000").split(","))
PAGES = 3
SCANS: dict[int, int] = {}
CITY_WEIGHTS = {"hz": 30, "nb": 14, "wz": 12, "jx": 7, "huz": 5, "sx": 8, "jh": 9, "qz": 3, "zs": 2, "tz": 7, "ls": 3}
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("全省 女 25–35 岁", {"gender": "female", "age_min": 25, "age_max": 35}),
    ("杭州 西湖区 女 25–30 岁", {"gender": "female", "age_min": 25, "age_max": 30, "city": "hz", "district": "xihu"}),
    ("杭州 徒步或羽毛球 (any)", {"gender": "female", "age_min": 25, "age_max": 35, "city": "hz",
                           "sports": ["hiking", "badminton"], "match": "any"}),
    ("杭州 徒步且羽毛球 (all)", {"gender": "female", "age_min": 25, "age_max": 35, "city": "hz",
                           "sports": ["hiking", "badminton"], "match": "all"}),
    ("全省 阅读 女 22–40 岁", {"gender": "female", "age_min": 22, "age_max": 40, "hobbies": ["reading"]}),
]


def _profiles(n: int, seed: int = 11) -> list[Any]:
    from chalicelib.profiles.models import Profile
    from chalicelib.profiles.vocabulary import CITIES, DISTRICTS, HOBBIES, SPORTS

    rnd = random.Random(seed)
    hobbies, sports = list(HOBBIES), list(SPORTS)
    h_w = [1 / (r + 1) ** 0.8 for r in range(len(hobbies))]
    s_w = [1 / (r + 1) ** 0.8 for r in range(len(sports))]
    cities = list(CITIES)
    now = clock.now()
    result = []
    for i in range(n):
        city = rnd.choices(cities, [CITY_WEIGHTS[c] for c in cities])[0]
        active = now - timedelta(seconds=rnd.randint(0, 30 * 86400))
        result.append(Profile(
            f"m{i:06d}", complete=True, active=True, paused=False, nickname=f"会员{i}",
            gender=rnd.choice(["female", "male"]), birth_year=rnd.randint(1985, 2003), height_cm=rnd.randint(150, 190),
            city=city, district=rnd.choice(list(DISTRICTS[city])), education="bachelor", job="工程师",
            hobbies=sorted(set(rnd.choices(hobbies, h_w, k=2))), sports=sorted(set(rnd.choices(sports, s_w, k=2))),
            org_path=f"zj/{city}/e-{rnd.randint(1, 400)}", hide_from_colleagues=rnd.random() < 0.1,
            last_active_at=clock.isoformat(active)))
    return result


def _fill(n: int) -> int:
    """Insert the entries straight into moto's table (a million PutItems through HTTP would take
    longer than the measurement is worth); the Queries that read them are ordinary botocore calls."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    from chalicelib.platform.settings import get_settings
    from chalicelib.profiles import logic
    from chalicelib.profiles.models import BrowseEntry

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region].get_table(BrowseEntry.Meta.table_name)
    written = 0
    for profile in _profiles(n):
        entries = logic.index_entries(profile, f"photo-sizes/{profile.user_id}/p/thumb.jpg")
        if not entries:
            continue
        card = entries[0].serialize()["card"]
        for entry in entries:
            pk, sk = DynamoType({"S": entry.pk}), DynamoType({"S": entry.sk})
            table.items[pk][sk] = Item(pk, sk, {"pk": {"S": entry.pk}, "sk": {"S": entry.sk},
                                               "user_id": {"S": entry.user_id}, "card": card})
            written += 1
    return written


def _viewer() -> Principal:
    from chalicelib.profiles.models import Profile

    Profile("viewer", complete=True, active=True, nickname="阿强", gender="male", birth_year=1992, city="hz",
            district="xihu", hobbies=["reading"], sports=["hiking"], org_path="zj/hz/e-1",
            seeking={"gender": "female", "age_min": 24, "age_max": 36}, last_active_at=clock.now_iso()).save()
    return Principal(user_id="viewer", role=Role.WORKER, org_path="zj/hz/e-1")


def _measure(n: int) -> list[tuple[str, int, int, int, int, int, int]]:
    from chalicelib.profiles import logic
    from chalicelib.profiles.schemas import BrowseQuery
    from local import bootstrap

    rows = []
    with mock_aws():
        bootstrap.reset_caches()
        import app as app_module

        bootstrap.create_all(app_module.app)
        started = time.perf_counter()
        written = _fill(n)
        print(f"  N={n:,}: {written:,} index items inserted in {time.perf_counter() - started:.1f}s")
        viewer = _viewer()
        recorder = CallRecorder()
        install_recorder(recorder)
        for name, params in QUERIES:
            cursor = None
            for page_no in range(1, PAGES + 1):
                recorder.clear()
                token = set_work("bench:browse")
                try:
                    page = logic.browse(viewer, BrowseQuery(limit=20, cursor=cursor, **params))
                finally:
                    reset_work(token)
                calls = [c for c in recorder.calls if c.service == "dynamodb"]
                SCANS[n] = SCANS.get(n, 0) + sum(1 for c in calls if c.operation == "Scan")
                index = [c for c in calls if (c.table or "").endswith("profile-browse")]
                rows.append((name, page_no, len(page.items), sum(c.items_read for c in index), len(index),
                             sum(c.items_read for c in calls), len(calls)))
                cursor = page.next_cursor
                if not cursor:
                    break
        bootstrap.reset_caches()
    return rows


def main() -> None:
    from local import moto_speed

    moto_speed.partition_aware_query()  # moto's whole-table sort per Query is not DynamoDB's cost
    print("光年间 browse: items read and DynamoDB calls per page (page size 20, read budget 2 × 20 = 40)")
    results = {n: _measure(n) for n in SIZES}
    print()
    header = (f"{'filter':<26} {'page':>4} | " + " | ".join(
        f"{'N=' + format(n, ','):>10} {'shown':>5} {'idx read':>8} {'idx Q':>5} {'all read':>8} {'calls':>5}"
        for n in SIZES))
    print(header)
    print("-" * len(header))
    keyed = {n: {(r[0], r[1]): r for r in rows} for n, rows in results.items()}
    for name, page_no in sorted({(r[0], r[1]) for rows in results.values() for r in rows},
                                key=lambda k: ([q for q, _ in QUERIES].index(k[0]), k[1])):
        cells = []
        for n in SIZES:
            r = keyed[n].get((name, page_no))
            cells.append(f"{'':>10} {r[2]:>5} {r[3]:>8} {r[4]:>5} {r[5]:>8} {r[6]:>5}" if r else f"{'':>10} {'—':>5}"
                         f" {'':>8} {'':>5} {'':>8} {'':>5}")
        print(f"{name:<26} {page_no:>4} | " + " | ".join(cells))
    print()
    for n in SIZES:
        rows = results[n]
        print(f"N={n:>7,}: max index items read per page {max(r[3] for r in rows)} (≤ 40), "
              f"max all items read {max(r[5] for r in rows)}, max DynamoDB calls per page {max(r[6] for r in rows)}; "
              f"Scan calls: {SCANS.get(n, 0)}")
    print("idx read = items read from the browse index; all read also counts the caller's profile and block list.")


if __name__ == "__main__":
    main()
