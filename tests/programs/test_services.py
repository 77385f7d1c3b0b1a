"""The programme workflow as the services enforce it, and the factories that build on them."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.roles import Role
from manabiba.core.audit import audit_entries_for
from manabiba.programs import services
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program, ProgramSession

pytestmark = pytest.mark.django_db


def test_department_staff_publish_their_own_department_programmes(make_persona: Any) -> None:
    department = DepartmentFactory(name="社会教育課")
    staff = make_persona(Role.DEPARTMENT_STAFF, department=department)
    program = ProgramFactory(organizer=OrganizerFactory(department=department, name="社会教育課"))
    published = services.program_publish(program=program, actor=staff)
    assert published.status == Program.Status.PUBLISHED
    assert published.published_at is not None
    assert audit_entries_for(program).filter(action="programs.program.published", actor=staff).exists()


def test_department_staff_cannot_publish_another_departments_programme(make_persona: Any) -> None:
    staff = make_persona(Role.DEPARTMENT_STAFF, department=DepartmentFactory(name="社会教育課"))
    other = ProgramFactory(organizer=OrganizerFactory(department=DepartmentFactory(name="公民館"), name="公民館"))
    with pytest.raises(PermissionDenied):
        services.program_publish(program=other, actor=staff)
    assert Program.objects.get(pk=other.pk).status == Program.Status.DRAFT


def test_a_group_organisers_submission_waits_for_the_coordinator(make_persona: Any, coordinator: Any) -> None:
    organiser = make_persona(Role.GROUP_ORGANISER, full_name="団体 代表")
    program = ProgramFactory(organizer=OrganizerFactory(citizen=True, name="団体 代表"), created_by=organiser)
    services.program_submit(program=program, actor=organiser)
    with pytest.raises(PermissionDenied):
        services.program_publish(program=program, actor=organiser)
    assert Program.objects.get(pk=program.pk).status == Program.Status.SUBMITTED
    services.program_publish(program=program, actor=coordinator)
    assert Program.objects.get(pk=program.pk).status == Program.Status.PUBLISHED


def test_returning_needs_a_reason_and_clears_it_on_resubmission(make_persona: Any, coordinator: Any) -> None:
    author = make_persona(Role.TALENT, full_name="講師 一郎")
    program = ProgramFactory(
        organizer=OrganizerFactory(citizen=True, name="講師 一郎"), created_by=author, submitted=True
    )
    with pytest.raises(ValidationError):
        services.program_return(program=program, actor=coordinator, reason="  ")
    returned = services.program_return(program=program, actor=coordinator, reason="会場を書いてください")
    assert (returned.status, returned.status_reason) == (Program.Status.DRAFT, "会場を書いてください")
    resubmitted = services.program_submit(program=returned, actor=author)
    assert (resubmitted.status, resubmitted.status_reason) == (Program.Status.SUBMITTED, "")


def test_cancelling_needs_a_reason_that_is_kept(coordinator: Any) -> None:
    program = ProgramFactory(published=True)
    with pytest.raises(ValidationError):
        services.program_cancel(program=program, actor=coordinator, reason="")
    cancelled = services.program_cancel(program=program, actor=coordinator, reason="講師の体調不良のため")
    assert cancelled.status == Program.Status.CANCELLED
    assert cancelled.status_reason == "講師の体調不良のため"


def test_a_programme_is_finished_after_its_last_session_by_the_daily_command() -> None:
    course = ProgramFactory(published=True, course=True)
    assert course.last_ends_at is not None
    assert services.programs_finish_past(now=course.last_ends_at - timedelta(minutes=1)) == 0
    assert Program.objects.get(pk=course.pk).status == Program.Status.PUBLISHED
    past = ProgramFactory(published=True, past=True)
    draft_in_the_past = ProgramFactory(past=True)
    out = StringIO()
    call_command("finish_programs", stdout=out)
    assert out.getvalue().strip() == "1 finished"
    assert Program.objects.get(pk=past.pk).status == Program.Status.FINISHED
    assert Program.objects.get(pk=draft_in_the_past.pk).status == Program.Status.DRAFT
    assert Program.objects.get(pk=course.pk).status == Program.Status.PUBLISHED
    assert audit_entries_for(past).filter(action="programs.program.finished").exists()


def test_the_factory_builds_sessions_through_the_services() -> None:
    course = ProgramFactory(course=True, evening=True)
    sessions = list(course.sessions.all())
    assert len(sessions) == 4
    assert course.first_starts_at == sessions[0].starts_at
    assert course.last_ends_at == sessions[-1].ends_at
    assert {s.time_band for s in sessions} == {ProgramSession.TimeBand.EVENING}
    assert all(not s.is_day_off and s.weekday < 5 for s in sessions)
    weekend = ProgramFactory(weekend=True).sessions.get()
    assert weekend.is_day_off
    assert weekend.weekday == 5
    assert weekend.time_band == ProgramSession.TimeBand.MORNING
    assert ProgramFactory().sessions.get().starts_at > timezone.now()


def test_the_factory_reaches_each_status() -> None:
    assert ProgramFactory(status=Program.Status.CANCELLED).status_reason
    assert ProgramFactory(status=Program.Status.FINISHED).status == Program.Status.FINISHED
    assert ProgramFactory(submitted=True).status == Program.Status.SUBMITTED


def test_organisers_are_found_again_by_kind_and_name() -> None:
    department = DepartmentFactory(name="生涯学習課")
    first = services.organizer_get_or_create(kind=Organizer.Kind.DEPARTMENT, name="生涯学習課", department=department)
    again = services.organizer_get_or_create(kind=Organizer.Kind.DEPARTMENT, name=" 生涯学習課 ")
    assert first.pk == again.pk
    assert again.department == department
