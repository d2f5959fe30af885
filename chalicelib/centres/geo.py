"""Nearby search without reading every station: cells at several sizes, how many stations
each holds, and a best-first walk down to the small cells near the person.

Coordinates are GCJ-02 (the system of Chinese maps and of the WeChat/Alipay mini-programs'
``getLocation({type: 'gcj02'})``): stored and answered in it, never converted.

Every station is indexed under its cell at each level ``LEVELS`` (level n: n latitude bits and
n + 1 longitude bits, as geohash interleaves them; each level halves the cell's sides: level 12
is geohash precision 5, about 4.9 km × 4.3 km in Zhejiang; level 15 about 600 m; level 8 about
78 km), and each cell keeps a count of its stations. A search counts the coarse cells within
the radius, then repeatedly takes the nearest open cell: a crowded one (more than twice the
answer) is replaced by its four children, any other is read. It stops when the k-th station
found is nearer than every open cell. The answer therefore equals a brute-force haversine
sort, and the items read stay a small multiple of k wherever the person stands — in a dense
city, on a cell's edge, or far from a cluster that a coarse cell would swallow whole. Nothing
beyond ``MAX_RADIUS_M`` is searched: the response states the radius.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

PRECISION = 5
LNG_BITS = (PRECISION * 5 + 1) // 2    # 13: geohash interleaves starting with longitude
LAT_BITS = PRECISION * 5 // 2          # 12
BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
EARTH_RADIUS_M = 6_371_008.8
LEVELS = tuple(range(15, 7, -1))       # finest first: 15 (about 600 m) … 8 (about 78 km)
MAX_RADIUS_M = 300_000                 # nothing further is "nearby"; the response states it
# China's extent (mainland, Hainan, the South China Sea islands): outside it GCJ-02 is not defined.
CHINA_LAT = (3.8, 53.6)
CHINA_LNG = (73.5, 135.1)


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def cell_xy(lat: float, lng: float) -> tuple[int, int]:
    x = min(int((lng + 180.0) / 360.0 * (1 << LNG_BITS)), (1 << LNG_BITS) - 1)
    y = min(int((lat + 90.0) / 180.0 * (1 << LAT_BITS)), (1 << LAT_BITS) - 1)
    return x, y


def cell_name(x: int, y: int) -> str:
    """The standard geohash of cell (x, y): bits interleaved longitude first, base32."""
    bits = 0
    for i in range(PRECISION * 5):
        lng_turn = i % 2 == 0
        index = i // 2
        if lng_turn:
            bit = (x >> (LNG_BITS - 1 - index)) & 1
        else:
            bit = (y >> (LAT_BITS - 1 - index)) & 1
        bits = (bits << 1) | bit
    return "".join(BASE32[(bits >> (5 * (PRECISION - 1 - i))) & 31] for i in range(PRECISION))


def cell_of(lat: float, lng: float) -> str:
    return cell_name(*cell_xy(lat, lng))


def _lng_edge(x: int) -> float:
    return x * 360.0 / (1 << LNG_BITS) - 180.0


def _lat_edge(y: int) -> float:
    return y * 180.0 / (1 << LAT_BITS) - 90.0


@dataclass(frozen=True)
class Point:
    key: str
    lat: float
    lng: float
    ref: Any = field(default=None, compare=False, repr=False)   # what the caller indexed


@dataclass
class Search:
    found: list[tuple[float, Point]]
    cells_read: int
    items_read: int
    rings: int
    level: int = 0
    radius_m: float = 0.0              # every station within this distance was considered


def level_xy(lat: float, lng: float, n: int) -> tuple[int, int]:
    lng_bits, lat_bits = n + 1, n
    x = min(int((lng + 180.0) / 360.0 * (1 << lng_bits)), (1 << lng_bits) - 1)
    y = min(int((lat + 90.0) / 180.0 * (1 << lat_bits)), (1 << lat_bits) - 1)
    return x, y


def level_cell(n: int, x: int, y: int) -> str:
    return f"{n}:{x % (1 << (n + 1))}:{y}"


def index_cells(lat: float, lng: float) -> list[str]:
    """The cells a station is indexed under: one per level."""
    return [level_cell(n, *level_xy(lat, lng, n)) for n in LEVELS]


def cell_distance_m(lat: float, lng: float, n: int, x: int, y: int) -> float:
    """The shortest distance from the person to cell (x, y) of level n (0 inside it)."""
    lat_step, lng_step = 180.0 / (1 << n), 360.0 / (1 << (n + 1))
    south, west = y * lat_step - 90.0, x * lng_step - 180.0
    return haversine_m(lat, lng, min(max(lat, south), south + lat_step), min(max(lng, west), west + lng_step))


def _children(n: int, x: int, y: int) -> list[tuple[int, int, int]]:
    return [(n + 1, 2 * x + i, 2 * y + j) for i in (0, 1) for j in (0, 1)]


def nearest(lat: float, lng: float, k: int, read_cell: Callable[[str], Iterable[Point]],
            read_counts: Callable[[list[str]], dict[str, int]], *,
            keep: Callable[[Point], bool] = lambda p: True, max_radius_m: float = MAX_RADIUS_M,
            split_above: int | None = None) -> Search:
    """The k nearest points that ``keep`` accepts within ``max_radius_m``, by a best-first walk
    down the cell levels guided by how many stations each cell holds (``read_counts``).

    The coarsest cells (level ``LEVELS[-1]``, about 78 km) within the radius are counted in one
    read. Then the nearest cell still open is taken: a cell holding more than ``split_above``
    stations (and not yet of the finest level) is replaced by its four children, counted in one
    read; any other cell's stations are read. The walk stops once k stations are found and the
    k-th is nearer than every cell still open, so the answer equals a brute-force sort, and a
    dense cluster far from the person is never read whole — only the small cells of it that
    could hold the answer."""
    split = split_above if split_above is not None else 2 * k
    coarse = LEVELS[-1]
    x0, y0 = level_xy(lat, lng, coarse)
    cells_read = items_read = 0
    # open cells by distance: (distance, level, x, y, stations); level -1 stands for the next
    # ring of coarse cells around the person, counted only when the walk gets that far
    open_cells: list[tuple[float, int, int, int, int]] = []

    def ring(r: int) -> list[tuple[int, int, int]]:
        if r == 0:
            cells = [(x0, y0)]
        else:
            cells = [(x0 + dx, y0 + dy) for dx in range(-r, r + 1) for dy in (-r, r)]
            cells += [(x0 + dx, y0 + dy) for dx in (-r, r) for dy in range(-r + 1, r)]
        return [(coarse, x, y) for x, y in cells
                if 0 <= y < (1 << coarse) and cell_distance_m(lat, lng, coarse, x, y) <= max_radius_m]

    def next_ring(r: int) -> None:
        cells = ring(r)
        if cells:
            heapq.heappush(open_cells, (min(cell_distance_m(lat, lng, *c) for c in cells), -1, r, 0, 0))

    def add(cells: list[tuple[int, int, int]]) -> None:
        nonlocal items_read
        names = {level_cell(n, x, y): (n, x, y) for n, x, y in cells}
        counts = read_counts(list(names))
        items_read += len(counts)
        for name, stations in counts.items():
            n, x, y = names[name]
            distance = cell_distance_m(lat, lng, n, x, y)
            if stations > 0 and distance <= max_radius_m:
                heapq.heappush(open_cells, (distance, n, x, y, stations))

    add(ring(0) + ring(1))
    next_ring(2)
    candidates: list[tuple[float, Point]] = []
    deepest = coarse
    while open_cells:
        distance, n, x, y, stations = open_cells[0]
        if len(candidates) >= k and sorted(candidates, key=lambda c: (c[0], c[1].key))[k - 1][0] <= distance:
            break
        heapq.heappop(open_cells)
        if n == -1:  # the walk reached the next ring of coarse cells: count them
            add(ring(x))
            next_ring(x + 1)
            continue
        deepest = max(deepest, n)
        if stations > split and n < LEVELS[0]:
            add(_children(n, x, y))
            continue
        cells_read += 1
        for point in read_cell(level_cell(n, x, y)):
            items_read += 1
            if keep(point):
                d = haversine_m(lat, lng, point.lat, point.lng)
                if d <= max_radius_m:
                    candidates.append((d, point))
    radius = min(open_cells[0][0], max_radius_m) if open_cells else max_radius_m
    ranked = sorted(candidates, key=lambda c: (c[0], c[1].key))
    return Search(found=[c for c in ranked if c[0] <= radius][:k], cells_read=cells_read, items_read=items_read,
                  rings=0, level=deepest, radius_m=radius)
