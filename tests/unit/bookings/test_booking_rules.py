"""The pure rules of the booking engine: the slot grid, a day's opening with holidays, 调休
make-up working days and closures, when bookings open, and what a publisher may submit."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from chalicelib.bookings.common import ancestors, at_local, within
from chalicelib.bookings.models import BookingCalendarDay, BookingVenue
from chalicelib.bookings.schemas import BookingActivityIn, BookingHours, BookingVenueRules
from chalicelib.bookings.venues import _day_hours, _opens_for, _starts

WEEKDAYS_ONLY = {str(d): ["08:00", "21:00"] for d in range(1, 6)}


def venue(**extra) -> BookingVenue:
    return BookingVenue("v-000000000000", org_path="zj/huz/nanxun", audience_org="zj/huz/nanxun", name="羽毛球场",
                        kind="court", capacity=4, hours=extra.pop("hours", WEEKDAYS_ONLY), created_at="", updated_at="",
                        **extra)


def test_a_day_is_cut_into_whole_slots_inside_opening_hours():
    assert _starts("08:00", "21:00", 60) == [f"{h:02d}:00" for h in range(8, 21)]
    assert _starts("08:00", "10:00", 45) == ["08:00", "08:45"]  # 09:30–10:15 would run past closing
    assert _starts("00:00", "24:00", 30)[-1] == "23:30"


def test_holidays_close_make_up_days_open_with_mondays_hours_and_closures_win():
    cal = {"2026-10-01": BookingCalendarDay("2026", "2026-10-01", kind="holiday", name="国庆节"),
           "2026-10-10": BookingCalendarDay("2026", "2026-10-10", kind="workday", name="国庆节调休上班")}
    court = venue()
    assert _day_hours(court, date(2026, 10, 1), cal) == (None, "国庆节（法定节假日闭馆）")
    assert _day_hours(court, date(2026, 10, 10), cal) == (("08:00", "21:00"), "国庆节调休上班")  # a Saturday
    assert _day_hours(court, date(2026, 10, 11), cal) == (None, "当天不开放")                      # Sunday
    holiday_open = venue(holiday_hours=["10:00", "16:00"])
    assert _day_hours(holiday_open, date(2026, 10, 1), cal) == (("10:00", "16:00"), "国庆节")
    closed = venue(closures=[{"start": "2026-10-12", "end": "2026-10-13", "reason": "地板翻新"}])
    assert _day_hours(closed, date(2026, 10, 13), cal) == (None, "地板翻新")


def test_bookings_for_a_day_open_at_the_set_hour_horizon_days_before():
    rules = BookingVenueRules(horizon_days=7, opens_at="08:00")
    assert _opens_for(date(2026, 7, 13), rules) == datetime(2026, 7, 6, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert at_local(date(2026, 7, 6), "24:00") == datetime(2026, 7, 6, 16, 0, tzinfo=UTC)


def test_org_paths_nearest_first_and_subtrees():
    assert ancestors("zj/huz/nanxun/e-sanxing") == ["zj/huz/nanxun/e-sanxing", "zj/huz/nanxun", "zj/huz", "zj"]
    assert within("zj/huz/nanxun/e-sanxing", "zj/huz/nanxun") and not within("zj/huz/nanxun-x", "zj/huz/nanxun")


@pytest.mark.parametrize("change, message", [
    ({"quotas": {"male": 20, "female": 10}, "group_by": "gender"}, "名额之和"),
    ({"quotas": {"male": 20, "female": 20}}, "group_by"),
    ({"sessions": []}, "二选一"),
    ({"seat_numbers": True, "capacity": 500, "quotas": {}}, "200"),
])
def test_an_activity_with_inconsistent_seats_or_no_sessions_is_refused(change, message):
    data = {"org_path": "zj/hz/xihu", "title": "联谊", "kind": "glnj", "capacity": 40,
            "sessions": [{"starts_at": "2027-07-18T14:00:00+08:00", "ends_at": "2027-07-18T17:00:00+08:00"}]}
    with pytest.raises(ValidationError) as refused:
        BookingActivityIn.model_validate({**data, **change})
    assert message in str(refused.value)


def test_opening_hours_must_close_after_they_open():
    with pytest.raises(ValidationError):
        BookingHours(open="21:00", close="08:00")
    with pytest.raises(ValidationError):
        BookingHours(open="8:00", close="21:00")
