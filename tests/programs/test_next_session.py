"""A long course is listed by its next session, not by its first ("starting soon" sorts on it)."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from manabiba.core.models import SearchEntry
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import SEARCH_KIND, ProgramFilters, Sort, program_search
from manabiba.programs.services import (
    SessionTimes,
    program_create,
    program_publish,
    programs_refresh_next_starts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer() -> Organizer:
    return Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")


def make(organizer: Organizer, title: str, *starts: datetime) -> Program:
    program = program_create(
        actor=None,
        title=title,
        organizer=organizer,
        sessions=[SessionTimes(s, s + timedelta(hours=2)) for s in starts],
    )
    return program_publish(program=program, actor=None)


def soon_first(query: str = "") -> list[str]:
    return [p.title for p in program_search(ProgramFilters(q=query, sort=Sort.DATE)).programs]


def test_a_course_running_since_autumn_sorts_by_its_next_session(organizer: Organizer) -> None:
    now = timezone.now()
    # Weekly since eight weeks ago; the next meeting is in five days.
    make(organizer, "通年の書道講座", *[now + timedelta(days=5 - 7 * k) for k in range(9)])
    make(organizer, "週末の防災体験", now + timedelta(days=3))
    make(organizer, "来月の料理教室", now + timedelta(days=30))
    assert soon_first() == ["週末の防災体験", "通年の書道講座", "来月の料理教室"]


def test_the_daily_command_moves_a_course_on_to_its_next_session(organizer: Organizer) -> None:
    now = timezone.now()
    course = make(organizer, "囲碁教室", now + timedelta(days=1), now + timedelta(days=8))
    finished = make(organizer, "囲碁大会", now - timedelta(days=10))
    assert course.next_starts_at == now + timedelta(days=1)
    assert finished.next_starts_at == now - timedelta(days=10)
    entry = SearchEntry.objects.get(kind=SEARCH_KIND, object_id=course.pk)
    assert entry.starts_at == now + timedelta(days=1)

    two_days_on = now + timedelta(days=2)
    assert programs_refresh_next_starts(now=two_days_on) == 1
    course.refresh_from_db()
    assert course.next_starts_at == now + timedelta(days=8)
    entry.refresh_from_db()
    assert entry.starts_at == now + timedelta(days=8)
    # A second run, or a programme whose sessions are all over, changes nothing.
    assert programs_refresh_next_starts(now=two_days_on) == 0
    assert Program.objects.get(pk=finished.pk).next_starts_at == now - timedelta(days=10)


def test_a_session_under_way_is_still_the_next_one(organizer: Organizer) -> None:
    now = timezone.now()
    course = make(organizer, "ヨガ教室", now + timedelta(days=1), now + timedelta(days=8))
    assert programs_refresh_next_starts(now=now + timedelta(days=1, hours=1)) == 0
    assert Program.objects.get(pk=course.pk).next_starts_at == now + timedelta(days=1)


def test_finish_programs_also_moves_programmes_on(organizer: Organizer) -> None:
    make(organizer, "書道講座", timezone.now() + timedelta(days=1))
    out = StringIO()
    call_command("finish_programs", verbosity=2, stdout=out)
    assert out.getvalue().splitlines() == ["0 finished", "0 moved on to their next session"]
