"""Nearby search equals a brute-force haversine sort for the top 10, wherever the person stands
(including right on a cell's edge), while reading only the cells around them."""
from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.centres import geo

# 缙云 and its neighbours: about 70 km × 80 km
LAT = (28.3, 29.0)
LNG = (119.7, 120.5)


def _index(points: list[geo.Point]) -> dict[str, list[geo.Point]]:
    cells: dict[str, list[geo.Point]] = defaultdict(list)
    for p in points:
        for cell in geo.index_cells(p.lat, p.lng):
            cells[cell].append(p)
    return cells


def _counts(cells: dict[str, list[geo.Point]]):
    return lambda names: {name: len(cells.get(name, [])) for name in names}


def _brute(lat: float, lng: float, points: list[geo.Point], k: int) -> list[float]:
    return sorted(geo.haversine_m(lat, lng, p.lat, p.lng) for p in points)[:k]


coords = st.tuples(st.floats(*LAT), st.floats(*LNG))
edge_nudge = st.sampled_from([0.0, 1e-9, -1e-9, 1e-6, -1e-6])


@st.composite
def person(draw: st.DrawFn, inside: float = 0.0) -> tuple[float, float]:
    lat = draw(st.floats(LAT[0] + inside, LAT[1] - inside))
    lng = draw(st.floats(LNG[0] + inside, LNG[1] - inside))
    if draw(st.booleans()):   # stand on (or a hair from) a cell's corner
        x, y = geo.cell_xy(lat, lng)
        lat = geo._lat_edge(y) + draw(edge_nudge)
        lng = geo._lng_edge(x) + draw(edge_nudge)
    return lat, lng


@settings(max_examples=100, deadline=None)
@given(st.lists(coords, min_size=0, max_size=400), person())
def test_top_ten_equals_brute_force(raw, where):
    points = [geo.Point(f"s{i}", lat, lng) for i, (lat, lng) in enumerate(raw)]
    cells = _index(points)
    lat, lng = where
    result = geo.nearest(lat, lng, 10, lambda c: cells.get(c, []), _counts(cells))   # the area lies inside the max radius
    assert [round(d, 6) for d, _ in result.found] == [round(d, 6) for d in _brute(lat, lng, points, 10)]
    assert result.items_read <= max(40, 12 * 10), result             # a small multiple of the answer


@settings(max_examples=60, deadline=None)
@given(person(inside=0.1))   # within the stations' field, not at its rim (nothing lies beyond)
def test_reads_stay_near_the_person_when_stations_are_dense(where):
    # 1,500 stations over the area (about 5.7 a 4.9 km cell, three times Zhejiang's density at
    # 20,000): the search settles on a level near the answer's size and reads a small multiple of it
    import random

    rng = random.Random(7)
    points = [geo.Point(f"s{i}", rng.uniform(*LAT), rng.uniform(*LNG)) for i in range(1_500)]
    cells = _index(points)
    lat, lng = where
    result = geo.nearest(lat, lng, 10, lambda c: cells.get(c, []), _counts(cells))
    assert [round(d, 6) for d, _ in result.found] == [round(d, 6) for d in _brute(lat, lng, points, 10)]
    assert result.cells_read <= 45 and result.items_read <= 15 * 10, result


def test_geohash_matches_the_standard_encoding():
    assert geo.cell_of(57.64911, 10.40744) == "u4pru"
    assert geo.cell_of(28.6573, 120.0789)[:3] == "wtj"


def test_outside_china_is_recognised():
    assert geo.in_china(28.65, 120.08)
    assert not geo.in_china(51.5, -0.12)
    assert not geo.in_china(-28.65, 120.08)


def test_a_dense_cluster_far_away_is_not_read_whole():
    """A courier 40 km from a city whose 3,000 stations sit within a few km: the coarse cell that
    holds the whole city is split down to the few small cells facing the courier, not read."""
    import random

    rng = random.Random(11)
    points = [geo.Point(f"s{i}", rng.gauss(28.66, 0.01), rng.gauss(120.08, 0.01)) for i in range(3_000)]
    cells = _index(points)
    lat, lng = 28.66 + 0.36, 120.08   # 40 km north
    result = geo.nearest(lat, lng, 10, lambda c: cells.get(c, []), _counts(cells))
    assert [round(d, 6) for d, _ in result.found] == [round(d, 6) for d in _brute(lat, lng, points, 10)]
    assert result.items_read <= 15 * 10, result
