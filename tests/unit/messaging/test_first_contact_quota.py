"""Who may write to whom: the daily first-contact quota by verification, seniority and
recent reports."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.messaging.logic import (
    BASE_FIRST_CONTACTS,
    VETERAN_DAYS,
    VETERAN_FIRST_CONTACTS,
    first_contact_quota,
)

days = st.integers(min_value=0, max_value=3650)
strikes = st.integers(min_value=0, max_value=50)


def test_the_documented_tiers():
    assert first_contact_quota(False, 400, 0) == 0
    assert first_contact_quota(True, 0, 0) == BASE_FIRST_CONTACTS == 10
    assert first_contact_quota(True, VETERAN_DAYS, 0) == VETERAN_FIRST_CONTACTS == 20
    assert first_contact_quota(True, 0, 1) == 5
    assert first_contact_quota(True, VETERAN_DAYS, 2) == 10
    assert first_contact_quota(True, 0, 3) == 2
    assert first_contact_quota(True, VETERAN_DAYS, 9) == 5


@given(days, strikes)
def test_unverified_members_never_open_a_conversation(active_days, n):
    assert first_contact_quota(False, active_days, n) == 0


@given(days, strikes, strikes)
def test_more_reports_never_raise_the_quota(active_days, a, b):
    low, high = sorted((a, b))
    assert first_contact_quota(True, active_days, high) <= first_contact_quota(True, active_days, low)


@given(days, days, strikes)
def test_seniority_never_lowers_the_quota_and_a_verified_member_keeps_at_least_one(a, b, n):
    young, old = sorted((a, b))
    assert 1 <= first_contact_quota(True, young, n) <= first_contact_quota(True, old, n)


@given(days, strikes)
def test_any_recent_report_at_least_halves_the_quota(active_days, n):
    clean = first_contact_quota(True, active_days, 0)
    if n >= 1:
        assert first_contact_quota(True, active_days, n) <= clean // 2
