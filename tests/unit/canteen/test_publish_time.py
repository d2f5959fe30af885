"""A day's menu is published at the canteen's hour, Asia/Shanghai, on the day before."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.canteen.logic import publish_at
from chalicelib.platform import clock


def test_tomorrows_menu_at_five_in_the_afternoon_is_nine_utc_today():
    assert publish_at(date(2026, 12, 2), 17) == "2026-12-01T09:00:00.000Z"


def test_an_early_hour_falls_on_the_previous_utc_day():
    assert publish_at(date(2026, 12, 2), 6) == "2026-11-30T22:00:00.000Z"


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 23))
def test_always_the_day_before_in_nanxun_at_the_set_hour(day, hour):
    local = clock.to_shanghai(clock.parse(publish_at(day, hour)))
    assert local.date() == date.fromordinal(day.toordinal() - 1) and local.hour == hour and local.minute == 0
