"""智能匹配 at scale: pairs scored, time, growth when N doubles, and top-10 overlap with brute force.

Pure in-memory algorithm (``chalicelib.profiles.matching``), synthetic members shaped like the
province: Hangzhou the largest city, interests Zipf-popular (a few very common, a long tail),
most members looking in their own city, some in two, some anywhere.

Run: .venv/bin/python -m benchmarks.profiles_matching
"""
from __future__ import annotations

import random
import time

from chalicelib.profiles.matching import MatchIndex, Member, brute_force_top
from chalicelib.profiles.vocabulary import CITIES, INTERESTS

YEAR = 2026
CITY_WEIGHTS = {"hz": 30, "nb": 14, "wz": 12, "jx": 7, "huz": 5, "sx": 8, "jh": 9, "qz": 3, "zs": 2, "tz": 7, "ls": 3}
SAMPLE = 300


def synthetic(n: int, seed: int = 7) -> list[Member]:
    rnd = random.Random(seed)
    codes = list(INTERESTS)
    rnd.shuffle(codes)
    weights = [1 / (r + 1) ** 0.8 for r in range(len(codes))]
    cities = list(CITIES)
    city_w = [CITY_WEIGHTS[c] for c in cities]
    members = []
    for i in range(n):
        gender = "female" if rnd.random() < 0.5 else "male"
        birth = rnd.randint(1984, 2004)
        city = rnd.choices(cities, city_w)[0]
        interests = set(rnd.choices(codes, weights, k=rnd.randint(4, 9)))
        interests = set(list(interests)[:10])
        age = YEAR - birth
        low = max(20, age - rnd.randint(2, 6))
        high = min(45, age + rnd.randint(2, 6))
        roll = rnd.random()
        if roll < 0.7:
            wanted: frozenset[str] = frozenset({city})
        elif roll < 0.9:
            wanted = frozenset({city, rnd.choices(cities, city_w)[0]})
        else:
            wanted = frozenset()
        mine = sorted(interests)
        must = frozenset(rnd.sample(mine, 1)) if rnd.random() < 0.4 else frozenset()
        nice = frozenset(rnd.sample(mine, min(2, len(mine))))
        members.append(Member(user_id=f"m{i:06d}", gender=gender, birth_year=birth, city=city,
                              interests=frozenset(interests), seek_gender="male" if gender == "female" else "female",
                              age_min=low, age_max=high, cities=wanted, must=must, nice=nice))
    return members


def run(n: int) -> tuple[int, int, float, float, dict[str, list[tuple[float, str]]]]:
    """Index build plus top-10 for every member. Returns pairs examined and scored, CPU and wall seconds."""
    members = synthetic(n)
    wall, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex(members, YEAR)
    tops = {}
    for i, m in enumerate(members):
        tops[m.user_id] = [(x.score, x.user_id) for x in index.top(i)]
    return index.pairs_examined, index.pairs_scored, time.process_time() - cpu, time.perf_counter() - wall, tops


def overlap(n: int, tops: dict[str, list[tuple[float, str]]]) -> tuple[float, float, int]:
    """Mean top-10 overlap with brute force on a random sample of members.

    strict: same user ids; tie-aware: a pick counts when its score reaches brute force's
    10th score (members with equal scores are interchangeable)."""
    members = synthetic(n)
    rnd = random.Random(99)
    sample = [m for m in rnd.sample(members, SAMPLE)]
    strict = tie = 0.0
    counted = 0
    for a in sample:
        reference = brute_force_top(members, a, YEAR)
        if not reference:
            continue
        counted += 1
        ref_ids = {uid for _, _, uid in reference}
        floor = reference[-1][0]
        mine = tops[a.user_id]
        strict += len(ref_ids & {uid for _, uid in mine}) / len(reference)
        tie += min(len(reference), sum(1 for s, _ in mine if s >= floor - 1e-4)) / len(reference)
    return strict / counted, tie / counted, counted


def main() -> None:
    sizes = [10_000, 50_000, 100_000]
    results = {}
    print("智能匹配 benchmark (candidate generation: preference buckets + interest-pair index)")
    print(f"{'N':>8} {'pairs examined':>15} {'pairs scored':>13} {'scored/member':>14} {'all pairs N(N-1)':>17}"
          f" {'CPU s':>7} {'wall s':>7}")
    for n in sizes:
        examined, pairs, cpu, wall, tops = run(n)
        results[n] = (pairs, cpu, tops)
        print(f"{n:>8} {examined:>15,} {pairs:>13,} {pairs / n:>14.1f} {n * (n - 1):>17,} {cpu:>7.2f} {wall:>7.2f}")
    print()
    print("CPU time ratio when N doubles (CPU time: the machine is shared, wall time is noisy):")
    for small, big in ((50_000, 100_000),):
        print(f"  {small:>6} → {big:>6}: {results[big][1] / results[small][1]:.2f}×  "
              f"(pairs scored {results[big][0] / results[small][0]:.2f}×)")
    strict, tie, counted = overlap(10_000, results[10_000][2])
    print()
    print(f"top-10 overlap with brute force at N=10,000 ({counted} sampled members, each scored against all):")
    print(f"  same members: {strict:.3f}   tie-aware (equal scores interchangeable): {tie:.3f}")


if __name__ == "__main__":
    main()
