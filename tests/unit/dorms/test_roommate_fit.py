"""Roommate fit: same hometown weighs most, then workshop, then shift; what a roommate did not
share never counts; the score never goes down when a roommate shares one more thing in common."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.dorms.logic import fit
from chalicelib.dorms.models import DormProfile
from chalicelib.dorms.schemas import RoommateShare

PLACES = st.sampled_from(["重庆", "四川", "安徽", "河南", None])
SHOPS = st.sampled_from(["包漆车间", "装配车间", "绕线车间", None])
SHIFTS = st.sampled_from(["白班", "夜班", None])
mates = st.lists(st.builds(RoommateShare, hometown=PLACES, workshop=SHOPS, shift=SHIFTS), max_size=7)


def me(hometown="重庆", workshop="包漆车间", shift="白班") -> DormProfile:
    return DormProfile("chen", gender="male", hometown=hometown, workshop=workshop, shift=shift, updated_at="x")


def test_a_fellow_townsman_from_the_same_workshop_and_shift_scores_all_three_with_reasons():
    score, reasons = fit(me(), [RoommateShare(hometown="重庆", workshop="包漆车间", shift="白班")])
    assert score == 6
    assert reasons == ["同乡（重庆）1人", "同车间（包漆车间）1人", "同班次（白班）1人"]


def test_hometown_outweighs_workshop_and_shift_together_is_not_needed():
    townsman = fit(me(), [RoommateShare(hometown="重庆")])[0]
    colleague = fit(me(), [RoommateShare(workshop="包漆车间")])[0]
    shiftmate = fit(me(), [RoommateShare(shift="白班")])[0]
    assert townsman > colleague > shiftmate > 0


@given(mates)
def test_nothing_shared_counts_for_nothing_and_scores_are_never_negative(roommates):
    score, reasons = fit(me(), roommates)
    assert score >= 0 and (score == 0) == (reasons == [])
    hidden = [RoommateShare() for _ in roommates]
    assert fit(me(), hidden) == (0, [])


@given(mates, st.sampled_from(["hometown", "workshop", "shift"]))
def test_one_more_thing_in_common_never_lowers_the_score(roommates, field):
    before = fit(me(), roommates)[0]
    extra = RoommateShare(**{field: getattr(me(), field)})
    assert fit(me(), [*roommates, extra])[0] > before


def test_a_worker_who_shares_nothing_about_himself_gets_no_fit_reasons():
    assert fit(me(hometown=None, workshop=None, shift=None), [RoommateShare(hometown="重庆")]) == (0, [])
