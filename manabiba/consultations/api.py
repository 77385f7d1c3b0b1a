"""Learning consultations API.

- ``POST /api/v1/consultations``: the public question form. No token needed (a guest then
  confirms the e-mail address through the link mailed to them); with a resident's token the
  consultation is theirs. A form error answers 422 ``{"detail": ..., "errors": {field: [...]}}``
  in the caller's language (``Accept-Language``).
- ``GET /api/v1/staff/consultations``, ``GET /api/v1/staff/consultations/{id}``,
  ``POST /api/v1/staff/consultations/{id}/replies``: staff tokens; each read is written to the
  audit log as a look at personal data, and a person sees only what the staff pages show them.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.consultations import selectors, services
from manabiba.consultations.forms import AskForm
from manabiba.consultations.models import Consultation, Message
from manabiba.consultations.permissions import can_view_consultation
from manabiba.consultations.throttle import ask_refusal
from manabiba.core.api_body import BodyIn, Id
from manabiba.core.api_errors import ErrorOut, error_messages, field_errors
from manabiba.core.audit import audit_log
from manabiba.core.dates import MAX_OFFSET

router = Router(tags=["consultations"])

QueueView = Literal["all", "new", "mine", "department", "waiting", "overdue", "closed"]


class _Anyone:
    """No token, or a valid one: the public form is open to guests and residents alike.

    Only a token says who asks. A browser's session cookie is ignored: this endpoint has no CSRF
    check, so another site could otherwise post a question in a signed-in resident's name.
    """

    def __call__(self, request: HttpRequest) -> bool:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            # The shared token check: it sets request.user for a valid token.
            if token_auth.authenticate(request, header[7:].strip()) is None:
                return False
        else:
            request.user = AnonymousUser()
        return True


# --- schemas ---------------------------------------------------------------------------------------


class ConsultationIn(BodyIn):
    topic: str = Field(description="learn, group, lecturer, facility or other")
    body: str
    reply_channel: str = Field("email", description="email, phone or desk")
    preferred_times: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""


class ConsultationCreated(Schema):
    reference: str
    status: str
    confirmation_required: bool


class MessageOut(Schema):
    id: int
    kind: str
    via: str
    author: str | None
    body: str
    created_at: datetime
    program_ids: list[int]


class ConsultationOut(Schema):
    id: int
    reference: str
    topic: str
    status: str
    channel: str
    reply_channel: str
    department: str | None
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    overdue: bool


class ConsultationDetailOut(ConsultationOut):
    body: str
    preferred_times: str
    name: str
    email: str
    phone: str
    messages: list[MessageOut]


class ReplyIn(BodyIn):
    body: str = Field(min_length=1, max_length=8000)
    program_ids: list[Id] = []
    internal: bool = Field(False, description="An internal note, never shown to the resident.")
    wait_for_resident: bool = False


def _person(user: User | None) -> str | None:
    return (user.full_name or user.email) if user is not None else None


def _summary(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.pk,
        "reference": consultation.reference,
        "topic": consultation.topic,
        "status": consultation.status,
        "channel": consultation.channel,
        "reply_channel": consultation.reply_channel,
        "department": consultation.department.name if consultation.department else None,
        "assignee": _person(consultation.assignee),
        "created_at": consultation.created_at,
        "due_at": consultation.due_at,
        "overdue": consultation.is_overdue,
    }


def _detail(consultation: Consultation) -> dict[str, Any]:
    return {
        **_summary(consultation),
        "body": consultation.body,
        "preferred_times": consultation.preferred_times,
        "name": consultation.name,
        "email": consultation.email,
        "phone": consultation.phone,
        "messages": [
            {
                "id": message.pk,
                "kind": message.kind,
                "via": message.via,
                "author": _person(message.author),
                "body": message.body,
                "created_at": message.created_at,
                "program_ids": [p.pk for p in message.programs.all()],
            }
            for message in consultation.messages.all()
        ],
    }


# --- public ----------------------------------------------------------------------------------------


@router.post(
    "/consultations", response={201: ConsultationCreated, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=_Anyone()
)
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[dict[str, Any]]:
    user = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    form = AskForm(data=payload.dict(), user=user)
    if not form.is_valid():
        return field_errors({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    data = form.cleaned_data
    refusal = ask_refusal(data, resident_id=user.pk if user else None, ip=request.META.get("REMOTE_ADDR"))
    if refusal is not None:
        return Status(429, {"detail": refusal})
    try:
        consultation = services.consultation_ask(data, resident=user, language=get_language() or "")
    except ValidationError as error:
        return field_errors(error_messages(error))
    return Status(
        201,
        {
            "reference": consultation.reference,
            "status": consultation.status,
            "confirmation_required": consultation.confirmed_at is None,
        },
    )


# --- staff -----------------------------------------------------------------------------------------


def _staff_user(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and has_permission(user, "consultations.answer"):
        return user
    return None


@router.get("/staff/consultations", response={200: list[ConsultationOut], 403: ErrorOut}, auth=token_auth)
def staff_consultation_list(
    request: HttpRequest,
    view: QueueView = "all",
    topic: str = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Status[Any]:
    user = _staff_user(request)
    if user is None:
        return Status(403, {"detail": _("Your account does not have permission for this.")})
    items = list(selectors.consultation_queue(user=user, view=view, topic=topic)[offset : offset + limit])
    audit_log(
        action="consultations.personal_data.viewed",
        actor=user,
        data={"view": "api_list", "filter": view, "shown": [c.reference for c in items]},
    )
    return Status(200, [_summary(c) for c in items])


Readable = tuple[User | None, Consultation | None, Status[Any] | None]


def _readable(request: HttpRequest, consultation_id: int) -> Readable:
    user = _staff_user(request)
    if user is None:
        return None, None, Status(403, {"detail": _("Your account does not have permission for this.")})
    consultation = selectors.consultation_for_staff(consultation_id)
    if consultation is None or not can_view_consultation(user, consultation):
        return user, None, Status(404, {"detail": _("No such consultation.")})
    return user, consultation, None


@router.get(
    "/staff/consultations/{consultation_id}",
    response={200: ConsultationDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_auth,
)
def staff_consultation_get(request: HttpRequest, consultation_id: int) -> Status[Any]:
    user, consultation, error = _readable(request, consultation_id)
    if error is not None:
        return error
    assert user is not None
    assert consultation is not None
    services.consultation_view_record(consultation=consultation, actor=user, view="api_detail")
    return Status(200, _detail(consultation))


@router.post(
    "/staff/consultations/{consultation_id}/replies",
    response={201: ConsultationDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_auth,
)
def staff_consultation_reply(request: HttpRequest, consultation_id: int, payload: ReplyIn) -> Status[Any]:
    user, consultation, error = _readable(request, consultation_id)
    if error is not None:
        return error
    assert user is not None
    assert consultation is not None
    try:
        if payload.internal:
            services.consultation_note_add(consultation=consultation, actor=user, body=payload.body)
        else:
            services.consultation_reply(
                consultation=consultation,
                actor=user,
                body=payload.body,
                program_ids=payload.program_ids,
                wait_for_resident=payload.wait_for_resident,
                via=Message.Via.API,
            )
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied) or _("Your account does not have permission for this.")})
    except ValidationError as invalid:
        errors = error_messages(invalid, default_field="body")
        if "programs" in errors:
            errors["program_ids"] = errors.pop("programs")
        return field_errors(errors)
    fresh = selectors.consultation_for_staff(consultation.pk)
    assert fresh is not None
    return Status(201, _detail(fresh))
