"""Mail to registrants: rendered from ``registrations/mail/`` in the recipient's language and written
to the outbox in the caller's transaction; a confirmation carries the sessions as a calendar file.
"""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from manabiba.core.mail import mail_send
from manabiba.registrations.models import Registration

# Where a resident sees their registrations (the page is served by this app's urls).
MY_REGISTRATIONS_PATH = "/registrations/"


def _confirmation_attachments(registration: Registration) -> list[tuple[str, bytes, str]]:
    """The calendar file sent with a confirmation: (file name, content, MIME type) for each attachment.

    One VEVENT per session of the programme, so the resident's calendar holds every meeting.
    """
    from icalendar import Calendar, Event

    program = registration.program
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//registrations//JA")
    calendar.add("version", "2.0")
    for session in program.sessions.all():
        event = Event()
        event.add("uid", f"registration-{registration.pk}-session-{session.pk}@manabiba")
        event.add("summary", program.title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at or session.starts_at + timedelta(hours=2))
        event.add("dtstamp", timezone.now())
        if program.venue_label:
            event.add("location", program.venue_label)
        event.add("url", settings.SITE_URL + reverse("programs:detail", args=[program.pk]))
        calendar.add_component(event)
    return [(f"manabiba-{program.pk}.ics", calendar.to_ical(), "text/calendar")]


def _recipient(registration: Registration) -> tuple[str, str]:
    """(address, language) of the person a registration is for; no address means a printed slip."""
    user = registration.user
    if user is not None and user.anonymised_at is None and user.email:
        return user.email, user.language or settings.LANGUAGE_CODE
    return registration.email, registration.language or settings.LANGUAGE_CODE


def _mail(
    registration: Registration,
    template: str,
    context: Mapping[str, Any] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> bool:
    """Queue ``registrations/mail/<template>_{subject,body}.txt`` to the registrant; False without an address."""
    to, language = _recipient(registration)
    if not to:
        return False
    program = registration.program
    full = {
        "registration": registration,
        "program": program,
        "sessions": list(program.sessions.all()),
        "name": registration.full_name,
        "my_url": settings.SITE_URL + MY_REGISTRATIONS_PATH,
        "program_url": settings.SITE_URL + reverse("programs:detail", args=[program.pk]),
        # Lazy: read only by a mail that lists them (``_program.txt``); a caller that has them passes them.
        "participants": registration.participants.all(),
        **(context or {}),
    }
    mail_send(
        to=to, template=f"registrations/mail/{template}", language=language, context=full, attachments=attachments
    )
    return True


def _mail_confirmed(
    registration: Registration, template: str = "confirmed", context: Mapping[str, Any] | None = None
) -> None:
    _mail(registration, template, context, attachments=_confirmation_attachments(registration))
