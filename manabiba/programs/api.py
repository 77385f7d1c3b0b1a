"""Programmes API: search the catalogue like the listing does, read one programme, and, with a staff
token, create, change and publish programmes through the same services as the staff pages.

Errors are ``{"detail": "..."}`` in the caller's language (``Accept-Language``); a value the
programme cannot take answers 422 with ``field`` naming it; nothing is written unless all is.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.core.api_body import BodyIn, Id
from manabiba.core.api_errors import ErrorOut, field_errors
from manabiba.core.api_out import Out, OutMoment
from manabiba.core.dates import MAX_OFFSET, require_day_in_range, require_moment_in_range
from manabiba.core.models import Area
from manabiba.programs import services
from manabiba.programs.kept import KeptByProgramme
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.selectors import (
    ProgramFilters,
    catalogue_version,
    program_detail,
    program_listings,
    program_page_ids,
)

router = Router(tags=["programs"])

MAX_LIMIT = 100
# Days and moments within the span the site deals with (core.dates), so that a year such as 556
# is refused with a message instead of being stored and returned in a form clients cannot read.
Day = Annotated[date, AfterValidator(require_day_in_range)]
Moment = Annotated[datetime, AfterValidator(require_moment_in_range)]

OrganizerKind = Literal["department", "center", "school", "group", "citizen", "other"]
ProgramKind = Literal["course", "event", "exchange", "volunteer"]
WhenValue = Literal["morning", "afternoon", "weekday_evening", "weekend"]
SortValue = Literal["", "date", "deadline", "new", "relevance"]
FeeValue = Literal["free", "paid", "materials"]
ApplicationValue = Literal["none", "site", "phone", "postcard", "external"]


# --- schemas ---------------------------------------------------------------------------------------


class ProgramQuery(Schema):
    """The listing's filters, by the listing's parameter names, plus paging."""

    q: str = Field("", max_length=200, description="Keywords, searched in Japanese-aware ways.")
    category: list[Id] = Field([], description="Field (category) ids; any of them.")
    audience: list[Id] = Field([], description="Audience ids; any of them.")
    area: list[Id] = Field([], description="Area ids; any of them.")
    organizer: list[OrganizerKind] = Field([], description="Organiser kinds.")
    kind: list[ProgramKind] = Field([], description="Kinds of programme.")
    weekday: list[Annotated[int, Field(ge=0, le=6)]] = Field([], description="Days of the week, Monday 0.")
    when: list[WhenValue] = Field([], description="Time of day; weekday_evening and weekend as on the listing.")
    date_from: Day | None = Field(None, description="A session on or after this day (Tokyo).")
    date_to: Day | None = Field(None, description="A session on or before this day (Tokyo).")
    free: bool | None = Field(None, description="true: free only; false: with a fee or materials.")
    open: bool = Field(False, description="Applications open now.")
    wheelchair: bool = False
    childcare: bool = False
    sign_language: bool = False
    easy_japanese: bool = Field(False, description="Only programmes with a summary in easy Japanese.")
    include_past: bool = Field(False, description="Include finished programmes.")
    sort: SortValue = Field("", description="date, deadline, new or relevance (the default with q).")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def filters(self) -> ProgramFilters:
        date_from, date_to = self.date_from, self.date_to
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        return ProgramFilters(
            q=self.q.strip(),
            categories=tuple(dict.fromkeys(self.category)),
            audiences=tuple(dict.fromkeys(self.audience)),
            areas=tuple(dict.fromkeys(self.area)),
            organizer_kinds=tuple(dict.fromkeys(self.organizer)),
            kinds=tuple(dict.fromkeys(self.kind)),
            date_from=date_from,
            date_to=date_to,
            weekdays=tuple(dict.fromkeys(self.weekday)),
            when=tuple(dict.fromkeys(self.when)),
            free=self.free,
            open_now=self.open,
            wheelchair=self.wheelchair,
            childcare=self.childcare,
            sign_language=self.sign_language,
            easy_japanese=self.easy_japanese,
            include_past=self.include_past,
            sort=self.sort,
        )


class NamedOut(Out):
    id: int
    name: str


class OrganizerOut(Out):
    id: int
    name: str
    kind: str
    url: str


class SessionOut(Out):
    start: OutMoment
    end: OutMoment | None
    note: str = ""


class VenueOut(Out):
    name: str
    address: str
    facility_id: int | None
    online: bool


class ProgramOut(Out):
    id: int
    title: str
    title_kana: str
    url: str
    organizer: OrganizerOut
    categories: list[NamedOut]
    audiences: list[NamedOut]
    sessions: list[SessionOut]
    venue: VenueOut
    area: NamedOut | None
    fee: str
    fee_amount: int | None
    capacity: int | None
    application: str
    applications_close_at: OutMoment | None
    status: str


class ProgramDetailOut(ProgramOut):
    title_en: str
    kind: str
    summary: str
    description: str
    easy_summary: str = Field(
        description="A few sentences in easy Japanese (やさしい日本語); empty when none was written."
    )
    co_organizers: list[OrganizerOut]
    fee_note: str
    min_participants: int | None
    application_url: str
    application_note: str
    applications_open_at: OutMoment | None
    contact_name: str
    contact_phone: str
    contact_email: str
    wheelchair_accessible: bool
    childcare_available: bool
    sign_language: bool
    accessibility_notes: str
    status_reason: str
    published_at: OutMoment | None


class ProgramPageOut(Out):
    count: int
    items: list[ProgramOut]


class SessionIn(BodyIn):
    start: Moment
    end: Moment | None = None
    note: str = Field("", max_length=200)


class ProgramPatch(BodyIn):
    """Every field is optional: only the ones sent are changed. Lists replace what was there."""

    title: str | None = Field(None, min_length=1, max_length=200)
    title_kana: str | None = Field(None, max_length=400)
    title_en: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=300)
    description: str | None = None
    easy_summary: str | None = Field(None, max_length=1000)
    kind: ProgramKind | None = None
    organizer_id: int | None = None
    co_organizer_ids: list[Id] | None = None
    category_ids: list[Id] | None = None
    audience_ids: list[Id] | None = None
    area_id: int | None = None
    facility_id: int | None = None
    room_id: int | None = None
    venue_name: str | None = Field(None, max_length=200)
    venue_address: str | None = Field(None, max_length=300)
    is_online: bool | None = None
    fee: FeeValue | None = None
    fee_amount: int | None = Field(None, ge=0)
    fee_note: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=0)
    min_participants: int | None = Field(None, ge=0)
    application: ApplicationValue | None = None
    application_url: str | None = None
    application_note: str | None = None
    applications_open_at: Moment | None = None
    applications_close_at: Moment | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=50)
    contact_email: str | None = None
    wheelchair_accessible: bool | None = None
    childcare_available: bool | None = None
    sign_language: bool | None = None
    accessibility_notes: str | None = None
    sessions: list[SessionIn] | None = None


class ProgramIn(ProgramPatch):
    title: str = Field(..., min_length=1, max_length=200)
    organizer_id: int


# --- output ----------------------------------------------------------------------------------------


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _organizer(organizer: Organizer) -> dict[str, Any]:
    return {"id": organizer.pk, "name": organizer.name, "kind": organizer.kind, "url": organizer.url}


def _with_host(origin: str, item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with its page's address in full: ``origin`` is ``_origin(request)``."""
    return {**item, "url": origin + item["url"]}


def _origin(request: HttpRequest) -> str:
    """The scheme and host the caller asked, once a request: an item's address is a path from the
    root (``reverse``), so the full address is the two put together, as ``build_absolute_uri``
    would make it for each item."""
    return request.build_absolute_uri("/").removesuffix("/")


def _program_detail(request: HttpRequest, program: Program) -> dict[str, Any] | None:
    """The detail answer, or None if the programme went away since ``program`` was read."""
    listing = program_listings([program.pk]).get(program.pk)
    if listing is None:
        return None
    detail = _with_host(_origin(request), listing)
    for name in (
        "title_en",
        "kind",
        "summary",
        "description",
        "easy_summary",
        "fee_note",
        "min_participants",
        "application_url",
        "application_note",
        "contact_name",
        "contact_phone",
        "contact_email",
        "wheelchair_accessible",
        "childcare_available",
        "sign_language",
        "accessibility_notes",
        "status_reason",
    ):
        detail[name] = getattr(program, name)
    detail["co_organizers"] = [_organizer(o) for o in program.co_organizers.all()]
    detail["applications_open_at"] = _local(program.applications_open_at)
    detail["published_at"] = _local(program.published_at)
    return detail


# --- reads -----------------------------------------------------------------------------------------


# The list's items, kept in each process as the catalogue's cards are (programs/cards.py): distinct
# searches show the same programmes again and again, and reading one with its relations costs more
# than the search itself.
_items: KeptByProgramme[dict[str, Any]] = KeptByProgramme(lambda: settings.CATALOGUE_CARDS_KEPT)


@router.get("/programs", response=ProgramPageOut, auth=None, summary="Search the catalogue")
def program_list(request: HttpRequest, query: Query[ProgramQuery]) -> HttpResponse:
    count, ids = program_page_ids(query.filters(), offset=query.offset, limit=query.limit)
    version = catalogue_version()
    # The item's address is a path under the script prefix of the request that read it.
    variant = (get_language() or "", get_script_prefix())
    items = {pk: item for pk in ids if (item := _items.get(pk, version, variant)) is not None}
    for pk, listing in program_listings(pk for pk in ids if pk not in items).items():
        items[pk] = _items.put(pk, version, variant, listing)
    origin = _origin(request)
    page = ProgramPageOut.model_validate(
        {"count": count, "items": [_with_host(origin, items[pk]) for pk in ids if pk in items]}
    )
    return HttpResponse(page.model_dump_json(), content_type="application/json; charset=utf-8")


@router.get(
    "/programs/{program_id}",
    response={200: ProgramDetailOut, 404: ErrorOut},
    auth=None,
    summary="One published, finished or cancelled programme",
)
def program_get(request: HttpRequest, program_id: int) -> Status[dict[str, Any]]:
    program = program_detail(program_id)
    detail = _program_detail(request, program) if program is not None else None
    if detail is None:
        return Status(404, {"detail": _("No such programme.")})
    return Status(200, detail)


# --- writes ----------------------------------------------------------------------------------------


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _one(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise _FieldError(field, _("There is nothing with the id %(id)s.") % {"id": pk})
    return found


def _many(model: type[Category] | type[Audience] | type[Organizer], ids: list[int], field: str) -> list[Any]:
    found = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise _FieldError(
            field, _("There is nothing with the id %(id)s.") % {"id": ", ".join(str(pk) for pk in missing)}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _arguments(payload: ProgramPatch) -> dict[str, Any]:
    """The service's keyword arguments for the fields that were sent, with ids turned into rows."""
    sent = payload.dict(exclude_unset=True)
    arguments: dict[str, Any] = {}
    for name, model, field in (
        ("organizer_id", Organizer, "organizer"),
        ("area_id", Area, "area"),
        # Through the model's relations: facilities is a sibling app programs does not import.
        ("facility_id", Program._meta.get_field("facility").related_model, "facility"),
        ("room_id", Program._meta.get_field("room").related_model, "room"),
    ):
        if name in sent:
            if name == "organizer_id" and sent[name] is None:
                raise _FieldError(name, _("A programme needs an organiser."))
            arguments[field] = _one(model, sent.pop(name), name)
    for name, many_model, argument in (
        ("category_ids", Category, "categories"),
        ("audience_ids", Audience, "audiences"),
        ("co_organizer_ids", Organizer, "co_organizers"),
    ):
        if name in sent:
            arguments[argument] = _many(many_model, sent.pop(name) or [], name)
    if "sessions" in sent:
        sessions = sent.pop("sessions") or []
        for session in sessions:
            for key in ("start", "end"):
                if session.get(key) is not None and timezone.is_naive(session[key]):
                    raise _FieldError("sessions", _("Give times with their offset, such as 2026-12-05T13:30+09:00."))
        arguments["sessions"] = [
            services.SessionTimes(starts_at=s["start"], ends_at=s.get("end"), note=s.get("note", "")) for s in sessions
        ]
    for name in ("applications_open_at", "applications_close_at"):
        if sent.get(name) is not None and timezone.is_naive(sent[name]):
            raise _FieldError(name, _("Give times with their offset, such as 2026-12-05T13:30+09:00."))
    # Text fields sent as null mean "empty"; the model keeps text as "" rather than NULL.
    for name, value in sent.items():
        if value is None and name not in {"fee_amount", "capacity", "min_participants"} | {
            "applications_open_at",
            "applications_close_at",
        }:
            sent[name] = False if isinstance(Program._meta.get_field(name), BooleanField) else ""
    arguments.update(sent)
    return arguments


def _validation_detail(error: ValidationError) -> tuple[str, str | None]:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            message = " ".join(str(m) for e in errors for m in e.messages)
            return message, None if field == NON_FIELD_ERRORS else field
    return " ".join(str(m) for m in error.messages), _FIELD_OF_CODE.get(getattr(error, "code", None) or "")


# The services' errors that are about one field of the request though they are not a model field's.
_FIELD_OF_CODE = {"session_order": "sessions", "no_sessions": "sessions"}


Answer = Status[dict[str, Any]]


def _write(request: HttpRequest, act: Callable[[User], Program], success: int) -> Answer:
    """Run one write as the token's owner and answer it: the program, or why not, with nothing half-done."""
    user = request.user
    assert isinstance(user, User)
    try:
        with transaction.atomic():
            program = act(user)
    except _FieldError as error:
        return field_errors({error.field: [error.message]})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or _("Your account does not have permission for this.")})
    except ValidationError as error:
        message, field = _validation_detail(error)
        return field_errors({field or "__all__": [message]})
    fresh = program_detail(program.pk, user=user)
    detail = _program_detail(request, fresh) if fresh is not None else None
    assert detail is not None  # written in this request: only a delete at this very moment could take it
    return Status(success, detail)


def _editable(program_id: int, user: User) -> Program:
    program = program_detail(program_id, user=user)
    if program is None:
        raise _NotFoundError
    return program


class _NotFoundError(Exception):
    pass


CREATED = {201: ProgramDetailOut, 403: ErrorOut, 422: ErrorOut}
CHANGED = {200: ProgramDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/programs", response=CREATED, auth=token_auth, summary="Create a draft programme")
def program_create(request: HttpRequest, payload: ProgramIn) -> Answer:
    def act(user: User) -> Program:
        arguments = _arguments(payload)
        return services.program_create(actor=user, **arguments)

    return _write(request, act, 201)


@router.patch("/programs/{program_id}", response=CHANGED, auth=token_auth, summary="Change a programme")
def program_update(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Answer:
    user = request.user
    assert isinstance(user, User)
    try:
        program = _editable(program_id, user)
    except _NotFoundError:
        return Status(404, {"detail": _("No such programme.")})

    def act(actor: User) -> Program:
        return services.program_update(program=program, actor=actor, **_arguments(payload))

    return _write(request, act, 200)


@router.post("/programs/{program_id}/publish", response=CHANGED, auth=token_auth, summary="Publish a programme")
def program_publish(request: HttpRequest, program_id: int) -> Answer:
    user = request.user
    assert isinstance(user, User)
    try:
        program = _editable(program_id, user)
    except _NotFoundError:
        return Status(404, {"detail": _("No such programme.")})
    return _write(request, lambda actor: services.program_publish(program=program, actor=actor), 200)
