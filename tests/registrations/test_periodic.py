"""What happens by time and at the door: scheduled draws, reminders, minimum enrolment, attendance,
programme and session cancellation, the retention purge; and the two management commands."""

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import Attendance, LotteryDraw, ParticipationFigure, Registration
from manabiba.registrations.selectors import programs_below_minimum, roster
from manabiba.registrations.services import (
    attendance_check_in,
    attendance_record,
    minimum_enrolment_decide,
    registration_submit,
    registration_submit_on_behalf,
    registrations_program_cancel,
    registrations_purge_due,
    registrations_run_due,
    registrations_session_cancel_notify,
)

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db
S = Registration.Status


def test_due_draw_runs_once_after_the_deadline(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=1, lottery=True)
    for _ in range(3):
        registration_submit(program=program, user=make_resident(), consent=True)
    assert registrations_run_due().drawn == []
    after = timezone.now() + timedelta(days=4)
    assert registrations_run_due(now=after).drawn == [program.pk]
    assert registrations_run_due(now=after).drawn == []
    draw = LotteryDraw.objects.get(program=program)
    assert draw.drawn_by is None
    assert AuditEntry.objects.filter(action="registrations.lottery.drawn", target_id=str(draw.pk)).count() == 1


def test_reminder_two_days_before_the_first_session_once(make_program: MakeProgram, resident: User) -> None:
    program = make_program()
    registration_submit(program=program, user=resident, consent=True)
    assert program.first_starts_at is not None
    assert registrations_run_due().reminders_sent == 0
    two_days_before = program.first_starts_at - timedelta(days=1, hours=23)
    assert registrations_run_due(now=two_days_before).reminders_sent == 1
    assert registrations_run_due(now=two_days_before).reminders_sent == 0
    with translation.override("ja"):
        subjects = list(OutboxMessage.objects.filter(to=resident.email).values_list("subject", flat=True))
    assert len(subjects) == 2  # confirmation, reminder


def test_below_minimum_is_flagged_once_and_staff_decide(
    make_program: MakeProgram, resident: User, coordinator: User
) -> None:
    program = make_program(
        capacity=10, program_fields={"min_participants": 3, "contact_email": "kyoiku@city.example.jp"}
    )
    registration = registration_submit(program=program, user=resident, consent=True)
    after_deadline = timezone.now() + timedelta(days=3, minutes=1)
    assert registrations_run_due(now=after_deadline).below_minimum == [program.pk]
    assert registrations_run_due(now=after_deadline).below_minimum == []
    assert OutboxMessage.objects.filter(to="kyoiku@city.example.jp").count() == 1
    assert list(programs_below_minimum()) == [program]
    minimum_enrolment_decide(program=program, actor=coordinator, run=False, reason="参加者が少ないため")
    program.refresh_from_db()
    registration.refresh_from_db()
    assert program.status == Program.Status.CANCELLED
    assert registration.status == S.CANCELLED
    assert list(programs_below_minimum()) == []


def test_programme_cancellation_tells_everyone(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User
) -> None:
    program = make_program(capacity=1)
    people = [make_resident(language="en") for _ in range(3)]
    for person in people:
        registration_submit(program=program, user=person, consent=True)
    assert registrations_program_cancel(program=program, actor=coordinator, reason="typhoon") == 3
    assert set(Registration.objects.filter(program=program).values_list("status", flat=True)) == {S.CANCELLED}
    for person in people:
        last = OutboxMessage.objects.filter(to=person.email).order_by("id").last()
        assert last is not None
        assert "cancelled" in last.subject
        assert "typhoon" in last.body


def test_session_cancellation_is_sent_to_those_with_a_place(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User
) -> None:
    program = make_program(capacity=1)
    seated, waiting = make_resident(), make_resident()
    registration_submit(program=program, user=seated, consent=True)
    registration_submit(program=program, user=waiting, consent=True)
    session = program.sessions.get()
    assert registrations_session_cancel_notify(session=session, actor=coordinator, reason="会場点検") == 1
    assert "会場点検" in OutboxMessage.objects.filter(to=seated.email).order_by("id").last().body  # type: ignore[union-attr]
    assert OutboxMessage.objects.filter(to=waiting.email).count() == 1


def test_attendance_by_code_and_roster(
    make_program: MakeProgram, make_resident: Callable[..., User], make_persona: Callable[..., User]
) -> None:
    program = make_program(program_fields={"session_count": 2})
    a, b = make_resident(full_name_kana="あ"), make_resident(full_name_kana="い")
    ra = registration_submit(program=program, user=a, consent=True)
    rb = registration_submit(program=program, user=b, consent=True)
    first, second = program.sessions.all()
    facility_staff = make_persona(Role.FACILITY_STAFF)
    coordinator = make_persona(Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        attendance_check_in(session=first, code=ra.check_in_code, actor=facility_staff)
    attendance = attendance_check_in(session=first, code=" " + ra.check_in_code.lower(), actor=coordinator)
    assert attendance.method == Attendance.Method.CODE
    with pytest.raises(ValidationError):
        attendance_check_in(session=first, code="ZZZZZZ", actor=coordinator)
    attendance_record(session=first, registration=rb, actor=coordinator, present=False)
    attendance_record(session=second, registration=rb, actor=coordinator, present=True)
    rows = roster(session=first, viewer=coordinator)
    assert [(r.pk, att.present if att else None) for r, att in rows] == [(ra.pk, True), (rb.pk, False)]
    assert AuditEntry.objects.filter(action="registrations.personal_data.viewed", actor=coordinator).exists()


def test_purge_keeps_anonymous_figures_only(
    make_program: MakeProgram, make_resident: Callable[..., User], coordinator: User, make_persona: Callable[..., User]
) -> None:
    program = make_program(retention_months=6)
    person = make_resident(age_band="60s", lives_in_city=True)
    registration = registration_submit(program=program, user=person, consent=True)
    registration_submit_on_behalf(
        program=program,
        actor=make_persona(Role.DESK_STAFF),
        channel="postcard",
        full_name="葉書 送子",
        phone="042-111-2222",
        consent=True,
    )
    attendance_record(session=program.sessions.get(), registration=registration, actor=coordinator)
    assert program.last_ends_at is not None
    assert registrations_purge_due(now=program.last_ends_at + timedelta(days=150)) == 0
    assert registrations_purge_due(now=program.last_ends_at + timedelta(days=190)) == 2
    assert not Registration.objects.filter(program=program).exists()
    figures = list(ParticipationFigure.objects.filter(program=program).order_by("channel"))
    assert [(f.channel, f.attended, f.age_band, f.lives_in_city) for f in figures] == [
        ("postcard", False, "", False),
        ("web", True, "60s", True),
    ]
    assert registrations_purge_due(now=program.last_ends_at + timedelta(days=400)) == 0


def test_lottery_verify_command(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=2, lottery=True)
    # Twelve applicants: another seed gives the same order of twelve once in 479 million draws (with
    # four it did once in 24, and the check of a wrong seed below then passed by chance).
    for _ in range(12):
        registration_submit(program=program, user=make_resident(), consent=True)
    registrations_run_due(now=timezone.now() + timedelta(days=4))
    draw = LotteryDraw.objects.get(program=program)
    out = StringIO()
    call_command("lottery_verify", str(draw.pk), stdout=out)
    assert "match" in out.getvalue()
    assert draw.seed in out.getvalue()
    LotteryDraw.objects.filter(pk=draw.pk).update(seed="0" * 64)
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("lottery_verify", str(draw.pk), stdout=StringIO(), stderr=err)
    assert exited.value.code == 1
    assert "mismatch" in err.getvalue()


def test_registrations_due_command_is_idempotent(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=1, lottery=True, closes_in=timedelta(seconds=-1))
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() + timedelta(hours=1))
    for _ in range(2):
        registration_submit(program=program, user=make_resident(), consent=True)
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("registrations_due", stdout=out)
    assert "draws run: 1" in out.getvalue()
    out = StringIO()
    call_command("registrations_due", stdout=out)
    assert "draws run: 0" in out.getvalue()
    assert LotteryDraw.objects.filter(program=program).count() == 1


def test_tasks_draw_and_run_due_by_id(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    from manabiba.registrations.tasks import lottery_draw_task, registrations_run_due_task

    program = make_program(capacity=1, lottery=True)
    for _ in range(2):
        registration_submit(program=program, user=make_resident(), consent=True)
    assert lottery_draw_task.enqueue(program.pk).return_value is False  # applications still open
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    assert lottery_draw_task.enqueue(program.pk).return_value is True
    assert lottery_draw_task.enqueue(program.pk).return_value is False
    assert registrations_run_due_task.enqueue().return_value["drawn"] == 0
    assert LotteryDraw.objects.filter(program=program).count() == 1
