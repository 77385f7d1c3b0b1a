"""Opening hours with a frozen clock: the regular week, national holidays, the year-end closure, special days."""

from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine

from manabiba.desk.models import SpecialDay
from manabiba.desk.selectors import Reason, desk_hours_for_month, desk_status, desk_status_cached
from tests.desk.conftest import at

pytestmark = pytest.mark.usefixtures("default_week")

WEDNESDAY = date(2026, 11, 25)


def test_open_at_six_on_a_weekday_evening_until_nine() -> None:
    status = desk_status(at(WEDNESDAY, 18))
    assert status.is_open
    assert status.closes_at == at(WEDNESDAY, 21)


def test_closed_at_four_on_a_weekday_opens_at_five() -> None:
    status = desk_status(at(WEDNESDAY, 16))
    assert not status.is_open
    assert status.opens_at == at(WEDNESDAY, 17)


def test_after_closing_on_friday_it_opens_saturday_morning() -> None:
    status = desk_status(at(date(2026, 11, 27), 21, 0))
    assert not status.is_open
    assert status.opens_at == at(date(2026, 11, 28), 9)


def test_the_weekend_lunch_break_closes_the_desk() -> None:
    saturday = date(2026, 11, 28)
    assert desk_status(at(saturday, 11, 59)).closes_at == at(saturday, 12)
    lunch = desk_status(at(saturday, 12, 30))
    assert not lunch.is_open
    assert lunch.opens_at == at(saturday, 13)


def test_a_national_holiday_on_a_monday_is_closed() -> None:
    # 勤労感謝の日, Monday 23 November 2026: an ordinary Monday evening would be open.
    holiday = date(2026, 11, 23)
    status = desk_status(at(holiday, 18))
    assert not status.is_open
    assert status.opens_at == at(date(2026, 11, 24), 17)
    days = {day.day: day for day in desk_hours_for_month(2026, 11)}
    assert days[holiday].reason == Reason.HOLIDAY
    assert days[holiday].holiday == "勤労感謝の日"
    assert not days[holiday].is_open


def test_the_year_end_closure_runs_from_29_december_to_3_january() -> None:
    # Tuesday 29 December 2026, a weekday evening, is closed; so is every day up to Sunday 3 January.
    status = desk_status(at(date(2026, 12, 29), 18))
    assert not status.is_open
    assert status.opens_at == at(date(2027, 1, 4), 17)
    december = {day.day: day for day in desk_hours_for_month(2026, 12)}
    assert december[date(2026, 12, 28)].is_open
    assert december[date(2026, 12, 30)].reason == Reason.YEAR_END
    january = {day.day: day for day in desk_hours_for_month(2027, 1)}
    assert january[date(2027, 1, 1)].holiday == "元日"
    assert not january[date(2027, 1, 3)].is_open
    assert january[date(2027, 1, 4)].ranges == ((time(17), time(21)),)


def test_a_special_day_has_its_own_hours_and_note() -> None:
    SpecialDay.objects.create(day=WEDNESDAY, opens_at=time(13), closes_at=time(21), note="相談会")
    assert desk_status(at(WEDNESDAY, 14)).is_open
    day = next(d for d in desk_hours_for_month(2026, 11) if d.day == WEDNESDAY)
    assert day.reason == Reason.SPECIAL
    assert day.note == "相談会"


def test_a_special_day_can_close_the_desk_or_open_it_on_a_holiday() -> None:
    SpecialDay.objects.create(day=WEDNESDAY, is_closed=True, note="研修のため休み")
    SpecialDay.objects.create(day=date(2026, 11, 23), opens_at=time(10), closes_at=time(15), note="祝日特別開設")
    assert not desk_status(at(WEDNESDAY, 18)).is_open
    assert desk_status(at(WEDNESDAY, 16)).opens_at == at(date(2026, 11, 26), 17)
    holiday = desk_status(at(date(2026, 11, 23), 11))
    assert holiday.is_open
    assert holiday.closes_at == at(date(2026, 11, 23), 15)


def test_the_cached_status_is_the_status_of_the_minute() -> None:
    with time_machine.travel(
        at(
            WEDNESDAY,
            16,
            59,
        ),
        tick=False,
    ):
        assert not desk_status_cached().is_open
    with time_machine.travel(at(WEDNESDAY, 17, 0), tick=False):
        assert desk_status_cached().is_open


def test_a_new_minute_costs_no_query_and_a_new_day_reads_the_hours_again(
    django_assert_num_queries: Any,
) -> None:
    with time_machine.travel(at(WEDNESDAY, 16, 58), tick=False):
        desk_status_cached()  # reads the day's openings
    with time_machine.travel(at(WEDNESDAY, 17, 1), tick=False), django_assert_num_queries(0):
        assert desk_status_cached().is_open
    with time_machine.travel(at(WEDNESDAY, 22, 0), tick=False), django_assert_num_queries(0):
        assert desk_status_cached().opens_at is not None
    with time_machine.travel(at(WEDNESDAY + timedelta(days=1), 9, 0), tick=False), django_assert_num_queries(2):
        desk_status_cached()


def test_months_have_one_row_per_day() -> None:
    assert len(desk_hours_for_month(2027, 2)) == 28
    assert len(desk_hours_for_month(2026, 12)) == 31
