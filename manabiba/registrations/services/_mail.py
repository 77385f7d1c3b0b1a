"""Mail to registrants: rendered from ``registrations/mail/`` in the recipient's language and written
to the outbox in the caller's transaction; a confirmation carries the sessions as a calendar file.

A new registration's mail is rendered before the programme lock is taken (``_prepare_announcement``),
with blanks for what only the lock decides (its id, its place on the waiting list), and queued under
the lock with those filled in: the lock is held for the few writes, not for rendering.
"""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from manabiba.core.mail import PreparedMail, mail_blank, mail_prepare
from manabiba.programs.models import ProgramSession
from manabiba.registrations.models import Registration

# Where a resident sees their registrations (the page is served by this app's urls).
MY_REGISTRATIONS_PATH = "/registrations/"


def _confirmation_attachments(
    registration: Registration, sessions: Sequence[ProgramSession] | None = None
) -> list[tuple[str, bytes, str]]:
    """The calendar file sent with a confirmation: (file name, content, MIME type) for each attachment.

    One VEVENT per session of the programme, so the resident's calendar holds every meeting. Before
    the registration is saved its id is a blank (``mail_blank("registration")``).
    """
    from icalendar import Calendar, Event

    program = registration.program
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//registrations//JA")
    calendar.add("version", "2.0")
    key = registration.pk or mail_blank("registration")
    for session in program.sessions.all() if sessions is None else sessions:
        event = Event()
        event.add("uid", f"registration-{key}-session-{session.pk}@manabiba")
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


def _prepare(
    registration: Registration,
    template: str,
    context: Mapping[str, Any] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    sessions: Sequence[ProgramSession] | None = None,
) -> PreparedMail | None:
    """``registrations/mail/<template>_{subject,body}.txt`` rendered for the registrant; None without an address."""
    to, language = _recipient(registration)
    if not to:
        return None
    program = registration.program
    full = {
        "registration": registration,
        "program": program,
        "sessions": list(program.sessions.all()) if sessions is None else list(sessions),
        "name": registration.full_name,
        "waitlist_position": registration.waitlist_position,
        "my_url": settings.SITE_URL + MY_REGISTRATIONS_PATH,
        "program_url": settings.SITE_URL + reverse("programs:detail", args=[program.pk]),
        # Lazy: read only by a mail that lists them (``_program.txt``); a caller that has them passes them.
        "participants": registration.participants.all() if registration.pk else [],
        **(context or {}),
    }
    return mail_prepare(
        to=to, template=f"registrations/mail/{template}", language=language, context=full, attachments=attachments
    )


def _mail(
    registration: Registration,
    template: str,
    context: Mapping[str, Any] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> bool:
    """Queue ``registrations/mail/<template>_{subject,body}.txt`` to the registrant; False without an address."""
    prepared = _prepare(registration, template, context, attachments)
    if prepared is None:
        return False
    prepared.send()
    return True


def _mail_confirmed(
    registration: Registration, template: str = "confirmed", context: Mapping[str, Any] | None = None
) -> None:
    _mail(registration, template, context, attachments=_confirmation_attachments(registration))


def _prepare_announcement(
    registration: Registration, status: str, participants: Sequence[Any] = ()
) -> PreparedMail | None:
    """The mail telling a registration not saved yet that it is ``status`` (applied, confirmed or
    waitlisted), rendered before the lock: its id and waiting-list position are left as blanks for
    ``PreparedMail.send(registration=…, position=…)``; ``participants`` are the people it will name."""
    sessions = list(registration.program.sessions.all())
    context = {"participants": participants}
    if status == Registration.Status.CONFIRMED:
        return _prepare(
            registration,
            status,
            context=context,
            attachments=_confirmation_attachments(registration, sessions),
            sessions=sessions,
        )
    return _prepare(
        registration, status, context={**context, "waitlist_position": mail_blank("position")}, sessions=sessions
    )
