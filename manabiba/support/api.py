"""Support requests API, for staff tokens (``Authorization: Bearer <token>``).

- ``GET /api/v1/staff/support-requests``: every request's summary (each department sees all of them),
  filtered by ``view`` and ``kind``. 200; 401 without a valid token; 403 for a person whose roles do
  not cover support requests.
- ``GET /api/v1/staff/support-requests/{request_id}``: one request with its parts; the contact details
  and the whole thread (internal notes included) only for the coordinator and the departments with a
  part (``full`` says which). Each read is written to the audit log as a look at personal data.
  200; 401; 403 as above; 404 for no such request.
- ``POST /api/v1/staff/support-tasks/{task_id}/answer``: a department answers its own part (state and
  answer; done and declined need an answer). 200 with the request; 401; 403 for a part of another
  department; 404 for no such part; 409 when the request is closed; 422 for a state or answer
  that is not valid.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.core.api_body import BodyIn
from manabiba.core.api_errors import ErrorOut, error_messages, field_errors
from manabiba.core.dates import MAX_OFFSET
from manabiba.support import selectors, services
from manabiba.support.models import SupportRequest, SupportTask
from manabiba.support.permissions import can_handle_request

router = Router(tags=["support"])

RequestView = Literal["all", "to_split", "in_progress", "answered", "closed"]


class SupportTaskOut(Schema):
    id: int
    department: str
    department_id: int
    kind: str = Field(description="venue, publicity, lecturer, grant, permit or safety")
    status: str = Field(description="open, in_progress, done or declined")
    instructions: str
    answer: str
    due_at: datetime
    overdue: bool
    answered_at: datetime | None


class SupportMessageOut(Schema):
    id: int
    kind: str = Field(description="group, staff, note (internal, never shown to the group) or event")
    via: str
    author: str | None
    task_id: int | None
    body: str
    created_at: datetime


class SupportRequestOut(Schema):
    id: int
    reference: str
    group: str
    title: str
    kinds: list[str]
    status: str = Field(description="new (to be split), in_progress, answered (no part open) or closed")
    starts_on: date
    ends_on: date | None
    created_at: datetime
    tasks: list[SupportTaskOut]


class SupportRequestDetailOut(SupportRequestOut):
    description: str
    full: bool = Field(description="Whether the contact details and the thread are included")
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    messages: list[SupportMessageOut]


class SupportTaskAnswerIn(BodyIn):
    status: str = Field(description="open, in_progress, done or declined")
    answer: str = Field("", max_length=4000, description="Needed for done and declined; mailed to the group")


def _task(task: SupportTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "department": task.department.name,
        "department_id": task.department_id,
        "kind": task.kind,
        "status": task.status,
        "instructions": task.instructions,
        "answer": task.answer,
        "due_at": task.due_at,
        "overdue": task.is_overdue,
        "answered_at": task.answered_at,
    }


def _summary(request: SupportRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "reference": request.reference,
        "group": request.group_name,
        "title": request.title,
        "kinds": list(request.kinds),
        "status": request.status,
        "starts_on": request.starts_on,
        "ends_on": request.ends_on,
        "created_at": request.created_at,
        "tasks": [_task(t) for t in request.tasks.all()],
    }


def _detail(request: SupportRequest, *, full: bool) -> dict[str, Any]:
    return {
        **_summary(request),
        "description": request.description,
        "full": full,
        "contact_name": request.contact_name if full else None,
        "contact_email": request.contact_email if full else None,
        "contact_phone": request.contact_phone if full else None,
        "messages": [
            {
                "id": m.pk,
                "kind": m.kind,
                "via": m.via,
                "author": (m.author.full_name or m.author.email) if m.author else None,
                "task_id": m.task_id,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in (selectors.thread(request, with_notes=True) if full else [])
        ],
    }


def _staff_user(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and has_permission(user, "support.view"):
        return user
    return None


def _forbidden() -> Status[Any]:
    return Status(403, {"detail": _("Your account does not have permission for this.")})


@router.get(
    "/staff/support-requests",
    response={200: list[SupportRequestOut], 403: ErrorOut},
    auth=token_auth,
    summary="Support requests (summaries)",
)
def staff_support_request_list(
    request: HttpRequest,
    view: RequestView = "all",
    kind: str = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Status[Any]:
    user = _staff_user(request)
    if user is None:
        return _forbidden()
    items = list(selectors.request_queue(view=view, kind=kind)[offset : offset + limit])
    return Status(200, [_summary(r) for r in items])


@router.get(
    "/staff/support-requests/{request_id}",
    response={200: SupportRequestDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_auth,
    summary="One support request",
)
def staff_support_request_get(request: HttpRequest, request_id: int) -> Status[Any]:
    user = _staff_user(request)
    if user is None:
        return _forbidden()
    found = selectors.request_for_staff(request_id)
    if found is None:
        return Status(404, {"detail": _("No such support request.")})
    services.support_view_record(request=found, actor=user, view="api_detail")
    return Status(200, _detail(found, full=can_handle_request(user, found)))


@router.post(
    "/staff/support-tasks/{task_id}/answer",
    response={
        200: SupportRequestDetailOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=token_auth,
    summary="Answer a department's part of a support request",
)
def staff_support_task_answer(request: HttpRequest, task_id: int, payload: SupportTaskAnswerIn) -> Status[Any]:
    user = _staff_user(request)
    if user is None:
        return _forbidden()
    task = SupportTask.objects.select_related("request", "department").filter(pk=task_id).first()
    if task is None or task.request.anonymised_at is not None:
        return Status(404, {"detail": _("No such part of a support request.")})
    if task.request.status == SupportRequest.Status.CLOSED:
        return Status(409, {"detail": _("This request is closed.")})
    try:
        services.support_task_update(task=task, actor=user, status=payload.status, answer=payload.answer)
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied) or _("Your account does not have permission for this.")})
    except ValidationError as invalid:
        return field_errors(error_messages(invalid))
    fresh = selectors.request_for_staff(task.request_id)
    assert fresh is not None
    return Status(200, _detail(fresh, full=can_handle_request(user, fresh)))
