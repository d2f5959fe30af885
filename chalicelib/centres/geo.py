"""Nearby search without reading every station: cells at several sizes, the finest that holds
the answer, and rings around the person.

Coordinates are GCJ-02 (the system of Chinese maps and of the WeChat/Alipay mini-programs'
``getLocation({type: 'gcj02'})``): stored and answered in it, never converted.

Every station is indexed under its cell at each level ``LEVELS`` (level n: n latitude bits and
n + 1 longitude bits, as geohash interleaves them; each level halves the cell's sides: level 12
is geohash precision 5, about 4.9 km × 4.3 km in Zhejiang; level 15 about 600 m; level 8 about
78 km). A search starts at the finest level and reads the 3×3 cells around the person; while
those hold fewer than k stations it moves coarser — by as many levels (each four times the
area) as the shortfall suggests, one at least — so in a dense city it stays in small cells and
far from everything it reads a few large ones. At the
level where the 3×3 holds k or more, it reads rings further out only while the k-th nearest
found so far could still be beaten by a station outside the square read (the k-th distance is
more than the shortest distance from the person to the square's edge). The answer therefore
equals a brute-force haversine sort, and the items read stay a small multiple of k wherever
the person stands. Nothing beyond ``MAX_RADIUS_M`` is searched: the response states the radius.
"""
from __future__ import annotations

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
MAX_RING = 12
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


def level_reach_m(lat: float, lng: float, *, n: int, x0: int, y0: int, r: int) -> float:
    """The shortest distance from the person to the edge of the (2r+1)² cells read at level n."""
    lat_step, lng_step = 180.0 / (1 << n), 360.0 / (1 << (n + 1))
    south, north = (y0 - r) * lat_step - 90.0, (y0 + r + 1) * lat_step - 90.0
    west, east = (x0 - r) * lng_step - 180.0, (x0 + r + 1) * lng_step - 180.0
    to_parallel = EARTH_RADIUS_M * math.radians(min(lat - south, north - lat))
    cos_lat = math.cos(math.radians(lat))

    def to_meridian(dlng: float) -> float:
        return EARTH_RADIUS_M * math.asin(min(1.0, cos_lat * math.sin(math.radians(min(dlng, 90.0)))))

    return min(to_parallel, to_meridian(lng - west), to_meridian(east - lng))


def _level_ring(x0: int, y0: int, r: int, n: int) -> list[tuple[int, int]]:
    if r == 0:
        return [(x0, y0)]
    cells = [(x0 + dx, y0 + dy) for dx in range(-r, r + 1) for dy in (-r, r)]
    cells += [(x0 + dx, y0 + dy) for dx in (-r, r) for dy in range(-r + 1, r)]
    return [(x, y) for x, y in cells if 0 <= y < (1 << n)]


def nearest(lat: float, lng: float, k: int, read_cell: Callable[[str], Iterable[Point]], *,
            keep: Callable[[Point], bool] = lambda p: True, max_radius_m: float = MAX_RADIUS_M) -> Search:
    """The k nearest points that ``keep`` accepts within ``max_radius_m``: the 3×3 around the
    person at the finest level holding k of them, then rings there until the answer is sure."""
    cells_read = items_read = 0
    level, x0, y0 = LEVELS[0], 0, 0
    candidates: dict[str, tuple[float, Point]] = {}
    while True:
        x0, y0 = level_xy(lat, lng, level)
        candidates = {}
        for x, y in _level_ring(x0, y0, 0, level) + _level_ring(x0, y0, 1, level):
            cells_read += 1
            for point in read_cell(level_cell(level, x, y)):
                items_read += 1
                if keep(point):
                    candidates[point.key] = (haversine_m(lat, lng, point.lat, point.lng), point)
        if len(candidates) >= k or level == LEVELS[-1]:
            break
        # m of k found in the 3×3: about k/m times the area is needed, a factor 4 per level
        skip = max(1, int(math.log(k / max(len(candidates), 0.5), 4)))
        level = max(LEVELS[-1], level - skip)
    r = 1
    while True:
        ranked = sorted(candidates.values(), key=lambda c: (c[0], c[1].key))
        reach = min(level_reach_m(lat, lng, n=level, x0=x0, y0=y0, r=r), max_radius_m)
        if (len(ranked) >= k and ranked[k - 1][0] <= reach) or reach >= max_radius_m or r >= MAX_RING:
            chosen = [c for c in ranked if c[0] <= reach][:k]
            return Search(found=chosen, cells_read=cells_read, items_read=items_read, rings=r, level=level,
                          radius_m=reach)
        r += 1
        for x, y in _level_ring(x0, y0, r, level):
            cells_read += 1
            for point in read_cell(level_cell(level, x, y)):
                items_read += 1
                if keep(point):
                    candidates[point.key] = (haversine_m(lat, lng, point.lat, point.lng), point)
