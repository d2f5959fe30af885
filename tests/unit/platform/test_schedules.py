"""The local pump fires ``@bp.schedule`` handlers when EventBridge would (UTC)."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from local.pump import schedule_matches


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def minutes_firing(expression: str, start: str, hours: int = 24) -> list[datetime]:
    first = at(start)
    return [first + timedelta(minutes=m) for m in range(hours * 60)
            if schedule_matches(expression, first + timedelta(minutes=m))]


@pytest.mark.parametrize(("expression", "per_day"), [
    ("rate(1 minute)", 1440), ("rate(5 minutes)", 288), ("rate(15 minutes)", 96),
    ("rate(1 hour)", 24), ("rate(6 hours)", 4), ("rate(1 day)", 1),
])
def test_a_rate_fires_evenly_that_many_times_a_day(expression, per_day):
    fired = minutes_firing(expression, "2026-11-29T00:00:00")
    assert len(fired) == per_day
    assert len({b - a for a, b in itertools.pairwise(fired)}) <= 1


def test_a_daily_rate_fires_at_midnight_utc():
    assert minutes_firing("rate(1 day)", "2026-11-29T00:00:00") == [at("2026-11-29T00:00:00")]


def test_a_weekday_cron_fires_at_its_hour_utc_on_weekdays_only():
    week = minutes_firing("cron(0 1 ? * MON-FRI *)", "2026-11-29T00:00:00", hours=7 * 24)  # from a Sunday
    assert [d.strftime("%a %H:%M") for d in week] == ["Mon 01:00", "Tue 01:00", "Wed 01:00", "Thu 01:00", "Fri 01:00"]


def test_a_cron_every_quarter_hour_during_office_hours():
    fired = minutes_firing("cron(0/15 1-9 * * ? *)", "2026-11-30T00:00:00")
    assert len(fired) == 9 * 4
    assert fired[0] == at("2026-11-30T01:00:00") and fired[-1] == at("2026-11-30T09:45:00")


def test_a_monthly_cron_fires_on_the_first_only():
    fired = minutes_firing("cron(30 16 1 * ? *)", "2026-11-30T00:00:00", hours=48)
    assert fired == [at("2026-12-01T16:30:00")]


def test_day_of_week_numbers_and_lists_follow_aws_sunday_is_1():
    sunday, monday, wednesday = at("2026-11-29T08:00:00"), at("2026-11-30T08:00:00"), at("2026-12-02T08:00:00")
    assert schedule_matches("cron(0 8 ? * 1 *)", sunday) and not schedule_matches("cron(0 8 ? * 1 *)", monday)
    assert schedule_matches("cron(0 8 ? * MON,WED *)", monday) and schedule_matches("cron(0 8 ? * MON,WED *)", wednesday)
    assert not schedule_matches("cron(0 8 ? * MON,WED *)", sunday)


def test_month_names_and_years_are_understood():
    assert schedule_matches("cron(0 0 1 JAN ? *)", at("2027-01-01T00:00:00"))
    assert not schedule_matches("cron(0 0 1 JAN ? *)", at("2027-02-01T00:00:00"))
    assert schedule_matches("cron(0 0 1 1 ? 2027)", at("2027-01-01T00:00:00"))
    assert not schedule_matches("cron(0 0 1 1 ? 2028)", at("2027-01-01T00:00:00"))


def test_a_time_given_in_shanghai_is_compared_in_utc():
    shanghai_9am = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    assert schedule_matches("cron(0 1 * * ? *)", shanghai_9am)
    assert not schedule_matches("cron(0 9 * * ? *)", shanghai_9am)


@pytest.mark.parametrize("expression", ["cron(0 1 * * ?)", "every day", "rate(5 fortnights)", "rate(minutes)", ""])
def test_an_expression_it_cannot_read_never_fires(expression):
    assert minutes_firing(expression, "2026-11-29T00:00:00", hours=2) == []


def test_the_last_day_of_the_month_is_l():
    fired = minutes_firing("cron(0 16 L * ? *)", "2026-11-29T00:00:00", hours=24 * 33)
    assert fired == [at("2026-11-30T16:00:00"), at("2026-12-31T16:00:00")]


@pytest.mark.parametrize("expression", ["cron(0 1 15W * ? *)", "cron(0 1 ? * MON#9 *)", "cron(x y * * ? *)"])
def test_a_cron_form_the_pump_does_not_read_does_not_crash_it(expression):
    assert minutes_firing(expression, "2026-11-29T00:00:00", hours=1) == []
