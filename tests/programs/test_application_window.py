"""The application window's rule exists twice, once for one programme and once as a filter for
the database: for every combination of dates and every moment around them, both agree."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import application_window_open_q, program_application_window

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
OPENS = datetime(2027, 1, 5, 9, 0, tzinfo=TOKYO)
CLOSES = datetime(2027, 1, 15, 17, 0, tzinfo=TOKYO)
STARTS = datetime(2027, 1, 20, 10, 0, tzinfo=TOKYO)
LATE_CLOSE = STARTS + timedelta(days=1)


def test_the_filter_and_the_single_programme_rule_agree() -> None:
    organizer = Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    combinations = itertools.product(
        Program.Application.values,
        [Program.Status.PUBLISHED, Program.Status.DRAFT, Program.Status.CANCELLED, Program.Status.FINISHED],
        [None, OPENS],
        [None, CLOSES, LATE_CLOSE],
        [None, STARTS],
    )
    Program.objects.bulk_create(
        Program(
            title=f"{application} {status} {opens} {closes} {starts}",
            organizer=organizer,
            application=application,
            status=status,
            applications_open_at=opens,
            applications_close_at=closes,
            first_starts_at=starts,
        )
        for application, status, opens, closes, starts in combinations
    )
    programs = list(Program.objects.all())
    assert len(programs) == 5 * 4 * 2 * 3 * 2
    moments = [
        at + delta
        for at in (OPENS, CLOSES, STARTS, LATE_CLOSE)
        for delta in (-timedelta(seconds=1), timedelta(0), timedelta(seconds=1))
    ]
    some_open = 0
    for now in moments:
        by_filter = set(Program.objects.filter(application_window_open_q(now)).values_list("pk", flat=True))
        one_by_one = {p.pk for p in programs if program_application_window(p, now=now).is_open}
        assert by_filter == one_by_one, now
        some_open += len(one_by_one)
    assert some_open > 0  # the comparison is not between two empty sets
