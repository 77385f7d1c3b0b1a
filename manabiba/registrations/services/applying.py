"""Applying: a resident online, or the desk on someone's behalf (代理申込). A new registration is
confirmed while seats last, waitlisted after, or waits for the draw of a lottery programme.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.japanese import normalize
from manabiba.core.mail import PreparedMail
from manabiba.core.models import Area
from manabiba.programs.models import Program
from manabiba.registrations.models import (
    Registration,
    RegistrationParticipant,
    RegistrationQuestion,
    RegistrationSettings,
)
from manabiba.registrations.permissions import can_register_on_behalf
from manabiba.registrations.selectors import (
    SeatState,
    duplicate_registration,
    is_first_timer,
    lottery_drawn,
    online_application_refusal,
    seat_state,
    seats_free,
)
from manabiba.registrations.services._common import (
    Status,
    _fill_seats,
    _first_starts,
    _lock_program,
    _settings_locked,
)
from manabiba.registrations.services._mail import _mail, _mail_confirmed, _prepare_announcement
from manabiba.registrations.services.people import person_token_assign

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6


@dataclass(frozen=True)
class ParticipantSpec:
    """One person an application covers: a name and, where the programme asks, an age."""

    name: str
    age: int | None = None


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


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _new_check_in_code(program: Program) -> str:
    """A short random code, unique within the programme (checked under the programme lock)."""
    while True:
        code = _random_code()
        if not Registration.objects.filter(program=program, check_in_code=code).exists():
            return code


def _place(
    registration: Registration,
    program: Program,
    reg_settings: RegistrationSettings,
    now: datetime,
    state: SeatState | None = None,
) -> None:
    """Decide a new registration's status under the programme lock: applied (lottery not drawn yet),
    confirmed while seats last, else waitlisted at the end. ``state`` is the programme's seats as
    read under this lock, when the caller has read them already."""
    if reg_settings.is_lottery and not lottery_drawn(program):
        registration.status = Status.APPLIED
        return
    state = state or seat_state(program)
    free = state.free(program)
    if free and state.waiting:
        # Seats are free while people wait (the capacity was raised): those waiting get them first,
        # a newcomer never overtakes the waiting list.
        _fill_seats(program, reg_settings, now)
        state = seat_state(program)
        free = state.free(program)
    if free is None or registration.party_size <= free:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Status.WAITLISTED
        registration.waitlist_position = state.last_position + 1


def _predicted_status(registration: Registration, program: Program, reg_settings: RegistrationSettings) -> str:
    """The status a new registration will most likely get, read without the lock (with the settings
    read so) to render its mail before taking it; the lock decides, and a wrong guess only means
    rendering again under it."""
    if reg_settings.is_lottery and not lottery_drawn(program):
        return Status.APPLIED
    free = seats_free(program)  # the seats alone: the waiting list and the person are the lock's to read
    return Status.CONFIRMED if free is None or registration.party_size <= free else Status.WAITLISTED


def _place_and_announce(
    registration: Registration,
    reg_settings: RegistrationSettings,
    now: datetime,
    *,
    actor: User,
    action: str,
    data: Mapping[str, Any],
    participants: Sequence[ParticipantSpec] = (),
    state: SeatState | None = None,
    prepared: Mapping[str, PreparedMail | None] | None = None,
) -> Registration:
    """Place a new registration under the lock, save it with its participants, log it with its status
    and tell the person.

    ``prepared`` holds mail already rendered for the statuses it was rendered for (None: no
    address); a status it lacks is rendered here, under the lock."""
    _place(registration, registration.program, reg_settings, now, state)
    if registration.person_token_year is None:  # not set before the lock (by registration_submit)
        person_token_assign(registration)
    registration.save()
    stored = RegistrationParticipant.objects.bulk_create(
        RegistrationParticipant(registration=registration, position=n, name=p.name, age=p.age)
        for n, p in enumerate(participants, start=1)
    )
    _hold_participants(registration, stored)
    details = {"program": registration.program_id, "status": registration.status, "party_size": registration.party_size}
    audit_log(action=action, actor=actor, target=registration, data={**details, **data})
    if prepared is not None and registration.status in prepared:
        mail = prepared[registration.status]
        if mail is not None:
            mail.send(registration=registration.pk, position=registration.waitlist_position or "")
    elif registration.status == Status.CONFIRMED:
        # The mail lists the participants just stored, without reading them back.
        _mail_confirmed(registration, context={"participants": stored})
    else:
        _mail(registration, registration.status, {"participants": stored})  # applied / waitlisted
    return registration


def _hold_participants(registration: Registration, stored: list[RegistrationParticipant]) -> None:
    """Give ``registration.participants.all()`` the rows just stored (in position order, as the
    model orders them), as a prefetch would: the API's answer and any mail rendered again name
    them without reading back what this transaction wrote."""
    held = registration.participants.all()
    held._result_cache = list(stored)
    registration.__dict__.setdefault("_prefetched_objects_cache", {})["participants"] = held


def _unsaved(participants: Sequence[ParticipantSpec]) -> list[RegistrationParticipant]:
    """The people a mail rendered before the registration is saved names, as the mail reads them."""
    return [RegistrationParticipant(position=n, name=p.name, age=p.age) for n, p in enumerate(participants, start=1)]


def _clean_participants(
    participants: Sequence[ParticipantSpec] | None,
    *,
    party_size: int,
    applicant: str,
    reg_settings: RegistrationSettings,
    errors: dict[str, list[str]],
) -> list[ParticipantSpec]:
    """The participants of an application, checked; problems go into ``errors`` by
    ``participants`` (the list as a whole) or ``participants.<position>.name|age`` (from 1).

    Without a list (older API clients, programmes that take parties of one) the applicant is the
    one participant named; a programme that asks for ages needs the list, from the resident's form
    and the desk's alike. A list must name one person per
    seat: as many as ``party_size``.
    """
    asks_age = reg_settings.asks_participant_age
    if participants is None:
        if asks_age:
            errors["participants"] = [_("Please give the name and age of each participant.")]
            return []
        return [ParticipantSpec(name=applicant.strip()[:100])] if applicant.strip() else []
    if len(participants) != party_size:
        errors["participants"] = [_("Please give one participant for each person: %(count)s.") % {"count": party_size}]
        return []
    cleaned: list[ParticipantSpec] = []
    for position, participant in enumerate(participants, start=1):
        name = " ".join((participant.name or "").split())  # as written, spaces collapsed
        if position == 1 and not name:
            name = " ".join(applicant.split())  # the person applying (the desk leaves their row empty)
        if not name:
            errors[f"participants.{position}.name"] = [
                _("Please enter the name of participant %(number)s.") % {"number": position}
            ]
        elif len(name) > 100:
            errors[f"participants.{position}.name"] = [
                _("Please keep the name to %(count)s characters.") % {"count": 100}
            ]
        age = participant.age if asks_age else None
        if asks_age and age is None:
            errors[f"participants.{position}.age"] = [
                _("Please enter the age of participant %(number)s.") % {"number": position}
            ]
        elif age is not None and not 0 <= age <= RegistrationParticipant.MAX_AGE:
            errors[f"participants.{position}.age"] = [
                _("Please enter an age from 0 to %(count)s.") % {"count": RegistrationParticipant.MAX_AGE}
            ]
        cleaned.append(ParticipantSpec(name=name, age=age))
    return cleaned


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
    refusal = online_application_refusal(program, now=now)
    if refusal is not None:
        raise ValidationError(refusal, code="closed")


def registration_submit(
    *,
    program: Program,
    user: User,
    party_size: int = 1,
    participants: Sequence[ParticipantSpec] | None = None,
    answers: Mapping[str, Any] | None = None,
    consent: bool,
    attends_every_session: bool = False,
    now: datetime | None = None,
) -> Registration:
    """A signed-in resident applies online (atomic: the allocation and its mail in one transaction).

    ``participants`` names each person the application covers (as many as ``party_size``; without
    them the resident is the one named). Raises ``AlreadyRegisteredError`` if they have an active
    registration, ``ValidationError`` with ``code="closed"`` outside the application period, and a
    ``ValidationError`` keyed by field (``party_size``, ``participants``,
    ``participants.<position>.name|age``, ``consent``, ``answers.<key>``) for invalid input.
    """
    now = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Please sign in to apply."))
    # Everything that does not depend on the seats is read, checked and rendered before the lock,
    # which is then held for one read of the seats and the writes (docs/registrations.md).
    first_timer = is_first_timer(program=program, user=user, full_name="", phone="")
    errors: dict[str, list[str]] = {}
    cleaned = _clean_answers(program, answers or {}, errors)
    if not consent:
        errors["consent"] = [_("Please agree to the privacy notice.")]
    registration = Registration(
        program=program,
        user=user,
        party_size=party_size,
        answers=cleaned,
        channel=Registration.Channel.WEB,
        consent_at=now,
        check_in_code=_random_code(),
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
    # The participants as given, checked against settings read without the lock: what the mail
    # rendered before it names. The lock checks them again; if they differ the mail is rendered there.
    try:
        # Read with the programme when the caller asked for them (``selectors.program_to_apply_for``).
        unlocked_settings = program.registration_settings
    except RegistrationSettings.DoesNotExist:
        unlocked_settings = RegistrationSettings()
    guessed = _clean_participants(
        participants,
        party_size=party_size,
        applicant=user.full_name or user.email,
        reg_settings=unlocked_settings,
        errors={},
    )
    # The token depends on the person and the programme's year, not on the seats: set it before the lock.
    person_token_assign(registration)
    prepared: dict[str, PreparedMail | None] = {}
    if not errors and party_size >= 1:
        predicted = _predicted_status(registration, program, unlocked_settings)
        prepared[predicted] = _prepare_announcement(registration, predicted, _unsaved(guessed))

    # The transaction starts here: on SQLite its BEGIN IMMEDIATE is the lock.
    with transaction.atomic():
        program = _lock_program(program.pk, organizer=False)
        reg_settings = _settings_locked(program)
        _check_open_online(program, now)
        state = seat_state(program, user=user, check_in_code=registration.check_in_code)
        if state.mine is not None:
            raise AlreadyRegisteredError(Registration.objects.get(pk=state.mine))
        _check_party(party_size, program, reg_settings, errors)
        named = _clean_participants(
            participants,
            party_size=party_size,
            applicant=user.full_name or user.email,
            reg_settings=reg_settings,
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        if state.code_taken or named != guessed:
            # The code is in the confirmation, the participants in every mail: render it again.
            registration.check_in_code = _new_check_in_code(program) if state.code_taken else registration.check_in_code
            prepared = {}
        registration.program = program
        return _place_and_announce(
            registration,
            reg_settings,
            now,
            actor=user,
            action="registrations.registration.submitted",
            data={"channel": "web"},
            participants=named,
            state=state,
            prepared=prepared,
        )


# The details the desk types in, checked by the model's own fields; the desk reads its own words.
_DESK_DETAILS = ("channel", "full_name", "full_name_kana", "phone", "email")
# What an account fills in when the desk left it blank (or unticked).
_FROM_ACCOUNT = (
    "full_name",
    "full_name_kana",
    "phone",
    "email",
    "language",
    "lives_in_city",
    "works_in_city",
    "studies_in_city",
    "age_band",
    "area",
)


def _details_errors(registration: Registration) -> dict[str, list[str]]:
    """The problems with the details of a registration taken at the desk, one message per field."""
    errors: dict[str, list[str]] = {}
    try:
        registration.clean_fields(
            exclude=[f.name for f in Registration._meta.concrete_fields if f.name not in _DESK_DETAILS]
        )
    except ValidationError as error:
        for name, problems in error.error_dict.items():
            if name == "channel":
                errors[name] = [_("Choose how the application came in.")]
            elif name == "email":
                errors[name] = [_("Please enter a valid e-mail address.")]
            elif problems[0].code == "blank":
                errors[name] = [_("Please enter the name.")]
            else:
                limit = (problems[0].params or {})["limit_value"]  # the field's max_length
                errors[name] = [_("Please keep this to %(count)s characters.") % {"count": limit}]
    if not registration.phone and not registration.email:
        errors["phone"] = [_("Please enter a phone number or an e-mail address.")]
    if registration.age_band and registration.age_band not in User.AgeBand.values:
        errors["age_band"] = [_("Choose one of the age bands.")]
    return errors


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
    participants: Sequence[ParticipantSpec] | None = None,
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
    registration = Registration(
        program=program,
        user=user,
        party_size=party_size,
        channel=channel,
        registered_by=actor,
        consent_at=now,
        full_name=full_name.strip(),
        full_name_kana=full_name_kana.strip(),
        phone=phone.strip(),
        email=email.strip(),
        language=language,
        lives_in_city=lives_in_city,
        works_in_city=works_in_city,
        studies_in_city=studies_in_city,
        attends_every_session=attends_every_session,
        age_band=age_band,
        area=area,
    )
    if user is not None:
        existing = Registration.objects.filter(program=program, user=user, status__in=Registration.ACTIVE).first()
        if existing is not None:
            raise AlreadyRegisteredError(existing)
        for name in _FROM_ACCOUNT:
            value = getattr(registration, name) or getattr(user, name)
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
    errors = _details_errors(registration)
    _check_party(party_size, program, reg_settings, errors)
    named = _clean_participants(
        participants,
        party_size=party_size,
        applicant=registration.full_name,
        reg_settings=reg_settings,
        errors=errors,
    )
    registration.answers = _clean_answers(program, answers or {}, errors)
    if not consent:
        errors["consent"] = [_("Please confirm that the person agreed to the privacy notice.")]
    if errors:
        raise ValidationError(errors)
    full_name, phone = registration.full_name, registration.phone
    if not allow_duplicate:
        duplicate = duplicate_registration(program, full_name, phone, registration.email)
        if duplicate is not None:
            raise DuplicateRegistrationError(duplicate)
    registration.email = normalise_email(registration.email)
    registration.language = registration.language or settings.LANGUAGE_CODE
    registration.check_in_code = _new_check_in_code(program)
    if first_timer is None:
        first_timer = is_first_timer(program=program, user=user, full_name=full_name, phone=phone)
    registration.first_timer = first_timer
    return _place_and_announce(
        registration,
        reg_settings,
        now,
        actor=actor,
        action="registrations.registration.submitted_on_behalf",
        data={"channel": channel, "duplicate_allowed": allow_duplicate},
        participants=named,
    )


@transaction.atomic
def registration_submit_for_group(
    *,
    program: Program,
    actor: User,
    group_name: str,
    contact_email: str,
    party_size: int,
    consent: bool,
    now: datetime | None = None,
) -> Registration:
    """A group registers how many of its members come, as one registration of that party size.

    The caller (the exchanges app, which knows groups) has checked that ``actor`` runs the group.
    The registration holds no account (the group is not a person, and its organiser may still apply
    for themselves); it carries the group's name and contact address. The same allocation as any
    other: confirmed while the seats last, waitlisted after, under the programme lock. A group is
    not held to the largest party of one application, only to the capacity.
    """
    now = now or timezone.now()
    program = _lock_program(program.pk)
    reg_settings = _settings_locked(program)
    # The programme's own window (not the providers that keep individuals out of a group-only meeting).
    refusal = online_application_refusal(program, now=now, for_group=True)
    if refusal is not None:
        raise ValidationError(refusal, code="closed")
    errors: dict[str, list[str]] = {}
    if party_size < 1:
        errors["party_size"] = [_("At least one person.")]
    elif program.capacity is not None and party_size > program.capacity:
        errors["party_size"] = [_("More people than the programme has places.")]
    if not consent:
        errors["consent"] = [_("Please agree to the privacy notice.")]
    if errors:
        raise ValidationError(errors)
    registration = Registration(
        program=program,
        user=None,
        registered_by=actor,
        party_size=party_size,
        channel=Registration.Channel.WEB,
        consent_at=now,
        check_in_code=_new_check_in_code(program),
        full_name=group_name.strip()[:100],
        email=normalise_email(contact_email),
        language=settings.LANGUAGE_CODE,
    )
    return _place_and_announce(
        registration,
        reg_settings,
        now,
        actor=actor,
        action="registrations.registration.submitted_for_group",
        data={"channel": "web"},
    )
