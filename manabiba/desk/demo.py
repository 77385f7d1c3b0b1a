"""Demo data for the desk: the default week, a special day, and four weeks of shifts with a gap.

Idempotent: hours load only into an empty table, the special day and shifts are found by their
natural keys, so a second run changes nothing.
"""

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.desk.models import Shift, SpecialDay
from manabiba.desk.reference import desk_contact_load, weekly_hours_load
from manabiba.desk.selectors import at, desk_hours_between, desk_staff_choices, hours_version_bump

ROSTER_WEEKS = 4


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@transaction.atomic
def desk_demo_seed(*, people: list[User] | None = None, today: date | None = None) -> int:
    """Load the hours and roster the desk staff for four weeks; Sunday afternoons are left as gaps.

    Returns how many shifts were created.
    """
    weekly_hours_load()
    desk_contact_load()
    today = today or timezone.localdate()
    # A late-opening Wednesday three weeks ahead, for an evening information session.
    special = _next_weekday(today, 2) + timedelta(days=14)
    SpecialDay.objects.get_or_create(
        day=special,
        defaults={
            "is_closed": False,
            "opens_at": time(13),
            "closes_at": time(21),
            "note": "生涯学習相談会（拡大開設）",
        },
    )
    staff = people if people is not None else list(desk_staff_choices())
    if not staff:
        return 0
    created = 0
    days = desk_hours_between(today, today + timedelta(days=7 * ROSTER_WEEKS - 1))
    for index, day_hours in enumerate(days):
        for number, (opens, closes) in enumerate(day_hours.ranges):
            if day_hours.day.weekday() == 6 and opens >= time(12):
                continue  # Sunday afternoon: nobody, so the roster shows a gap.
            person = staff[(index + number) % len(staff)]
            _shift, made = Shift.objects.get_or_create(
                person=person,
                starts_at=at(day_hours.day, opens),
                defaults={"ends_at": at(day_hours.day, closes), "note": ""},
            )
            created += made
    transaction.on_commit(hours_version_bump)
    return created
