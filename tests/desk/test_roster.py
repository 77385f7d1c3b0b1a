"""The roster: who is on shift, and the open hours nobody covers."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.desk.selectors import Gap, roster_for, roster_gaps
from manabiba.desk.services import shift_add, shift_remove
from tests.desk.conftest import at

pytestmark = pytest.mark.usefixtures("default_week")

SATURDAY = date(2026, 11, 28)


def test_gaps_are_the_open_hours_without_anyone_on_shift(coordinator: User, desk_staff: User) -> None:
    shift_add(actor=coordinator, person=desk_staff, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 11))
    shift_add(actor=coordinator, person=coordinator, starts_at=at(SATURDAY, 13), ends_at=at(SATURDAY, 17))
    assert roster_gaps(SATURDAY, 1) == [Gap(at(SATURDAY, 11), at(SATURDAY, 12))]


def test_a_day_nobody_staffs_is_one_gap_per_opening(coordinator: User) -> None:
    sunday = date(2026, 11, 29)
    assert roster_gaps(sunday, 1) == [Gap(at(sunday, 9), at(sunday, 12)), Gap(at(sunday, 13), at(sunday, 17))]


def test_closed_days_have_no_gaps_and_overlapping_shifts_cover_together(coordinator: User, desk_staff: User) -> None:
    holiday = date(2026, 11, 23)
    wednesday = date(2026, 11, 25)
    shift_add(actor=coordinator, person=desk_staff, starts_at=at(wednesday, 16), ends_at=at(wednesday, 19))
    shift_add(actor=coordinator, person=coordinator, starts_at=at(wednesday, 18), ends_at=at(wednesday, 21))
    days = {day.day: day for day in roster_for(holiday, 3)}
    assert days[holiday].gaps == []
    assert days[wednesday].gaps == []
    assert [shift.person for shift in days[wednesday].shifts] == [desk_staff, coordinator]
    assert len(days[date(2026, 11, 24)].gaps) == 1


def test_only_roster_managers_add_shifts_and_only_for_desk_staff(
    coordinator: User, desk_staff: User, make_persona: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        shift_add(actor=desk_staff, person=desk_staff, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 12))
    department = make_persona(Role.DEPARTMENT_STAFF)
    with pytest.raises(ValidationError):
        shift_add(actor=coordinator, person=department, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 12))


def test_a_person_cannot_have_two_overlapping_shifts(coordinator: User, desk_staff: User) -> None:
    shift_add(actor=coordinator, person=desk_staff, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 12))
    with pytest.raises(ValidationError):
        shift_add(actor=coordinator, person=desk_staff, starts_at=at(SATURDAY, 11), ends_at=at(SATURDAY, 13))


def test_removing_a_shift_opens_a_gap_and_is_audited(coordinator: User, desk_staff: User) -> None:
    shift = shift_add(actor=coordinator, person=desk_staff, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 17))
    assert roster_gaps(SATURDAY, 1) == []
    shift_remove(actor=coordinator, shift=shift)
    assert len(roster_gaps(SATURDAY, 1)) == 2
    assert list(AuditEntry.objects.filter(action__startswith="desk.shift.").values_list("action", flat=True)) == [
        "desk.shift.removed",
        "desk.shift.added",
    ]
