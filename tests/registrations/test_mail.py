"""Registration mail: in the recipient's language, with the sessions, and never lost when the mail
server is down (delivered exactly once when it is back)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.core.mail import outbox_retry_due
from manabiba.core.models import OutboxMessage
from manabiba.registrations.services import _confirmation_attachments, registration_cancel, registration_submit

from .conftest import MakeProgram

pytestmark = pytest.mark.django_db


def test_mail_is_in_the_recipients_language(make_program: MakeProgram, make_resident: Callable[..., User]) -> None:
    program = make_program(capacity=1)
    english, japanese = make_resident(language="en"), make_resident(language="ja")
    registration = registration_submit(program=program, user=english, consent=True)
    registration_submit(program=program, user=japanese, consent=True)
    mail = OutboxMessage.objects.get(to=english.email)
    assert mail.subject.startswith("Your place is confirmed")
    assert program.title in mail.body
    assert registration.check_in_code in mail.body
    assert f"Dear {english.full_name}" in mail.body
    waitlisted = OutboxMessage.objects.get(to=japanese.email)
    assert "Dear" not in waitlisted.body
    assert japanese.full_name in waitlisted.body


def test_confirmation_calendar_has_every_session(make_program: MakeProgram, resident: User) -> None:
    program = make_program(program_fields={"session_count": 3})
    registration = registration_submit(program=program, user=resident, consent=True)
    [(name, content, mime)] = _confirmation_attachments(registration)
    assert name.endswith(".ics")
    assert mime == "text/calendar"
    assert content.count(b"BEGIN:VEVENT") == 3


def test_mail_waits_for_the_server_and_is_sent_once(
    make_program: MakeProgram,
    make_resident: Callable[..., User],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    time_machine: Any,
) -> None:
    program = make_program(capacity=1, cancellation_cutoff_hours=0)
    first, second = make_resident(language="en"), make_resident(language="en")
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_submit(program=program, user=first, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration_submit(program=program, user=second, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=first)
    assert smtp_server.messages == []
    assert OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).count() == 4
    smtp_server.start()
    time_machine.move_to(timezone.now() + timedelta(minutes=30))
    outbox_retry_due()
    outbox_retry_due()
    assert len(smtp_server.to(first.email)) == 2  # confirmed, cancelled
    assert len(smtp_server.to(second.email)) == 2  # waitlisted, promoted
    assert sorted(smtp_server.subject(m) for m in smtp_server.to(second.email)) == [
        "A place has become free for you - Manabiba",
        "You are on the waiting list - Manabiba",
    ]
    # The confirmation arrives with the calendar of the sessions attached, marked as English.
    [confirmation] = [m for m in smtp_server.to(first.email) if "confirmed" in smtp_server.subject(m)]
    assert confirmation["Content-Language"] == "en"
    calendars = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    assert calendars[0].get_filename().endswith(".ics")
    assert b"BEGIN:VEVENT" in calendars[0].get_payload(decode=True)


def test_mail_over_smtp_is_labelled_with_the_recipients_language(
    make_program: MakeProgram,
    make_resident: Callable[..., User],
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    program = make_program(capacity=1)
    english = make_resident(language="en", full_name="Alex Brown")
    japanese = make_resident(language="ja", full_name="山田 花子")
    with django_capture_on_commit_callbacks(execute=True):
        registration_submit(program=program, user=english, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration_submit(program=program, user=japanese, consent=True)
    [confirmed] = smtp_server.to(english.email)
    assert confirmed["Content-Language"] == "en"
    assert smtp_server.subject(confirmed) == "Your place is confirmed - Manabiba"
    assert smtp_server.body(confirmed).splitlines()[0] == "Dear Alex Brown,"
    [waitlisted] = smtp_server.to(japanese.email)
    assert waitlisted["Content-Language"] == "ja"
    assert smtp_server.subject(waitlisted) == "キャンセル待ちで受け付けました - 学び場"
    assert smtp_server.body(waitlisted).splitlines()[0] == "山田 花子 様"
