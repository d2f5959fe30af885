"""Nearby search without reading every station: geohash cells and rings around the person.

Coordinates are GCJ-02 (the system of Chinese maps and of the WeChat/Alipay mini-programs'
``getLocation({type: 'gcj02'})``): stored and answered in it, never converted. Every station is
indexed under its geohash cell at ``PRECISION`` (5 characters: about 4.3 km × 4.9 km in Zhejiang).
A query reads the person's cell and the eight around it, then rings further out only while the
k-th nearest found so far could still be beaten by a station outside the cells read: the search
stops when that distance is no more than the shortest distance from the person to the edge of
the read square. The answer therefore equals a brute-force haversine sort.
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
MAX_RING = 12                          # about 55 km out: beyond that a station is not "nearby"
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


def ring(x0: int, y0: int, r: int) -> list[tuple[int, int]]:
    if r == 0:
        return [(x0, y0)]
    cells = [(x0 + dx, y0 + dy) for dx in range(-r, r + 1) for dy in (-r, r)]
    cells += [(x0 + dx, y0 + dy) for dx in (-r, r) for dy in range(-r + 1, r)]
    return [(x % (1 << LNG_BITS), y) for x, y in cells if 0 <= y < (1 << LAT_BITS)]


def reach_m(lat: float, lng: float, x0: int, y0: int, r: int) -> float:
    """The shortest distance from the person to the edge of the square of cells read so far:
    no station outside it can be nearer than this."""
    south, north = _lat_edge(y0 - r), _lat_edge(y0 + r + 1)
    west, east = _lng_edge(x0 - r), _lng_edge(x0 + r + 1)
    to_parallel = EARTH_RADIUS_M * math.radians(min(lat - south, north - lat))
    cos_lat = math.cos(math.radians(lat))

    def to_meridian(dlng: float) -> float:   # distance to the great circle of a meridian
        return EARTH_RADIUS_M * math.asin(min(1.0, cos_lat * math.sin(math.radians(min(dlng, 90.0)))))

    return min(to_parallel, to_meridian(lng - west), to_meridian(east - lng))


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


def nearest(lat: float, lng: float, k: int, read_cell: Callable[[str], Iterable[Point]], *,
            keep: Callable[[Point], bool] = lambda p: True, max_ring: int = MAX_RING) -> Search:
    """The k nearest points that ``keep`` accepts, reading cells ring by ring (3×3 first)."""
    x0, y0 = cell_xy(lat, lng)
    candidates: list[tuple[float, Point]] = []
    cells_read = items_read = 0
    r = 0
    while True:
        for x, y in ring(x0, y0, r):
            cells_read += 1
            for point in read_cell(cell_name(x, y)):
                items_read += 1
                if keep(point):
                    candidates.append((haversine_m(lat, lng, point.lat, point.lng), point))
        candidates.sort(key=lambda c: (c[0], c[1].key))
        if r >= 1 and ((len(candidates) >= k and candidates[k - 1][0] <= reach_m(lat, lng, x0, y0, r))
                       or r >= max_ring):
            within = reach_m(lat, lng, x0, y0, r)
            chosen = candidates[:k] if len(candidates) >= k and candidates[k - 1][0] <= within \
                else [c for c in candidates if c[0] <= within][:k]
            return Search(found=chosen, cells_read=cells_read, items_read=items_read, rings=r)
        r += 1
