"""Nearby search over 20,000 outdoor-worker stations on moto in-process (mock_aws: the index is
160,000 items, eight levels a station; loading them through a moto server takes too long on a
shared machine, and what is measured — items and cells read per search — is the same).

Stations are spread over Zhejiang (GCJ-02, lat 27.1–31.1, lng 118.1–122.9) — uniformly, and
again clustered around eleven city centres. Each query comes from a random point, from a point
on a geohash cell's corner or edge, and is compared with a brute-force haversine sort of all
20,000 for the top 10 (within the stated maximum radius). Printed: cells and items read per
query (from the recorded DynamoDB calls), the multiple of the answer size, the radius searched,
and ms per query.

Run: ``.venv/bin/python -m benchmarks centres_nearby``"""
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

STATIONS = 20_000
QUERIES = 15
LAT, LNG = (27.1, 31.1), (118.1, 122.9)
CITIES = [(30.27, 120.16), (29.87, 121.54), (28.00, 120.70), (30.75, 120.76), (30.89, 120.09), (30.00, 120.58),
          (29.08, 119.65), (28.97, 118.87), (29.99, 122.21), (28.66, 121.42), (28.45, 119.92)]


def _points(rng: random.Random, layout: str) -> list[tuple[float, float]]:
    if layout == "uniform":
        return [(rng.uniform(*LAT), rng.uniform(*LNG)) for _ in range(STATIONS)]
    out = []
    while len(out) < STATIONS:
        lat0, lng0 = rng.choice(CITIES)
        lat, lng = rng.gauss(lat0, 0.12), rng.gauss(lng0, 0.14)
        if LAT[0] <= lat <= LAT[1] and LNG[0] <= lng <= LNG[1]:
            out.append((lat, lng))
    return out


def _load(points: list[tuple[float, float]]) -> None:
    from collections import Counter

    from chalicelib.centres import geo
    from chalicelib.centres.models import CentreCell, CentreNearby

    counts: Counter[str] = Counter()
    with CentreNearby.batch_write() as batch:
        for n, (lat, lng) in enumerate(points):
            for cell in geo.index_cells(lat, lng):
                counts[cell] += 1
                batch.save(CentreNearby(cell, f"ct-bench#r-{n:05d}", kind="outdoor_station",
                                        name=f"站点{n}", centre_name="", lat=lat, lng=lng))
    with CentreCell.batch_write() as cells:
        for cell, stations in counts.items():
            cells.save(CentreCell(cell, stations=stations))


def _wipe() -> None:
    from chalicelib.centres.models import CentreCell, CentreNearby

    for model in (CentreNearby, CentreCell):
        model.delete_table()
        model.create_table(wait=True)


def _where(rng: random.Random, kind: str, points: list[tuple[float, float]]) -> tuple[float, float]:
    from chalicelib.centres import geo

    lat, lng = rng.choice(points) if kind != "random" else (rng.uniform(*LAT), rng.uniform(*LNG))
    lat, lng = lat + rng.uniform(-0.01, 0.01), lng + rng.uniform(-0.01, 0.01)
    x, y = geo.cell_xy(lat, lng)
    if kind == "cell corner":
        return geo._lat_edge(y) + 1e-9, geo._lng_edge(x) - 1e-9
    if kind == "cell edge":
        return geo._lat_edge(y) + 1e-9, lng
    return lat, lng


def main() -> None:
    import app as app_module
    from local import bootstrap

    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.create_all(app_module.app)
        _run()


def _run() -> None:
    from chalicelib.centres import geo, logic
    from chalicelib.centres.schemas import CentreNearbyQuery
    from chalicelib.platform.aws import CallRecorder, install_recorder, reset_work, set_work

    from ._table import print_table

    rows: list[list[Any]] = []
    recorder = CallRecorder()
    install_recorder(recorder)
    for layout in ("uniform", "clustered"):
        rng = random.Random(17)
        points = _points(rng, layout)
        _wipe()
        started = time.perf_counter()
        _load(points)
        print(f"{layout}: {STATIONS:,} stations written in {time.perf_counter() - started:.1f} s")
        for kind in ("random", "near a station", "cell edge", "cell corner"):
            cells, items, ms, exact, radii = [], [], [], 0, []
            for q in range(QUERIES):
                lat, lng = _where(rng, kind, points)
                recorder.clear()
                label = f"q{q}"
                token = set_work(label)
                t0 = time.perf_counter()
                try:
                    answer = logic.nearby(CentreNearbyQuery(lat=lat, lng=lng, limit=10))
                finally:
                    reset_work(token)
                ms.append((time.perf_counter() - t0) * 1000)
                calls = recorder.for_work(label)
                assert not any(c.operation == "Scan" for c in calls)
                cells.append(sum(1 for c in calls if c.operation == "Query"))
                items.append(sum(c.items_read for c in calls))
                brute = [d for d in sorted(round(geo.haversine_m(lat, lng, a, b)) for a, b in points)
                         if d <= answer.radius_m][:10]
                exact += [i.distance_m for i in answer.items] == brute and len(answer.items) == 10
                radii.append(answer.radius_m / 1000)
            rows.append([layout, kind, QUERIES, f"{exact}/{QUERIES}", statistics.median(cells), max(cells),
                         statistics.median(items), max(items), statistics.median(items) / 10, max(items) / 10,
                         statistics.median(radii), statistics.median(ms)])
    print_table(f"Nearby search, top 10 of {STATIONS:,} stations (GCJ-02, cell levels {geo.LEVELS[0]}…"
                f"{geo.LEVELS[-1]}, max radius {geo.MAX_RADIUS_M // 1000} km), moto in-process",
                ["layout", "where", "queries", "= brute force (10 found)", "cells med", "cells max", "items med",
                 "items max", "items / answer med", "items / answer max", "radius km med", "ms med"], rows,
                note="items = DynamoDB items one search reads: the cells' stations (Query, one per cell read) and "
                     "the cells' counts (BatchGetItem); the brute force is a haversine sort of all 20,000")


if __name__ == "__main__":
    main()
