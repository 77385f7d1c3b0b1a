"""Writes for registrations: apply, register on someone's behalf, cancel, the waiting list, the
lottery, offers, attendance, minimum enrolment, reminders and the retention purge.

Every allocation runs in one transaction that first locks the programme's row
(``select_for_update``; on SQLite the transaction itself is ``BEGIN IMMEDIATE``), so that two
registrations, a cancellation and a promotion of the same programme never interleave: seats are
counted and given under the same lock, never checked first and taken later. Mail is written to the
outbox in the same transaction, in the recipient's language.
"""

import calendar
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.japanese import normalize
from manabiba.core.mail import mail_send
from manabiba.core.models import Area
from manabiba.programs.models import Program, ProgramSession
from manabiba.programs.services import program_cancel
from manabiba.registrations.lottery import ALGORITHM, Entry, allocate, new_seed
from manabiba.registrations.models import (
    Attendance,
    LotteryDraw,
    ParticipationFigure,
    PriorityRule,
    Registration,
    RegistrationQuestion,
    RegistrationSettings,
)
from manabiba.registrations.permissions import (
    can_check_in,
    can_manage_registrations,
    can_register_on_behalf,
    can_view_registrants,
    is_staff_canceller,
)

Actor = AbstractBaseUser | AnonymousUser | None
Status = Registration.Status

# Where a resident sees their registrations (the page is served by this app's urls).
MY_REGISTRATIONS_PATH = "/registrations/"
REMINDER_BEFORE = timedelta(days=2)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6


class AlreadyRegisteredError(Exception):
    """The person already has an active registration for this programme (the API answers 409)."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(_("You have already applied for this programme."))
        self.registration = registration


class DuplicateRegistrationError(Exception):
    """A registration with the same name and phone or e-mail exists (staff may still go on)."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(_("Someone with this name and phone number or e-mail address has already applied."))
        self.registration = registration


# --- helpers ---------------------------------------------------------------------------------------


def _lock_program(program_id: int) -> Program:
    """Lock the programme's row: every allocation of its seats happens under this lock."""
    return Program.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=program_id)


def _settings_locked(program: Program) -> RegistrationSettings:
    """The programme's settings, created with the defaults when missing (safe: the programme is locked)."""
    found, _created = RegistrationSettings.objects.get_or_create(program=program)
    return found


def seats_taken(program: Program) -> int:
    total = Registration.objects.filter(program=program, status__in=Registration.SEATED).aggregate(n=Sum("party_size"))[
        "n"
    ]
    return int(total or 0)


def seats_free(program: Program) -> int | None:
    """Seats left, or None when the programme has no capacity limit."""
    if program.capacity is None:
        return None
    return max(0, program.capacity - seats_taken(program))


def _is_drawn(program: Program) -> bool:
    return LotteryDraw.objects.filter(program=program).exists()


def _next_waitlist_position(program: Program) -> int:
    top = Registration.objects.filter(program=program, status=Status.WAITLISTED).aggregate(m=Max("waitlist_position"))
    return int(top["m"] or 0) + 1


def _close_gap(program: Program, position: int | None) -> None:
    """Move everyone behind ``position`` one place up, after someone left the waiting list."""
    if position is None:
        return
    Registration.objects.filter(program=program, status=Status.WAITLISTED, waitlist_position__gt=position).update(
        waitlist_position=F("waitlist_position") - 1
    )


def _new_check_in_code(program: Program) -> str:
    """A short random code, unique within the programme (checked under the programme lock)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Registration.objects.filter(program=program, check_in_code=code).exists():
            return code


def _digits(phone: str) -> str:
    return "".join(ch for ch in normalize(phone) if ch.isdigit())


def _name_key(name: str) -> str:
    return normalize(name).replace(" ", "")


def _is_first_timer(*, program: Program, user: User | None, full_name: str, phone: str) -> bool:
    """Nobody with this account (or this name and phone) had a place at this organiser's programmes before."""
    earlier = Registration.objects.filter(program__organizer_id=program.organizer_id, status=Status.CONFIRMED).exclude(
        program=program
    )
    if user is not None:
        return not earlier.filter(user=user).exists()
    if not phone:
        return True
    name, digits = _name_key(full_name), _digits(phone)
    return not any(
        _name_key(r.full_name) == name and _digits(r.phone) == digits for r in earlier.only("full_name", "phone")
    )


def _first_starts(program: Program) -> datetime | None:
    return program.first_starts_at


# --- mail ------------------------------------------------------------------------------------------


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
        **(context or {}),
    }
    mail_send(
        to=to, template=f"registrations/mail/{template}", language=language, context=full, attachments=attachments
    )
    return True


def _mail_confirmed(registration: Registration, template: str = "confirmed") -> None:
    _mail(registration, template, attachments=_confirmation_attachments(registration))


# --- placing and promoting -------------------------------------------------------------------------


def _place(registration: Registration, program: Program, reg_settings: RegistrationSettings, now: datetime) -> None:
    """Decide a new registration's status under the programme lock: applied (lottery not drawn yet),
    confirmed while seats last, else waitlisted at the end."""
    if reg_settings.is_lottery and not _is_drawn(program):
        registration.status = Status.APPLIED
        return
    free = seats_free(program)
    if free and Registration.objects.filter(program=program, status=Status.WAITLISTED).exists():
        # Seats are free while people wait (the capacity was raised): those waiting get them first,
        # a newcomer never overtakes the waiting list.
        _fill_seats(program, reg_settings, now)
        free = seats_free(program)
    if free is None or registration.party_size <= free:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Status.WAITLISTED
        registration.waitlist_position = _next_waitlist_position(program)


def _offer_deadline(program: Program, now: datetime, deadline: datetime) -> datetime:
    """An offered place must be accepted before the first session at the latest: after it starts,
    nobody else could be given the place any more."""
    first = _first_starts(program)
    return min(deadline, first) if first is not None and first > now else deadline


def _announce_new(registration: Registration) -> None:
    if registration.status == Status.CONFIRMED:
        _mail_confirmed(registration)
    else:
        _mail(registration, registration.status)  # applied / waitlisted


def _promotion_open(program: Program, now: datetime) -> bool:
    if program.status != Program.Status.PUBLISHED:
        return False
    first = _first_starts(program)
    return first is None or now < first


def _fill_seats(program: Program, reg_settings: RegistrationSettings, now: datetime) -> list[Registration]:
    """Give free seats to the waiting list in order (the next whose party fits), under the lock.

    With ``offer_expiry_hours`` set they get a time-limited offer, otherwise a confirmed place.
    """
    if not _promotion_open(program, now):
        return []
    if reg_settings.is_lottery and not _is_drawn(program):
        return []
    free = seats_free(program)
    promoted: list[Registration] = []
    waiting = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("program", "user")
        .filter(program=program, status=Status.WAITLISTED)
        .order_by("waitlist_position", "id")
    )
    for registration in waiting:
        if free is not None and free <= 0:
            break
        if free is not None and registration.party_size > free:
            continue
        # Everyone promoted before in this loop stood ahead, so the list has moved up by that many.
        position = (registration.waitlist_position or 0) - len(promoted)
        registration.waitlist_position = None
        if reg_settings.offer_expiry_hours:
            registration.status = Status.OFFERED
            registration.offer_expires_at = _offer_deadline(
                program, now, now + timedelta(hours=reg_settings.offer_expiry_hours)
            )
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
        registration.save(
            update_fields=["status", "waitlist_position", "offer_expires_at", "confirmed_at", "updated_at"]
        )
        _close_gap(program, position)
        audit_log(
            action="registrations.registration.promoted",
            actor=None,
            target=registration,
            data={"status": registration.status, "from_position": position},
        )
        if registration.status == Status.OFFERED:
            _mail(registration, "offer")
        else:
            _mail_confirmed(registration, "promoted")
        promoted.append(registration)
        if free is not None:
            free -= registration.party_size
    return promoted


# --- answers ---------------------------------------------------------------------------------------


def _clean_answers(program: Program, answers: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str | int]:
    """The answers to the programme's own questions, checked; problems go into ``errors`` by
    ``answers.<key>``."""
    questions = {q.key: q for q in RegistrationQuestion.objects.filter(program=program)}
    cleaned: dict[str, str | int] = {}
    for key in answers:
        if key not in questions:
            errors[f"answers.{key}"] = [_("There is no such question.")]
    for key, question in questions.items():
        raw = answers.get(key)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if question.required:
                errors[f"answers.{key}"] = [_("Please answer this question.")]
            continue
        if question.kind == RegistrationQuestion.Kind.NUMBER:
            try:
                number = int(normalize(text))
            except ValueError:
                errors[f"answers.{key}"] = [_("Please enter a whole number.")]
                continue
            if question.min_value is not None and number < question.min_value:
                errors[f"answers.{key}"] = [_("Please enter %(value)s or more.") % {"value": question.min_value}]
            elif question.max_value is not None and number > question.max_value:
                errors[f"answers.{key}"] = [_("Please enter %(value)s or less.") % {"value": question.max_value}]
            else:
                cleaned[key] = number
        elif question.kind == RegistrationQuestion.Kind.CHOICE:
            if text not in [str(c) for c in question.choices]:
                errors[f"answers.{key}"] = [_("Please choose one of the options.")]
            else:
                cleaned[key] = text
        elif len(text) > question.max_length:
            errors[f"answers.{key}"] = [
                _("Please keep the answer to %(count)s characters.") % {"count": question.max_length}
            ]
        else:
            cleaned[key] = text
    return cleaned


def _check_party(
    party_size: int, program: Program, reg_settings: RegistrationSettings, errors: dict[str, list[str]]
) -> None:
    if party_size < 1:
        errors["party_size"] = [_("At least one person.")]
    elif party_size > reg_settings.max_party_size:
        errors["party_size"] = [_("At most %(count)s people per application.") % {"count": reg_settings.max_party_size}]
    elif program.capacity is not None and party_size > program.capacity:
        errors["party_size"] = [_("More people than the programme has places.")]


def _check_open_online(program: Program, now: datetime) -> None:
    if program.status != Program.Status.PUBLISHED or program.application != Program.Application.SITE:
        raise ValidationError(_("This programme does not take applications on this site."), code="closed")
    if program.applications_open_at is not None and now < program.applications_open_at:
        raise ValidationError(_("Applications have not opened yet."), code="closed")
    deadline = program.applications_close_at or _first_starts(program)
    if deadline is not None and now >= deadline:
        raise ValidationError(_("Applications are closed."), code="closed")


# --- apply -----------------------------------------------------------------------------------------


@transaction.atomic
def registration_submit(
    *,
    program: Program,
    user: User,
    party_size: int = 1,
    answers: Mapping[str, Any] | None = None,
    consent: bool,
    attends_every_session: bool = False,
    now: datetime | None = None,
) -> Registration:
    """A signed-in resident applies online.

    Raises ``AlreadyRegisteredError`` if they have an active registration, ``ValidationError``
    with ``code="closed"`` outside the application period, and a ``ValidationError`` keyed by
    field (``party_size``, ``consent``, ``answers.<key>``) for invalid input.
    """
    now = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Please sign in to apply."))
    # Read before taking the lock: it does not depend on this programme's seats.
    first_timer = _is_first_timer(program=program, user=user, full_name="", phone="")
    program = _lock_program(program.pk)
    reg_settings = _settings_locked(program)
    _check_open_online(program, now)
    existing = Registration.objects.filter(program=program, user=user, status__in=Registration.ACTIVE).first()
    if existing is not None:
        raise AlreadyRegisteredError(existing)
    errors: dict[str, list[str]] = {}
    _check_party(party_size, program, reg_settings, errors)
    cleaned = _clean_answers(program, answers or {}, errors)
    if not consent:
        errors["consent"] = [_("Please agree to the privacy notice.")]
    if errors:
        raise ValidationError(errors)
    registration = Registration(
        program=program,
        user=user,
        party_size=party_size,
        answers=cleaned,
        channel=Registration.Channel.WEB,
        consent_at=now,
        check_in_code=_new_check_in_code(program),
        full_name=user.full_name or user.email,
        full_name_kana=user.full_name_kana,
        phone=user.phone,
        email=user.email,
        language=user.language or settings.LANGUAGE_CODE,
        lives_in_city=user.lives_in_city,
        works_in_city=user.works_in_city,
        studies_in_city=user.studies_in_city,
        first_timer=first_timer,
        attends_every_session=attends_every_session,
        age_band=user.age_band,
        area_id=user.area_id,
    )
    _place(registration, program, reg_settings, now)
    registration.save()
    audit_log(
        action="registrations.registration.submitted",
        actor=user,
        target=registration,
        data={"program": program.pk, "status": registration.status, "party_size": party_size, "channel": "web"},
    )
    _announce_new(registration)
    return registration


@transaction.atomic
def registration_submit_on_behalf(
    *,
    program: Program,
    actor: User,
    channel: str,
    full_name: str,
    full_name_kana: str = "",
    phone: str = "",
    email: str = "",
    user: User | None = None,
    party_size: int = 1,
    answers: Mapping[str, Any] | None = None,
    consent: bool,
    lives_in_city: bool = False,
    works_in_city: bool = False,
    studies_in_city: bool = False,
    first_timer: bool | None = None,
    attends_every_session: bool = False,
    age_band: str = "",
    area: Area | None = None,
    language: str = "",
    allow_duplicate: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Desk staff register someone who phoned, came to the counter or sent a postcard (代理申込).

    The same allocation as online. ``user`` links an account when the person has one (their details
    fill what is left blank). Raises ``DuplicateRegistrationError`` when an active registration has
    the same name and the same phone number or e-mail address, unless ``allow_duplicate``.
    """
    now = now or timezone.now()
    program = _lock_program(program.pk)
    if not can_register_on_behalf(actor, program):
        raise PermissionDenied(_("You cannot register people for this programme."))
    reg_settings = _settings_locked(program)
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError(_("This programme does not take applications."), code="closed")
    first = _first_starts(program)
    if first is not None and now >= first:
        raise ValidationError(_("The programme has already started."), code="closed")
    if user is not None:
        existing = Registration.objects.filter(program=program, user=user, status__in=Registration.ACTIVE).first()
        if existing is not None:
            raise AlreadyRegisteredError(existing)
        full_name = full_name.strip() or user.full_name
        full_name_kana = full_name_kana.strip() or user.full_name_kana
        phone = phone.strip() or user.phone
        email = email.strip() or user.email
        language = language or user.language
        lives_in_city = lives_in_city or user.lives_in_city
        works_in_city = works_in_city or user.works_in_city
        studies_in_city = studies_in_city or user.studies_in_city
        age_band = age_band or user.age_band
        area = area or user.area
    errors: dict[str, list[str]] = {}
    if channel not in Registration.Channel.values:
        errors["channel"] = [_("Choose how the application came in.")]
    if not full_name.strip():
        errors["full_name"] = [_("Please enter the name.")]
    if not phone.strip() and not email.strip():
        errors["phone"] = [_("Please enter a phone number or an e-mail address.")]
    for name, value, limit in (
        ("full_name", full_name, 100),
        ("full_name_kana", full_name_kana, 100),
        ("phone", phone, 30),
    ):
        if len(value.strip()) > limit:
            errors[name] = [_("Please keep this to %(count)s characters.") % {"count": limit}]
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = [_("Please enter a valid e-mail address.")]
    if age_band and age_band not in User.AgeBand.values:
        errors["age_band"] = [_("Choose one of the age bands.")]
    _check_party(party_size, program, reg_settings, errors)
    cleaned = _clean_answers(program, answers or {}, errors)
    if not consent:
        errors["consent"] = [_("Please confirm that the person agreed to the privacy notice.")]
    if errors:
        raise ValidationError(errors)
    if not allow_duplicate:
        duplicate = _find_duplicate(program, full_name, phone, email)
        if duplicate is not None:
            raise DuplicateRegistrationError(duplicate)
    registration = Registration(
        program=program,
        user=user,
        party_size=party_size,
        answers=cleaned,
        channel=channel,
        registered_by=actor,
        consent_at=now,
        check_in_code=_new_check_in_code(program),
        full_name=full_name.strip(),
        full_name_kana=full_name_kana.strip(),
        phone=phone.strip(),
        email=normalise_email(email),
        language=language or settings.LANGUAGE_CODE,
        lives_in_city=lives_in_city,
        works_in_city=works_in_city,
        studies_in_city=studies_in_city,
        first_timer=(
            first_timer
            if first_timer is not None
            else _is_first_timer(program=program, user=user, full_name=full_name, phone=phone)
        ),
        attends_every_session=attends_every_session,
        age_band=age_band,
        area=area,
    )
    _place(registration, program, reg_settings, now)
    registration.save()
    audit_log(
        action="registrations.registration.submitted_on_behalf",
        actor=actor,
        target=registration,
        data={
            "program": program.pk,
            "status": registration.status,
            "party_size": party_size,
            "channel": channel,
            "duplicate_allowed": allow_duplicate,
        },
    )
    _announce_new(registration)
    return registration


def _find_duplicate(program: Program, full_name: str, phone: str, email: str) -> Registration | None:
    name, digits, address = _name_key(full_name), _digits(phone), normalise_email(email)
    for registration in Registration.objects.filter(program=program, status__in=Registration.ACTIVE):
        if _name_key(registration.full_name) != name:
            continue
        if digits and _digits(registration.phone) == digits:
            return registration
        if address and normalise_email(registration.email) == address:
            return registration
    return None


# --- cancel ----------------------------------------------------------------------------------------


def _cancel_locked(
    registration: Registration, program: Program, *, cancelled_by: User | None, reason: str, now: datetime
) -> None:
    """Mark a locked registration cancelled and close the gap it leaves on the waiting list (under
    the programme lock; the caller logs, mails and fills the freed seats)."""
    position = registration.waitlist_position
    registration.status = Status.CANCELLED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.cancelled_at = now
    registration.cancelled_by = cancelled_by
    registration.cancel_reason = reason.strip()[:300]
    registration.save(
        update_fields=[
            "status",
            "waitlist_position",
            "offer_expires_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "updated_at",
        ]
    )
    _close_gap(program, position)


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: User, reason: str = "", now: datetime | None = None
) -> Registration:
    """Cancel one registration: by the person (until the cut-off) or by staff (any time).

    A freed seat goes to the waiting list at once (see ``_fill_seats``), and everyone concerned
    is told by mail.
    """
    now = now or timezone.now()
    program = _lock_program(registration.program_id)
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    registration.program = program
    as_staff = is_staff_canceller(actor, registration)
    own = registration.user_id is not None and registration.user_id == actor.pk
    if not (own or as_staff):
        raise PermissionDenied(_("You cannot cancel this registration."))
    if not registration.is_active:
        raise ValidationError(_("This registration is no longer active."), code="not_active")
    reg_settings = _settings_locked(program)
    first = _first_starts(program)
    past_cutoff = first is not None and now > first - timedelta(hours=reg_settings.cancellation_cutoff_hours)
    # The cut-off protects the seats; leaving the waiting list or the draw is always possible.
    if not as_staff and registration.holds_seats and past_cutoff:
        raise ValidationError(_("It is too late to cancel online. Please contact the organiser."), code="cutoff")
    was_seated = registration.holds_seats
    previous = registration.status
    _cancel_locked(registration, program, cancelled_by=actor, reason=reason, now=now)
    audit_log(
        action="registrations.registration.cancelled",
        actor=actor,
        target=registration,
        data={"program": program.pk, "from": previous, "by_staff": as_staff and not own, "reason": reason.strip()},
    )
    _mail(registration, "cancelled", {"by_staff": as_staff and not own})
    if was_seated:
        _fill_seats(program, reg_settings, now)
    return registration


@transaction.atomic
def registrations_erase_for_deleted_account(*, user: User, now: datetime | None = None) -> int:
    """Remove a deleted account's personal data from its registrations; returns how many were scrubbed.

    Active registrations for programmes that have not started are cancelled first, each under its
    programme's lock and without mail to the person leaving; a freed seat goes to the waiting list
    as after any cancellation (those promoted are mailed). Then every registration of the account
    loses name, reading, phone, e-mail, answers and the link to the account; what the anonymous
    figures need (age band, area, statuses, attendance) stays.
    """
    now = now or timezone.now()
    program_ids = sorted(
        set(Registration.objects.filter(user=user, status__in=Registration.ACTIVE).values_list("program_id", flat=True))
    )
    cancelled = 0
    for program_id in program_ids:
        program = _lock_program(program_id)
        first = _first_starts(program)
        if first is not None and first <= now:
            continue
        reg_settings = _settings_locked(program)
        active = Registration.objects.select_for_update(of=("self",)).filter(
            program=program, user=user, status__in=Registration.ACTIVE
        )
        for registration in active:
            was_seated = registration.holds_seats
            previous = registration.status
            _cancel_locked(registration, program, cancelled_by=None, reason="", now=now)
            audit_log(
                action="registrations.registration.cancelled",
                actor=None,
                target=registration,
                data={"program": program.pk, "from": previous, "by_staff": False, "account_deleted": True},
            )
            cancelled += 1
            if was_seated:
                _fill_seats(program, reg_settings, now)
    scrubbed = Registration.objects.filter(user=user).update(
        full_name="",
        full_name_kana="",
        phone="",
        email="",
        answers={},
        cancel_reason="",
        user=None,
        updated_at=now,
    )
    if scrubbed:
        audit_log(
            action="registrations.personal_data.erased",
            actor=None,
            data={"registrations": scrubbed, "cancelled": cancelled},
        )
    return scrubbed


# --- offers and winners' confirmation --------------------------------------------------------------


@transaction.atomic
def registration_confirm(*, registration: Registration, actor: User, now: datetime | None = None) -> Registration:
    """Accept a place offered (a lottery win that must be confirmed, or a promotion offer) before it expires."""
    now = now or timezone.now()
    program = _lock_program(registration.program_id)
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    registration.program = program
    own = registration.user_id is not None and registration.user_id == actor.pk
    if not own and not is_staff_canceller(actor, registration):
        raise PermissionDenied(_("You cannot confirm this registration."))
    if registration.status != Status.OFFERED:
        raise ValidationError(_("There is no place waiting for confirmation."), code="not_offered")
    if registration.offer_expires_at is not None and now >= registration.offer_expires_at:
        raise ValidationError(_("The time to confirm has passed."), code="expired")
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "confirmed_at", "offer_expires_at", "updated_at"])
    audit_log(action="registrations.registration.confirmed", actor=actor, target=registration, data={})
    _mail_confirmed(registration)
    return registration


def registration_offer_accept(*, registration: Registration, actor: User, now: datetime | None = None) -> Registration:
    """A waiting-list offer accepted: the same as a winner confirming."""
    return registration_confirm(registration=registration, actor=actor, now=now)


def registrations_offers_expire(*, now: datetime | None = None) -> int:
    """Expire offers and unconfirmed wins whose time has passed; each freed place passes on. Idempotent."""
    now = now or timezone.now()
    due = list(
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list("pk", "program_id")
    )
    expired = 0
    for pk, program_id in due:
        with transaction.atomic():
            program = _lock_program(program_id)
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if registration is None:
                continue
            registration.program = program
            registration.status = Status.EXPIRED
            registration.save(update_fields=["status", "updated_at"])
            audit_log(action="registrations.offer.expired", actor=None, target=registration, data={})
            _mail(registration, "offer_expired")
            _fill_seats(program, _settings_locked(program), now)
            expired += 1
    return expired


# --- waiting list ----------------------------------------------------------------------------------


@transaction.atomic
def registration_waitlist_move(*, registration: Registration, position: int, actor: User, reason: str) -> Registration:
    """Staff move someone on the waiting list, with a reason that goes into the audit log."""
    program = _lock_program(registration.program_id)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot change this waiting list."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the order changes; it is recorded.")]})
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.status != Status.WAITLISTED or registration.waitlist_position is None:
        raise ValidationError(_("This registration is not on the waiting list."), code="not_waitlisted")
    count = Registration.objects.filter(program=program, status=Status.WAITLISTED).count()
    old, new = registration.waitlist_position, max(1, min(position, count))
    waiting = Registration.objects.filter(program=program, status=Status.WAITLISTED).exclude(pk=registration.pk)
    if new < old:
        waiting.filter(waitlist_position__gte=new, waitlist_position__lt=old).update(
            waitlist_position=F("waitlist_position") + 1
        )
    elif new > old:
        waiting.filter(waitlist_position__gt=old, waitlist_position__lte=new).update(
            waitlist_position=F("waitlist_position") - 1
        )
    registration.waitlist_position = new
    registration.save(update_fields=["waitlist_position", "updated_at"])
    audit_log(
        action="registrations.waitlist.reordered",
        actor=actor,
        target=registration,
        data={"from": old, "to": new, "reason": reason.strip()},
    )
    registration.program = program
    return registration


# --- lottery ---------------------------------------------------------------------------------------


def _meets(registration: Registration, criterion: str) -> bool:
    flags = {
        PriorityRule.Criterion.CITY_RESIDENT.value: registration.lives_in_city,
        PriorityRule.Criterion.CITY_WORKER.value: registration.works_in_city,
        PriorityRule.Criterion.CITY_STUDENT.value: registration.studies_in_city,
        PriorityRule.Criterion.FIRST_TIMER.value: registration.first_timer,
        PriorityRule.Criterion.EVERY_SESSION.value: registration.attends_every_session,
    }
    return flags.get(criterion, False)


def tier_of(registration: Registration, rules: Sequence[PriorityRule]) -> int:
    """The lowest tier among the rules met; after every tier when none is met (1 without rules)."""
    met = [rule.tier for rule in rules if _meets(registration, rule.criterion)]
    if met:
        return min(met)
    return max((rule.tier for rule in rules), default=0) + 1


@transaction.atomic
def lottery_draw(
    *, program: Program, actor: User | None, now: datetime | None = None, seed: str | None = None
) -> LotteryDraw:
    """Draw a lottery programme once (``actor`` None: the scheduled run after the deadline).

    Applicants are ordered by tier, then uniformly at random within a tier (``lottery.allocate``
    under a fresh secure seed); seats (party sizes) go in that order while they fit. Winners are
    confirmed, or offered a place to confirm within ``confirm_within_days``; the others are
    waitlisted in drawn order or released. The seed, the entries and the result are stored.
    """
    now = now or timezone.now()
    program = _lock_program(program.pk)
    if actor is not None and not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot run the draw for this programme."))
    reg_settings = _settings_locked(program)
    if not reg_settings.is_lottery:
        raise ValidationError(_("This programme is first come, first served."), code="not_lottery")
    if _is_drawn(program):
        raise ValidationError(_("The draw has already run."), code="already_drawn")
    if program.applications_close_at is not None and now < program.applications_close_at:
        raise ValidationError(_("Applications are still open."), code="too_early")
    rules = list(reg_settings.priority_rules.all())
    applicants = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(program=program, status=Status.APPLIED)
        .order_by("id")
    )
    for registration in applicants:
        registration.tier = tier_of(registration, rules)
    entries = [Entry(id=r.pk, tier=r.tier or 1, seats=r.party_size) for r in applicants]
    capacity = seats_free(program)
    seed = seed or new_seed()
    result = allocate(entries, seed=seed, capacity=capacity)
    by_id = {r.pk: r for r in applicants}
    winners = set(result.winners)
    position = _next_waitlist_position(program)
    counts: dict[str, dict[str, int]] = {}
    for registration_id in result.ranking:
        registration = by_id[registration_id]
        registration.program = program
        tier_counts = counts.setdefault(str(registration.tier), {"applicants": 0, "seats": 0, "won": 0, "seats_won": 0})
        tier_counts["applicants"] += 1
        tier_counts["seats"] += registration.party_size
        if registration_id in winners:
            tier_counts["won"] += 1
            tier_counts["seats_won"] += registration.party_size
            if reg_settings.confirm_within_days:
                registration.status = Status.OFFERED
                registration.offer_expires_at = _offer_deadline(
                    program, now, now + timedelta(days=reg_settings.confirm_within_days)
                )
            else:
                registration.status = Status.CONFIRMED
                registration.confirmed_at = now
        elif reg_settings.not_drawn == RegistrationSettings.NotDrawn.WAITLIST:
            registration.status = Status.WAITLISTED
            registration.waitlist_position = position
            position += 1
        else:
            registration.status = Status.NOT_DRAWN
        registration.save(
            update_fields=["status", "tier", "offer_expires_at", "confirmed_at", "waitlist_position", "updated_at"]
        )
    draw = LotteryDraw.objects.create(
        program=program,
        algorithm=ALGORITHM,
        seed=seed,
        capacity=capacity,
        entries=[{"id": e.id, "tier": e.tier, "seats": e.seats} for e in entries],
        ranking=list(result.ranking),
        winners=list(result.winners),
        tier_counts=counts,
        drawn_by=actor,
        drawn_at=now,
    )
    audit_log(
        action="registrations.lottery.drawn",
        actor=actor,
        target=draw,
        data={"program": program.pk, "seed": seed, "capacity": capacity, "tiers": counts},
    )
    for registration_id in result.ranking:
        registration = by_id[registration_id]
        if registration.status == Status.CONFIRMED:
            _mail_confirmed(registration, "won")
        elif registration.status == Status.OFFERED:
            _mail(registration, "won_offer")
        else:
            _mail(registration, registration.status)  # waitlisted / not_drawn
    return draw


def lotteries_due(*, now: datetime | None = None) -> list[int]:
    """Programmes whose draw should run now: a lottery, published, deadline (or draw time) passed, not drawn."""
    now = now or timezone.now()
    candidates = RegistrationSettings.objects.filter(
        allocation=RegistrationSettings.Allocation.LOTTERY,
        program__status=Program.Status.PUBLISHED,
        program__lottery_draw__isnull=True,
    ).select_related("program")
    due = []
    for reg_settings in candidates:
        at = reg_settings.draw_at or reg_settings.program.applications_close_at
        if at is not None and at <= now:
            due.append(reg_settings.program_id)
    return due


# --- the whole programme ---------------------------------------------------------------------------


@transaction.atomic
def registrations_program_cancel(*, program: Program, actor: User, reason: str) -> int:
    """Cancel the programme (through the programmes app) and every active registration; everyone is
    told. Returns how many registrations were cancelled."""
    program = program_cancel(program=program, actor=actor, reason=reason)
    program = _lock_program(program.pk)
    now = timezone.now()
    cancelled = 0
    changed: list[list[Any]] = []
    for registration in (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(program=program, status__in=Registration.ACTIVE)
    ):
        changed.append([registration.pk, registration.status])
        registration.program = program
        registration.status = Status.CANCELLED
        registration.waitlist_position = None
        registration.offer_expires_at = None
        registration.cancelled_at = now
        registration.cancelled_by = actor
        registration.cancel_reason = reason.strip()[:300]
        registration.save()
        _mail(registration, "program_cancelled", {"reason": reason.strip()})
        cancelled += 1
    audit_log(
        action="registrations.program.cancelled",
        actor=actor,
        target=program,
        # Every registration's change, as [id, status before]: ids and statuses only, no names.
        data={"registrations": cancelled, "cancelled": changed, "reason": reason.strip()},
    )
    return cancelled


@transaction.atomic
def registrations_session_cancel_notify(*, session: ProgramSession, actor: User, reason: str) -> int:
    """Tell everyone with a place that one session is cancelled. Returns how many were told."""
    program = _lock_program(session.program_id)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot notify this programme's registrants."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the session is cancelled; residents will read it.")]})
    told = 0
    for registration in Registration.objects.select_related("user").filter(
        program=program, status__in=Registration.SEATED
    ):
        registration.program = program
        told += _mail(registration, "session_cancelled", {"session": session, "reason": reason.strip()})
    audit_log(
        action="registrations.session.cancelled_notified",
        actor=actor,
        target=program,
        data={"session": session.pk, "told": told, "reason": reason.strip()},
    )
    return told


# --- minimum enrolment -----------------------------------------------------------------------------


def registrations_flag_below_minimum(*, now: datetime | None = None) -> list[int]:
    """Flag programmes whose deadline has passed with fewer seats taken than ``min_participants``, and
    tell their contact. Each programme is flagged once. Returns the programmes flagged now."""
    now = now or timezone.now()
    flagged: list[int] = []
    candidates = Program.objects.filter(
        status=Program.Status.PUBLISHED,
        min_participants__isnull=False,
        applications_close_at__lte=now,
        first_starts_at__gt=now,
    ).values_list("pk", flat=True)
    for program_id in list(candidates):
        with transaction.atomic():
            program = _lock_program(program_id)
            reg_settings = _settings_locked(program)
            if reg_settings.below_minimum_at is not None:
                continue
            if reg_settings.is_lottery and not _is_drawn(program):
                continue
            taken = seats_taken(program)
            assert program.min_participants is not None
            if taken >= program.min_participants:
                continue
            reg_settings.below_minimum_at = now
            reg_settings.save(update_fields=["below_minimum_at", "updated_at"])
            audit_log(
                action="registrations.minimum.below",
                actor=None,
                target=program,
                data={"seats": taken, "minimum": program.min_participants},
            )
            if program.contact_email:
                mail_send(
                    to=program.contact_email,
                    template="registrations/mail/below_minimum",
                    language=settings.LANGUAGE_CODE,
                    context={"program": program, "seats": taken},
                )
            flagged.append(program_id)
    return flagged


@transaction.atomic
def minimum_enrolment_decide(*, program: Program, actor: User, run: bool, reason: str = "") -> Program:
    """Staff answer the prompt: run the programme anyway, or cancel it (everyone is told)."""
    program = _lock_program(program.pk)
    if not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot decide for this programme."))
    reg_settings = _settings_locked(program)
    reg_settings.minimum_decided_at = timezone.now()
    reg_settings.save(update_fields=["minimum_decided_at", "updated_at"])
    audit_log(
        action="registrations.minimum.decided",
        actor=actor,
        target=program,
        data={"run": run, "reason": reason.strip()},
    )
    if not run:
        registrations_program_cancel(program=program, actor=actor, reason=reason)
        program.refresh_from_db()
    return program


# --- attendance ------------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    session: ProgramSession,
    registration: Registration,
    actor: User,
    present: bool = True,
    method: str = Attendance.Method.ROSTER,
    now: datetime | None = None,
) -> Attendance:
    """Record whether someone with a place came to one session (from the roster, or their code)."""
    now = now or timezone.now()
    program = _lock_program(session.program_id)
    if not can_check_in(actor, program):
        raise PermissionDenied(_("You cannot record attendance for this programme."))
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if registration.program_id != program.pk or registration.status != Status.CONFIRMED:
        raise ValidationError(_("This person has no place at this programme."), code="not_confirmed")
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={"present": present, "method": method, "recorded_by": actor, "recorded_at": now},
    )
    audit_log(
        action="registrations.attendance.recorded",
        actor=actor,
        target=registration,
        data={"session": session.pk, "present": present, "method": method},
    )
    return attendance


def attendance_check_in(*, session: ProgramSession, code: str, actor: User) -> Attendance:
    """Check someone in at the door by their short code (as on their confirmation)."""
    wanted = normalize(code).upper().replace(" ", "").replace("-", "")
    registration = Registration.objects.filter(
        program_id=session.program_id, status=Status.CONFIRMED, check_in_code=wanted
    ).first()
    if registration is None:
        raise ValidationError(_("No confirmed registration has this code."), code="unknown_code")
    return attendance_record(session=session, registration=registration, actor=actor, method=Attendance.Method.CODE)


# --- settings and questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    label: str
    kind: str = RegistrationQuestion.Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    help_text: str = ""
    min_value: int | None = None
    max_value: int | None = None


SETTINGS_FIELDS = frozenset(
    {
        "allocation",
        "not_drawn",
        "max_party_size",
        "confirm_within_days",
        "offer_expiry_hours",
        "cancellation_cutoff_hours",
        "retention_months",
        "draw_at",
    }
)


@transaction.atomic
def registration_settings_update(
    *,
    program: Program,
    actor: User | None,
    priority_rules: Iterable[tuple[str, int]] | None = None,
    questions: Sequence[QuestionSpec] | None = None,
    **fields: Any,
) -> RegistrationSettings:
    """Change how a programme takes registrations. ``priority_rules`` are (criterion, tier) pairs and
    replace the old ones; ``questions`` replace the form's questions. Allocation cannot change once
    people have applied."""
    program = _lock_program(program.pk)
    if actor is not None and not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot change how this programme takes registrations."))
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    reg_settings = _settings_locked(program)
    changes_allocation = "allocation" in fields and fields["allocation"] != reg_settings.allocation
    if changes_allocation and Registration.objects.filter(program=program).exists():
        raise ValidationError({"allocation": [_("People have applied already; the allocation cannot change now.")]})
    draw_at = fields.get("draw_at")
    if draw_at is not None and program.applications_close_at is not None and draw_at < program.applications_close_at:
        # The draw cannot run while applications are open: it would be due and fail every time.
        raise ValidationError({"draw_at": [_("The draw cannot run before applications close.")]})
    for name, value in fields.items():
        setattr(reg_settings, name, value)
    reg_settings.full_clean(exclude=["program"])
    reg_settings.save()
    if priority_rules is not None:
        reg_settings.priority_rules.all().delete()
        for criterion, tier in priority_rules:
            PriorityRule.objects.create(settings=reg_settings, criterion=criterion, tier=tier)
    if questions is not None:
        RegistrationQuestion.objects.filter(program=program).delete()
        for order, spec in enumerate(questions):
            RegistrationQuestion.objects.create(
                program=program,
                key=spec.key,
                label=spec.label,
                kind=spec.kind,
                required=spec.required,
                choices=list(spec.choices),
                help_text=spec.help_text,
                min_value=spec.min_value,
                max_value=spec.max_value,
                sort_order=order,
            )
    audit_log(
        action="registrations.settings.changed",
        actor=actor,
        target=program,
        data={
            "fields": {k: str(v) for k, v in fields.items()},
            "priority_rules": [list(r) for r in priority_rules] if priority_rules is not None else None,
            "questions": [q.key for q in questions] if questions is not None else None,
        },
    )
    return reg_settings


# --- staff looking at personal data ----------------------------------------------------------------


def registrants_viewed(*, viewer: User, program: Program, view: str) -> None:
    """Record that staff saw a programme's registrants' personal data (who, which programme, where)."""
    if not can_view_registrants(viewer, program):
        raise PermissionDenied(_("You cannot see this programme's registrants."))
    audit_log(action="registrations.personal_data.viewed", actor=viewer, target=program, data={"view": view})


# --- periodic work ---------------------------------------------------------------------------------


def registrations_send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone with a place two days before the first session. Each is reminded once."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        program__status=Program.Status.PUBLISHED,
        program__first_starts_at__gt=now,
        program__first_starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            # The conditional UPDATE claims the reminder: a second run finds nothing to claim.
            if not Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            registration = Registration.objects.select_related("program", "user").get(pk=pk)
            _mail(registration, "reminder")
            sent += 1
    return sent


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def registrations_purge_due(*, now: datetime | None = None) -> int:
    """Remove registrants' personal data ``retention_months`` after a programme ends, keeping one
    anonymous ``ParticipationFigure`` per registration. Returns how many registrations were removed."""
    now = now or timezone.now()
    default_months = RegistrationSettings._meta.get_field("retention_months").get_default()
    program_ids = (
        Registration.objects.filter(program__last_ends_at__lt=now).values_list("program_id", flat=True).distinct()
    )
    removed = 0
    for program_id in list(program_ids):
        with transaction.atomic():
            program = _lock_program(program_id)
            reg_settings = RegistrationSettings.objects.filter(program=program).first()
            months = reg_settings.retention_months if reg_settings is not None else default_months
            ends = program.last_ends_at or program.first_starts_at
            if ends is None or _add_months(ends, months) > now:
                continue
            removed += _purge_program(program, now)
            reg_settings = _settings_locked(program)
            reg_settings.purged_at = now
            reg_settings.save(update_fields=["purged_at", "updated_at"])
    return removed


def _purge_program(program: Program, now: datetime) -> int:
    registrations = list(Registration.objects.filter(program=program).prefetch_related("attendances"))
    figures = []
    for registration in registrations:
        attended = sum(1 for a in registration.attendances.all() if a.present)
        created: date = timezone.localtime(registration.created_at).date()
        figures.append(
            ParticipationFigure(
                program=program,
                channel=registration.channel,
                final_status=registration.status,
                party_size=registration.party_size,
                tier=registration.tier,
                age_band=registration.age_band,
                area_id=registration.area_id,
                lives_in_city=registration.lives_in_city,
                works_in_city=registration.works_in_city,
                studies_in_city=registration.studies_in_city,
                first_timer=registration.first_timer,
                sessions_attended=attended,
                attended=attended > 0,
                registered_month=created.replace(day=1),
            )
        )
    ParticipationFigure.objects.bulk_create(figures)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    audit_log(
        action="registrations.personal_data.purged",
        actor=None,
        target=program,
        data={"registrations": len(registrations)},
    )
    return len(registrations)


def registrations_fill_free_seats(*, now: datetime | None = None) -> int:
    """Give seats that are free while people wait (e.g. after the capacity was raised) to the waiting
    list, as a cancellation would. Returns how many were promoted or offered a place. Idempotent."""
    now = now or timezone.now()
    program_ids = (
        Registration.objects.filter(status=Status.WAITLISTED, program__status=Program.Status.PUBLISHED)
        .values_list("program_id", flat=True)
        .distinct()
    )
    promoted = 0
    for program_id in list(program_ids):
        with transaction.atomic():
            program = _lock_program(program_id)
            if seats_free(program) == 0:
                continue
            promoted += len(_fill_seats(program, _settings_locked(program), now))
    return promoted


@dataclass
class DueReport:
    drawn: list[int] = field(default_factory=list)
    draw_errors: dict[int, str] = field(default_factory=dict)
    seats_filled: int = 0
    offers_expired: int = 0
    reminders_sent: int = 0
    below_minimum: list[int] = field(default_factory=list)
    purged: int = 0


def registrations_run_due(*, now: datetime | None = None) -> DueReport:
    """Everything that is due by time: draws after deadlines, expired offers and unconfirmed wins,
    seats freed by a larger capacity, reminders two days ahead, minimum-enrolment flags, the retention
    purge. Safe to run again."""
    now = now or timezone.now()
    report = DueReport()
    for program_id in lotteries_due(now=now):
        program = Program.objects.get(pk=program_id)
        try:
            lottery_draw(program=program, actor=None, now=now)
        except ValidationError as error:
            report.draw_errors[program_id] = " ".join(error.messages)
        else:
            report.drawn.append(program_id)
    report.offers_expired = registrations_offers_expire(now=now)
    report.seats_filled = registrations_fill_free_seats(now=now)
    report.reminders_sent = registrations_send_reminders(now=now)
    report.below_minimum = registrations_flag_below_minimum(now=now)
    report.purged = registrations_purge_due(now=now)
    return report
