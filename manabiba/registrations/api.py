"""Registrations API: apply, list and cancel one's own registrations, the public draw notice, and
for staff, run and read a programme's draw and list its registrants.

Signed in by the session (with its CSRF token) or by a personal token (``Authorization: Bearer``).
Errors are ``{"detail": "...", "errors": {field: [messages]}}`` in the caller's language
(``Accept-Language``): 409 when the person has already applied, 422 with the fields at fault.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.core.api_body import BodyIn
from manabiba.core.api_errors import ErrorOut, api_error, api_invalid
from manabiba.programs.models import Program
from manabiba.registrations import selectors, services
from manabiba.registrations.models import LotteryDraw, Registration
from manabiba.registrations.permissions import can_cancel_registration, can_manage_registrations

router = Router(tags=["registrations"])


AUTH = [token_auth, django_auth]


# --- schemas ---------------------------------------------------------------------------------------


class RegistrationIn(BodyIn):
    """An application: how many people, the answers to the programme's questions, the consent."""

    # Typed loosely on purpose: a value of the wrong type gets the same 422 with field errors in the
    # caller's language as any other mistake (``_typed_errors``), not the framework's English one.

    party_size: Any = Field(1, description="How many people, counted as seats.", json_schema_extra={"type": "integer"})
    participants: Any = Field(
        None,
        description=(
            'Everyone the application covers, one per seat: [{"name": ..., "age": ...}], as many as '
            "party_size; age where the programme asks for it. Left out: the applicant is the one named "
            "(a programme that asks ages needs the list)."
        ),
        json_schema_extra={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": ["integer", "null"]}},
                "required": ["name"],
            },
        },
    )
    answers: Any = Field(
        default_factory=dict, description="Answers by question key.", json_schema_extra={"type": "object"}
    )
    attends_every_session: Any = Field(
        False,
        description="Can come to every session (a priority in some lotteries).",
        json_schema_extra={"type": "boolean"},
    )
    consent: Any = Field(
        ...,
        description="Agreement to the privacy notice: true to apply; it is never assumed.",
        json_schema_extra={"type": "boolean"},
    )


def _typed_errors(payload: RegistrationIn) -> dict[str, list[str]]:
    """The fields of the body whose JSON type is wrong, with a message in the caller's language."""
    errors: dict[str, list[str]] = {}
    if isinstance(payload.party_size, bool) or not isinstance(payload.party_size, int):
        errors["party_size"] = [_("Please enter a whole number.")]
    if not isinstance(payload.answers, dict):
        errors["answers"] = [_("Give the answers as an object, keyed by question.")]
    if payload.participants is not None:
        if not isinstance(payload.participants, list):
            errors["participants"] = [_("Give the participants as a list of objects with a name and an age.")]
        else:
            for position, item in enumerate(payload.participants, start=1):
                if not isinstance(item, dict):
                    errors[f"participants.{position}"] = [_("Give each participant as an object with a name.")]
                    continue
                if not isinstance(item.get("name", ""), str):
                    errors[f"participants.{position}.name"] = [_("Please give the name as text.")]
                age = item.get("age")
                if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
                    errors[f"participants.{position}.age"] = [_("Please enter a whole number.")]
    for name in ("attends_every_session", "consent"):
        if not isinstance(getattr(payload, name), bool):
            errors[name] = [_("Please answer true or false.")]
    return errors


class ProgramRef(Schema):
    id: int
    title: str


class ParticipantOut(Schema):
    position: int
    name: str
    age: int | None


class RegistrationOut(Schema):
    id: int
    program: ProgramRef
    status: str
    party_size: int
    participants: list[ParticipantOut]
    answers: dict[str, Any]
    waitlist_position: int | None
    offer_expires_at: datetime | None
    channel: str
    check_in_code: str | None
    created_at: datetime


class RegistrantOut(RegistrationOut):
    full_name: str
    full_name_kana: str
    phone: str
    email: str
    tier: int | None
    registered_by_id: int | None


class RegistrationErrorOut(ErrorOut):
    registration_id: int | None = None


class TierOut(Schema):
    tier: int
    applicants: int
    seats: int
    won: int
    seats_won: int


class DrawNoticeOut(Schema):
    program_id: int
    drawn_at: datetime
    seed: str
    algorithm: str
    capacity: int | None
    applicants: int
    winners: int
    tiers: list[TierOut]


class DrawOut(DrawNoticeOut):
    id: int
    drawn_by_id: int | None
    ranking: list[int]
    winner_ids: list[int]
    verified: bool
    problems: list[str]


# --- output ----------------------------------------------------------------------------------------


def _registration(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "program": {"id": registration.program_id, "title": registration.program.title},
        "status": registration.status,
        "party_size": registration.party_size,
        "participants": [
            {"position": p.position, "name": p.name, "age": p.age} for p in registration.participants.all()
        ],
        "answers": registration.answers,
        "waitlist_position": registration.waitlist_position,
        "offer_expires_at": (
            timezone.localtime(registration.offer_expires_at) if registration.offer_expires_at else None
        ),
        "channel": registration.channel,
        "check_in_code": registration.check_in_code if registration.status == Registration.Status.CONFIRMED else None,
        "created_at": timezone.localtime(registration.created_at),
    }


def _registrant(registration: Registration) -> dict[str, Any]:
    return {
        **_registration(registration),
        "check_in_code": registration.check_in_code,
        "full_name": registration.full_name,
        "full_name_kana": registration.full_name_kana,
        "phone": registration.phone,
        "email": registration.email,
        "tier": registration.tier,
        "registered_by_id": registration.registered_by_id,
    }


def _notice(notice: selectors.DrawNotice) -> dict[str, Any]:
    return {
        "program_id": notice.program_id,
        "drawn_at": timezone.localtime(notice.drawn_at),
        "seed": notice.seed,
        "algorithm": notice.algorithm,
        "capacity": notice.capacity,
        "applicants": notice.applicants,
        "winners": notice.winners,
        "tiers": [t.__dict__ for t in notice.tiers],
    }


def _draw(draw: LotteryDraw) -> dict[str, Any]:
    notice = selectors.draw_notice(draw.program)
    assert notice is not None
    verification = selectors.lottery_verify(draw)
    return {
        **_notice(notice),
        "id": draw.pk,
        "drawn_by_id": draw.drawn_by_id,
        "ranking": draw.ranking,
        "winner_ids": draw.winners,
        "verified": verification.matches,
        "problems": verification.problems,
    }


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _program(program_id: int) -> Program | None:
    return Program.objects.filter(pk=program_id).select_related("organizer").first()


Answer = Status[dict[str, Any]]
# Each operation lists exactly what it answers (401 and 422 are added for every operation by the
# API root, config/api.py).
APPLIED = {
    201: RegistrationOut,
    403: RegistrationErrorOut,
    404: RegistrationErrorOut,
    409: RegistrationErrorOut,
    422: RegistrationErrorOut,
}
CHANGED = {200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- residents -------------------------------------------------------------------------------------


@router.post("/programs/{program_id}/registrations", response=APPLIED, auth=AUTH, summary="Apply for a programme")
def registration_create(request: HttpRequest, program_id: int, payload: RegistrationIn) -> Answer:
    program = selectors.program_to_apply_for(program_id)
    if program is None or program.status not in {Program.Status.PUBLISHED, Program.Status.FINISHED}:
        return api_error(404, _("No such programme."))
    typed_errors = _typed_errors(payload)
    if typed_errors:
        return api_error(422, _("Please check the highlighted fields."), errors=typed_errors)
    try:
        registration = services.registration_submit(
            program=program,
            user=_user(request),
            party_size=payload.party_size,
            participants=None
            if payload.participants is None
            else [
                services.ParticipantSpec(name=str(item.get("name") or ""), age=item.get("age"))
                for item in payload.participants
            ],
            answers=payload.answers,
            consent=payload.consent,
            attends_every_session=payload.attends_every_session,
        )
    except services.AlreadyRegisteredError as error:
        return api_error(409, str(error), registration_id=error.registration.pk)
    except PermissionDenied as error:
        return api_error(403, str(error))
    except ValidationError as error:
        return api_invalid(error)
    return Status(201, _registration(registration))


@router.get("/me/registrations", response=list[RegistrationOut], auth=AUTH, summary="My registrations")
def my_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    return [_registration(r) for r in selectors.registrations_of(_user(request))]


def _visible_registration(user: User, registration_id: int) -> Registration | None:
    registration = (
        Registration.objects.select_related("program", "program__organizer").filter(pk=registration_id).first()
    )
    if registration is None or not can_cancel_registration(user, registration):
        return None
    return registration


@router.get("/registrations/{registration_id}", response={200: RegistrationOut, 404: ErrorOut}, auth=AUTH)
def registration_get(request: HttpRequest, registration_id: int) -> Answer:
    registration = selectors.registration_of(_user(request), registration_id)
    if registration is None:
        return api_error(404, _("No such registration."))
    return Status(200, _registration(registration))


@router.delete("/registrations/{registration_id}", response=CHANGED, auth=AUTH, summary="Cancel a registration")
def registration_delete(request: HttpRequest, registration_id: int, reason: str = "") -> Answer:
    user = _user(request)
    registration = _visible_registration(user, registration_id)
    if registration is None:
        return api_error(404, _("No such registration."))
    try:
        registration = services.registration_cancel(registration=registration, actor=user, reason=reason)
    except PermissionDenied as error:
        return api_error(403, str(error))
    except ValidationError as error:
        return api_error(409, " ".join(str(m) for m in error.messages))
    return Status(200, _registration(registration))


@router.post("/registrations/{registration_id}/confirm", response=CHANGED, auth=AUTH, summary="Accept a place offered")
def registration_confirm(request: HttpRequest, registration_id: int) -> Answer:
    user = _user(request)
    registration = _visible_registration(user, registration_id)
    if registration is None:
        return api_error(404, _("No such registration."))
    try:
        registration = services.registration_confirm(registration=registration, actor=user)
    except PermissionDenied as error:
        return api_error(403, str(error))
    except ValidationError as error:
        return api_error(409, " ".join(str(m) for m in error.messages))
    return Status(200, _registration(registration))


@router.get(
    "/programs/{program_id}/lottery",
    response={200: DrawNoticeOut, 404: ErrorOut},
    auth=None,
    summary="The public draw notice: seed and counts per tier, no names",
)
def lottery_notice(request: HttpRequest, program_id: int) -> Answer:
    program = _program(program_id)
    notice = selectors.draw_notice(program) if program is not None else None
    if notice is None:
        return api_error(404, _("No draw for this programme."))
    return Status(200, _notice(notice))


# --- staff -----------------------------------------------------------------------------------------


DRAWN = {201: DrawOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
DRAW_READ = {200: DrawOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/staff/programs/{program_id}/lottery", response=DRAWN, auth=AUTH, summary="Run a programme's draw")
def lottery_run(request: HttpRequest, program_id: int) -> Answer:
    user = _user(request)
    program = _program(program_id)
    if program is None:
        return api_error(404, _("No such programme."))
    if not can_manage_registrations(user, program):
        return api_error(403, _("Your account does not have permission for this."))
    try:
        draw = services.lottery_draw(program=program, actor=user)
    except ValidationError as error:
        return api_error(409, " ".join(str(m) for m in error.messages))
    return Status(201, _draw(draw))


@router.get("/staff/programs/{program_id}/lottery", response=DRAW_READ, auth=AUTH, summary="Read and verify a draw")
def lottery_read(request: HttpRequest, program_id: int) -> Answer:
    user = _user(request)
    program = _program(program_id)
    if program is None:
        return api_error(404, _("No such programme."))
    if not can_manage_registrations(user, program):
        return api_error(403, _("Your account does not have permission for this."))
    draw = LotteryDraw.objects.filter(program=program).first()
    if draw is None:
        return api_error(404, _("No draw for this programme."))
    return Status(200, _draw(draw))


@router.get(
    "/staff/programs/{program_id}/registrations",
    response={200: list[RegistrantOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
    summary="A programme's registrants (the look is logged)",
)
def registrants(request: HttpRequest, program_id: int) -> Status[Any]:
    program = _program(program_id)
    if program is None:
        return api_error(404, _("No such programme."))
    try:
        rows = selectors.program_registrants(program=program, viewer=_user(request), view="api_registrants")
    except PermissionDenied:
        return api_error(403, _("Your account does not have permission for this."))
    return Status(200, [_registrant(r) for r in rows.select_related("program")])
