"""Which state each frame is in: closed days, bookings, frames over, first come not yet open."""

from datetime import date

import pytest
from django.utils import translation

from manabiba.facilities.models import Closure
from manabiba.facilities.selectors import facility_closed_days
from manabiba.venues import selectors
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking
from manabiba.venues.selectors import State
from tests.venues.conftest import NOW, SATURDAY, Place, at

pytestmark = pytest.mark.django_db


def _book(place: Place, day: date, status: str = Booking.Status.BOOKED) -> Booking:
    return Booking.objects.create(
        room=place.room,
        day=day,
        frame=place.evening,
        starts_at=at(day, 18),
        ends_at=at(day, 21),
        group=UserGroupFactory(),
        purpose="勉強会",
        attendees=10,
        fee=1200,
        amount_due=1200,
        status=status,
    )


def _states(place: Place, year: int, month: int) -> dict[date, list[str]]:
    return {
        row.day: [cell.state for cell in row.cells]
        for row in selectors.room_month(place.room, year=year, month=month, now=NOW)
    }


def test_a_month_has_a_row_per_day_and_a_cell_per_frame(place: Place) -> None:
    rows = selectors.room_month(place.room, year=2026, month=12, now=NOW)
    assert [row.day.day for row in rows] == list(range(1, 32))
    assert [cell.frame.name for cell in rows[0].cells] == ["午前", "午後", "夜間"]


def test_states_over_free_booked_and_year_end(place: Place) -> None:
    _book(place, SATURDAY)
    _book(place, date(2026, 12, 19), status=Booking.Status.CANCELLED)
    states = _states(place, 2026, 12)
    assert states[date(2026, 12, 1)] == [State.OVER] * 3
    # 10:00 on the 2nd: the morning has started, the afternoon and evening are free.
    assert states[date(2026, 12, 2)] == [State.OVER, State.FREE, State.FREE]
    assert states[SATURDAY] == [State.FREE, State.FREE, State.BOOKED]
    assert states[date(2026, 12, 19)] == [State.FREE] * 3, "a cancelled booking frees the frame"
    assert states[date(2026, 12, 29)] == [State.CLOSED] * 3
    assert states[date(2026, 12, 31)] == [State.CLOSED] * 3


def test_the_month_after_next_is_in_its_lottery_until_first_come_opens(place: Place) -> None:
    # On 2 December January is first come, February takes lottery entries (1–10 December), March waits.
    assert _states(place, 2027, 1)[date(2027, 1, 29)] == [State.FREE] * 3
    assert _states(place, 2027, 2)[date(2027, 2, 26)] == [State.LOTTERY] * 3
    assert _states(place, 2027, 3)[date(2027, 3, 1)] == [State.NOT_OPEN] * 3


@translation.override("en")
def test_closures_holidays_and_closed_weekdays(place: Place) -> None:
    facility = place.facility
    Closure.objects.create(facility=facility, day=date(2027, 1, 20), note="設備点検")
    closed = facility_closed_days(facility, date(2027, 1, 1), date(2027, 1, 31))
    assert closed[date(2027, 1, 3)] == "Year-end and New Year closure"
    assert closed[date(2027, 1, 20)] == "設備点検"
    assert date(2027, 1, 11) not in closed, "this 公民館 opens on national holidays"
    facility.closed_on_holidays = True
    facility.closed_weekdays = "01234"
    closed = facility_closed_days(facility, date(2027, 1, 1), date(2027, 1, 31))
    assert closed[date(2027, 1, 11)] == "成人の日"
    assert closed[date(2027, 1, 13)] == "Regular closing day"
    assert date(2027, 1, 16) not in closed, "a school opens its rooms on Saturdays"


def test_the_day_view_has_a_row_per_bookable_room(place: Place) -> None:
    _book(place, SATURDAY)
    frames, rows = selectors.facility_day(place.facility, day=SATURDAY, now=NOW)
    assert [frame.name for frame in frames] == ["午前", "午後", "夜間"]
    assert [(row.room.name, [cell.state for cell in row.cells]) for row in rows] == [
        ("和室", [State.FREE] * 3),
        ("講座室", [State.FREE, State.FREE, State.BOOKED]),
    ]


def test_address_and_phone_spellings_fold_to_one_key() -> None:
    assert selectors.address_key("西東京市南町五丁目６番１３号") == selectors.address_key("南町5-6-13")
    assert selectors.address_key("南町５－６－１３") == "南町5-6-13"
    assert selectors.phone_key("０４２－４６４－８２１１") == selectors.phone_key("042 464 8211") == "0424648211"
    assert selectors.name_key("代表　花子") == selectors.name_key("代表花子")
