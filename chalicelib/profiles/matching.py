"""智能匹配: a two-sided score and candidate generation that stays near O(N·k). Pure, no I/O.

Score. Each side's satisfaction with the other, in [0, 1]:
- 0 when the other is outside a hard preference: sought gender, age range, cities,
  or holds none of the must-have interests;
- otherwise 0.25 + 0.35·(must-haves held) + 0.15·(nice-to-haves held) + 0.25·(shared interests
  relative to the smaller interest list).
The match is the geometric mean of both sides (as OkCupid publishes), so a pair scores high
only when *both* would be pleased, and zero when either side's deal-breaker is hit.

Candidates. Scoring all pairs is O(N²). Instead members are indexed by *preference bucket*
(city, gender, five-year birth band) and, inside a bucket, by each interest and each pair of
interests. For member A we visit only the buckets A would accept; the pair lists find members
sharing two or more interests, counting how many of A's pairs each appears in (that count is
C(shared, 2), so it ranks by shared interests without scoring). Each list contributes at most
``per_list`` members and at most ``max_candidates`` are scored, so the work per member is bounded
by constants: N·k overall. Singles and the plain bucket fill in when few share two interests.
"""
from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from math import sqrt

from .vocabulary import AGE_BAND_YEARS, join_labels

TOP_K = 10


@dataclass(frozen=True, slots=True)
class Member:
    user_id: str
    gender: str
    birth_year: int
    city: str
    interests: frozenset[str]
    seek_gender: str = ""                 # "" = either
    age_min: int = 18
    age_max: int = 60
    cities: frozenset[str] = frozenset()  # empty = anywhere in the province
    must: frozenset[str] = frozenset()
    nice: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    user_id: str
    score: float
    shared: tuple[str, ...]
    reason: str


def satisfaction(a: Member, b: Member, year: int) -> float:
    """How well ``b`` meets what ``a`` looks for."""
    if a.seek_gender and b.gender != a.seek_gender:
        return 0.0
    age = year - b.birth_year
    if age < a.age_min or age > a.age_max:
        return 0.0
    if a.cities and b.city not in a.cities:
        return 0.0
    theirs = b.interests
    must = 1.0
    if a.must:
        held = len(a.must & theirs)
        if not held:
            return 0.0
        must = held / len(a.must)
    nice = len(a.nice & theirs) / len(a.nice) if a.nice else 0.5
    smaller = min(len(a.interests), len(theirs)) or 1
    shared = len(a.interests & theirs) / smaller
    return 0.25 + 0.35 * must + 0.15 * nice + 0.25 * shared


def mutually_acceptable(a: Member, b: Member, year: int) -> bool:
    """Neither side's hard preference (gender, age, city, must-haves) rules the other out."""
    if b.seek_gender and a.gender != b.seek_gender:
        return False
    if a.seek_gender and b.gender != a.seek_gender:
        return False
    age_a, age_b = year - a.birth_year, year - b.birth_year
    if not (b.age_min <= age_a <= b.age_max and a.age_min <= age_b <= a.age_max):
        return False
    if (b.cities and a.city not in b.cities) or (a.cities and b.city not in a.cities):
        return False
    if b.must and not (b.must & a.interests):
        return False
    return not (a.must and not (a.must & b.interests))


def score(a: Member, b: Member, year: int) -> float:
    mine = satisfaction(a, b, year)
    if mine == 0.0:
        return 0.0
    return sqrt(mine * satisfaction(b, a, year))


def shared_for(a: Member, b: Member) -> tuple[str, ...]:
    """Shared interests, the ones ``a`` cares most about first."""
    common = a.interests & b.interests
    ordered = sorted(common, key=lambda c: (c not in a.must, c not in a.nice, c))
    return tuple(ordered)


def reason_for(shared: Sequence[str]) -> str:
    if shared:
        return f"你们都喜欢{join_labels(list(shared[:3]))}"
    return "年龄、城市都在彼此的期待之内"


def _tiebreak(a: str, b: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{a}|{b}".encode(), digest_size=4).digest(), "big")


def _as_match(a: Member, b: Member, value: float) -> Match:
    shared = shared_for(a, b)
    return Match(user_id=b.user_id, score=round(value, 4), shared=shared, reason=reason_for(shared))


def brute_force_top(members: Sequence[Member], a: Member, year: int, k: int = TOP_K) -> list[tuple[float, int, str]]:
    """Every pair: the reference the benchmark compares with. (score, tiebreak, user id)."""
    scored = [(score(a, b, year), _tiebreak(a.user_id, b.user_id), b.user_id)
              for b in members if b.user_id != a.user_id]
    return heapq.nlargest(k, (s for s in scored if s[0] > 0))


def _band(year: int) -> int:
    return year // AGE_BAND_YEARS * AGE_BAND_YEARS


@dataclass
class MatchIndex:
    members: Sequence[Member]
    year: int
    per_list: int = 16
    max_candidates: int = 60
    visit_budget: int = 400
    pairs_scored: int = 0
    pairs_examined: int = 0
    _buckets: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    _singles: dict[tuple[str, str, int, str], list[int]] = field(default_factory=dict)
    _pairs: dict[tuple[str, str, int, str, str], list[int]] = field(default_factory=dict)
    _cities: set[str] = field(default_factory=set)
    _position: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, m in enumerate(self.members):
            self._position[m.user_id] = i
            key = (m.city, m.gender, _band(m.birth_year))
            self._cities.add(m.city)
            self._buckets.setdefault(key, []).append(i)
            ordered = sorted(m.interests)
            for interest in ordered:
                self._singles.setdefault((*key, interest), []).append(i)
            for x, y in combinations(ordered, 2):
                self._pairs.setdefault((*key, x, y), []).append(i)

    def _accepted_buckets(self, a: Member) -> list[tuple[str, str, int]]:
        cities = [a.city, *sorted((a.cities or frozenset(self._cities)) - {a.city})]
        if a.cities and a.city not in a.cities:
            cities = cities[1:]
        genders = [a.seek_gender] if a.seek_gender else ["female", "male"]
        bands = range(_band(self.year - a.age_max), _band(self.year - a.age_min) + 1, AGE_BAND_YEARS)
        return [(c, g, b) for c in cities for g in genders for b in bands if (c, g, b) in self._buckets]

    def candidates(self, i: int) -> list[int]:
        a = self.members[i]
        members = self.members
        buckets = self._accepted_buckets(a)
        ordered = sorted(a.interests, key=lambda c: (c not in a.must, c not in a.nice, c))
        pairs = list(combinations(sorted(a.interests), 2))
        if a.must:  # whoever we keep must hold a must-have: only pairs that contain one can find them
            pairs = [p for p in pairs if p[0] in a.must or p[1] in a.must]
        pairs.sort(key=lambda p: -((p[0] in a.nice) + (p[1] in a.nice)))
        hits: dict[int, int] = {}
        verdict: dict[int, bool] = {i: False}
        per_list = self.per_list
        budget = self.visit_budget           # list entries visited per member: the O(k) in O(N·k)
        for key in buckets:
            if budget <= 0:
                break
            for x, y in pairs:
                found = self._pairs.get((*key, x, y), ())[:per_list]
                budget -= len(found)
                for j in found:
                    ok = verdict.get(j)
                    if ok is None:
                        self.pairs_examined += 1
                        ok = verdict[j] = mutually_acceptable(a, members[j], self.year)
                    if ok:
                        hits[j] = hits.get(j, 0) + 1
        if a.nice:   # rank by shared interests, nudged by what she would most like to share
            nice = a.nice
            ranked = {j: h + len(nice & members[j].interests) for j, h in hits.items()}
        else:
            ranked = hits
        chosen = heapq.nlargest(self.max_candidates, ranked, key=ranked.__getitem__) if ranked else []
        if len(chosen) < self.max_candidates:
            room = self.max_candidates - len(chosen)
            sources = [self._singles.get((*key, c), ()) for key in buckets for c in ordered]
            sources += [] if a.must else [self._buckets[key] for key in buckets]
            for source in sources:
                for j in source[:per_list]:
                    if j in hits or verdict.get(j) is False:
                        continue
                    if j not in verdict:
                        self.pairs_examined += 1
                        verdict[j] = mutually_acceptable(a, members[j], self.year)
                        if verdict[j]:
                            chosen.append(j)
                            room -= 1
                            if room == 0:
                                return chosen
        return chosen

    def top(self, i: int, k: int = TOP_K) -> list[Match]:
        a = self.members[i]
        best: list[tuple[float, int, int]] = []
        for j in self.candidates(i):
            b = self.members[j]
            self.pairs_scored += 1
            value = score(a, b, self.year)
            if value > 0:
                best.append((value, _tiebreak(a.user_id, b.user_id), j))
        return [_as_match(a, self.members[j], v) for v, _, j in heapq.nlargest(k, best)]

    def top_for(self, user_id: str, k: int = TOP_K) -> list[Match]:
        return self.top(self._position[user_id], k)

    def score_pair(self, a_id: str, b_id: str) -> Match | None:
        a, b = self.members[self._position[a_id]], self.members[self._position[b_id]]
        value = score(a, b, self.year)
        return _as_match(a, b, value) if value > 0 else None


def recommend_all(members: Sequence[Member], year: int, k: int = TOP_K,
                  only: Iterable[str] | None = None) -> tuple[dict[str, list[Match]], int]:
    """Top-k for every member (or only those in ``only``). Returns (matches, pairs scored)."""
    index = MatchIndex(members, year)
    wanted = set(only) if only is not None else None
    result: dict[str, list[Match]] = {}
    for i, m in enumerate(members):
        if wanted is None or m.user_id in wanted:
            result[m.user_id] = index.top(i, k)
    return result, index.pairs_scored
