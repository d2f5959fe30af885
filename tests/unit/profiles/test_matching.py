"""智能匹配 rules: a two-sided score, deal-breakers, readable reasons, and candidate
generation that finds what brute force finds while scoring only a bounded number of pairs."""
from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.profiles.matching import (
    MatchIndex,
    Member,
    brute_force_top,
    reason_for,
    satisfaction,
    score,
)
from chalicelib.profiles.vocabulary import INTERESTS

YEAR = 2026


def her(**kw):
    base = dict(user_id="her", gender="female", birth_year=1995, city="hz",
                interests=frozenset({"reading", "hiking", "badminton"}), seek_gender="male", age_min=25, age_max=38,
                cities=frozenset({"hz"}), nice=frozenset({"hiking"}))
    return Member(**{**base, **kw})


def him(**kw):
    base = dict(user_id="him", gender="male", birth_year=1992, city="hz",
                interests=frozenset({"hiking", "badminton", "tea"}), seek_gender="female", age_min=22, age_max=36)
    return Member(**{**base, **kw})


def test_the_score_is_the_geometric_mean_of_both_sides_satisfaction():
    a, b = her(), him()
    assert abs(score(a, b, YEAR) - (satisfaction(a, b, YEAR) * satisfaction(b, a, YEAR)) ** 0.5) < 1e-9
    assert score(a, b, YEAR) == score(b, a, YEAR)


def test_a_deal_breaker_on_either_side_makes_the_match_zero():
    assert score(her(), him(birth_year=1980), YEAR) == 0            # outside her age range
    assert score(her(), him(seek_gender="male"), YEAR) == 0         # he is not looking for her
    assert score(her(), him(city="nb"), YEAR) == 0                  # she wants Hangzhou
    assert score(her(), him(must=frozenset({"skiing"})), YEAR) == 0  # she does not ski
    assert score(her(must=frozenset({"tea"})), him(), YEAR) > 0     # he does drink tea


def test_shared_interests_raise_the_score_and_become_the_reason():
    plain = him(interests=frozenset({"gaming"}))
    assert score(her(), him(), YEAR) > score(her(), plain, YEAR) > 0
    assert reason_for(("hiking", "badminton")) == "你们都喜欢徒步和羽毛球"
    assert reason_for(("hiking", "badminton", "tea")) == "你们都喜欢徒步、羽毛球和茶艺"
    assert reason_for(()) == "年龄、城市都在彼此的期待之内"
    index = MatchIndex([her(), him()], YEAR)
    assert index.top_for("her")[0].reason == "你们都喜欢徒步和羽毛球"   # her nice-to-have first


@given(st.lists(st.sampled_from(sorted(INTERESTS)), min_size=1, max_size=6, unique=True),
       st.lists(st.sampled_from(sorted(INTERESTS)), min_size=1, max_size=6, unique=True))
def test_satisfaction_stays_between_zero_and_one(mine, theirs):
    a = her(interests=frozenset(mine), nice=frozenset(mine[:1]))
    b = him(interests=frozenset(theirs), must=frozenset(theirs[:1]))
    assert 0 <= satisfaction(a, b, YEAR) <= 1 and 0 <= score(a, b, YEAR) <= 1


def _crowd(n: int, seed: int = 3) -> list[Member]:
    rnd = random.Random(seed)
    codes = sorted(INTERESTS)
    people = []
    for i in range(n):
        gender = rnd.choice(["female", "male"])
        born = rnd.randint(1988, 2000)
        people.append(Member(user_id=f"m{i}", gender=gender, birth_year=born, city=rnd.choice(["hz", "nb"]),
                             interests=frozenset(rnd.sample(codes, rnd.randint(3, 6))),
                             seek_gender="male" if gender == "female" else "female",
                             age_min=YEAR - born - 6, age_max=YEAR - born + 6))
    return people


def test_candidate_generation_agrees_with_brute_force_and_scores_far_fewer_pairs():
    people = _crowd(600)
    index = MatchIndex(people, YEAR)
    agree = total = 0
    for i, person in enumerate(people[:80]):
        reference = brute_force_top(people, person, YEAR)
        if not reference:
            continue
        floor = reference[-1][0]
        mine = index.top(i)
        agree += min(len(reference), sum(1 for m in mine if m.score >= floor - 1e-4))
        total += len(reference)
    assert agree / total >= 0.9
    assert index.pairs_scored <= 80 * index.max_candidates < 80 * 599
