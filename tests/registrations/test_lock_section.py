"""What happens under the programme's lock when a resident applies: the seats are read and the rows
written, but the mail is rendered before the lock is taken (issue 14: registrations that don't queue)."""

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from manabiba.accounts.models import User
from manabiba.core import mail as core_mail
from manabiba.core.models import OutboxMessage
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.registrations.services import applying, registration_submit

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """'render' for every mail rendered and 'lock' when the programme is locked, in order."""
    seen: list[str] = []
    render, lock = core_mail.mail_render, applying._lock_program

    def rendering(**kwargs: Any) -> tuple[str, str]:
        seen.append("render")
        return render(**kwargs)

    def locking(program_id: int, **options: bool) -> Program:
        seen.append("lock")
        return lock(program_id, **options)

    monkeypatch.setattr(core_mail, "mail_render", rendering)
    monkeypatch.setattr(applying, "_lock_program", locking)
    return seen


def test_the_confirmation_is_rendered_before_the_lock_and_queued_with_the_registration(
    make_program: MakeProgram, resident: User, events: list[str]
) -> None:
    program = make_program(capacity=2, program_fields={"session_count": 2})
    registration = registration_submit(program=program, user=resident, consent=True)
    assert events == ["render", "lock"]
    assert registration.status == Registration.Status.CONFIRMED
    mail = OutboxMessage.objects.get(to=resident.email)
    assert registration.check_in_code in mail.body
    assert "MBLANK" not in mail.subject + mail.body
    # The calendar file names the saved registration (its id was a blank when it was rendered).
    [attachment] = mail.attachments
    calendar = base64.b64decode(attachment["content"])
    assert f"registration-{registration.pk}-session-".encode() in calendar
    assert b"MBLANK" not in calendar


def test_the_waiting_list_mail_gets_its_place_under_the_lock(
    make_program: MakeProgram, make_resident: Callable[..., User], events: list[str]
) -> None:
    program = make_program(capacity=1)
    first, second, third = make_resident(), make_resident(), make_resident()
    registration_submit(program=program, user=first, consent=True)
    events.clear()
    registration_submit(program=program, user=second, consent=True)
    third_registration = registration_submit(program=program, user=third, consent=True)
    assert events == ["render", "lock", "render", "lock"]
    assert third_registration.waitlist_position == 2
    body = OutboxMessage.objects.get(to=third.email).body
    assert "2" in body
    assert "MBLANK" not in body


def test_a_wrong_guess_is_rendered_again_under_the_lock(
    make_program: MakeProgram, make_resident: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last seat goes to someone else between the guess and the lock: the mail says waitlisted."""
    program = make_program(capacity=1)
    resident, faster = make_resident(), make_resident()
    lock = applying._lock_program

    def someone_faster(program_id: int, **options: bool) -> Program:
        monkeypatch.setattr(applying, "_lock_program", lock)
        registration_submit(program=program, user=faster, consent=True)
        return lock(program_id, **options)

    monkeypatch.setattr(applying, "_lock_program", someone_faster)
    registration = registration_submit(program=program, user=resident, consent=True)
    assert registration.status == Registration.Status.WAITLISTED
    assert registration.waitlist_position == 1
    mail = OutboxMessage.objects.get(to=resident.email)
    assert registration.check_in_code not in mail.body
    assert "MBLANK" not in mail.body
    assert OutboxMessage.objects.get(to=faster.email).attachments  # the confirmation, with its calendar


def test_the_locked_section_is_a_few_round_trips(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    """From the lock to the end: lock (with the settings), one read of the seats, the registration, its
    participants, the audit entry, the mail: nothing rendered, no other read."""
    program = make_program(capacity=1)
    registration_submit(program=program, user=make_resident(), consent=True)
    for expected_status in (Registration.Status.WAITLISTED, Registration.Status.WAITLISTED):
        with CaptureQueriesContext(connection) as queries:
            registration = registration_submit(program=program, user=make_resident(), consent=True)
        assert registration.status == expected_status
        sql = [q["sql"] for q in queries.captured_queries]
        # The lock reads the programme with its settings (FOR UPDATE on PostgreSQL; on SQLite the
        # transaction's BEGIN IMMEDIATE is the lock).
        locked = sql[next(n for n, text in enumerate(sql) if 'JOIN "registrations_registrationsettings"' in text) :]
        locked = [text for text in locked if not text.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
        if connection.vendor == "postgresql":
            assert "FOR UPDATE" in locked[0]
        assert len(locked) <= 6, locked
