"""Reads for support requests: the staff lists and their counts, one request, the group's own,
the public case studies."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.communities.models import CommunityGroup
from manabiba.communities.selectors import groups_of
from manabiba.core.search import SearchDocument, search_ids
from manabiba.support.models import TASK_OPEN_STATUSES, SupportMessage, SupportRequest, SupportTask
from manabiba.support.permissions import can_manage

RequestView = Literal["all", "to_split", "in_progress", "answered", "closed"]
TaskView = Literal["department_open", "overdue"]
REQUEST_VIEWS: tuple[str, ...] = ("all", "to_split", "in_progress", "answered", "closed")
TASK_VIEWS: tuple[str, ...] = ("department_open", "overdue")
# Published case studies in the shared search index (core.search): the case-study page's keyword search.
SEARCH_KIND = "support.case"


def _with_tasks(requests: QuerySet[SupportRequest]) -> QuerySet[SupportRequest]:
    return requests.select_related("group").prefetch_related(
        Prefetch("tasks", queryset=SupportTask.objects.select_related("department").order_by("id"))
    )


def request_queue(*, view: str = "all", kind: str = "") -> QuerySet[SupportRequest]:
    """Every request (each department sees all summaries), the oldest waiting first for work views."""
    requests = SupportRequest.objects.filter(anonymised_at__isnull=True)
    if view == "to_split":
        requests = requests.filter(status=SupportRequest.Status.NEW).order_by("created_at", "id")
    elif view == "in_progress":
        requests = requests.filter(status=SupportRequest.Status.IN_PROGRESS).order_by("created_at", "id")
    elif view == "answered":
        requests = requests.filter(status=SupportRequest.Status.ANSWERED).order_by("created_at", "id")
    elif view == "closed":
        requests = requests.filter(status=SupportRequest.Status.CLOSED).order_by("-closed_at", "-id")
    else:
        requests = requests.order_by("-created_at", "-id")
    if kind:
        # The kinds are a short JSON list; matching its text works the same on SQLite and PostgreSQL.
        requests = requests.filter(kinds__icontains=f'"{kind}"')
    return _with_tasks(requests)


def _task_scope(user: Any) -> Q:
    """The coordinator's task lists cover every department; a department's staff see their own."""
    if can_manage(user):
        return Q()
    department_id = getattr(user, "department_id", None)
    return Q(department_id=department_id) if department_id is not None else Q(pk__in=[])


def task_queue(*, user: Any, view: str, now: datetime) -> QuerySet[SupportTask]:
    tasks = SupportTask.objects.filter(_task_scope(user), request__anonymised_at__isnull=True)
    tasks = tasks.filter(status__in=TASK_OPEN_STATUSES)
    if view == "overdue":
        tasks = tasks.filter(due_at__lt=now)
    return tasks.select_related("request", "department").order_by("due_at", "id")


def queue_counts(*, user: Any, now: datetime) -> dict[str, int]:
    """The workspace's counts, one aggregate per model whatever the data; each equals its list's rows."""
    counts: dict[str, Any] = {"to_split": 0}
    if can_manage(user):  # splitting is the coordinator's work: a department's page skips the query
        counts = SupportRequest.objects.filter(anonymised_at__isnull=True).aggregate(
            to_split=Count("pk", filter=Q(status=SupportRequest.Status.NEW))
        )
    open_tasks = Q(status__in=TASK_OPEN_STATUSES)
    counts |= SupportTask.objects.filter(_task_scope(user), request__anonymised_at__isnull=True).aggregate(
        department_open=Count("pk", filter=open_tasks),
        overdue=Count("pk", filter=open_tasks & Q(due_at__lt=now)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def request_for_staff(request_id: int) -> SupportRequest | None:
    return (
        _with_tasks(SupportRequest.objects.filter(pk=request_id, anonymised_at__isnull=True))
        .select_related("requested_by", "case_consent_by")
        .first()
    )


def thread(request: SupportRequest, *, with_notes: bool) -> QuerySet[SupportMessage]:
    """The request's one conversation; the group's view leaves the staff's internal notes out."""
    messages = request.messages.select_related("author", "task__department")
    if not with_notes:
        messages = messages.exclude(kind=SupportMessage.Kind.NOTE)
    return messages.order_by("created_at", "id")


def groups_for_asking(user: Any) -> QuerySet[CommunityGroup]:
    return groups_of(user).filter(status=CommunityGroup.Status.APPROVED)


def requests_of(user: Any) -> QuerySet[SupportRequest]:
    """The requests of the groups ``user`` runs (and only those)."""
    return _with_tasks(
        SupportRequest.objects.filter(group__in=groups_of(user), anonymised_at__isnull=True).order_by(
            "-created_at", "-id"
        )
    )


def request_of(user: Any, request_id: int) -> SupportRequest | None:
    return requests_of(user).filter(pk=request_id).first()


def _published_cases() -> QuerySet[SupportRequest]:
    return _with_tasks(
        SupportRequest.objects.filter(
            case_published_at__isnull=False, case_consent_at__isnull=False, anonymised_at__isnull=True
        )
    )


def case_studies(query: str = "") -> list[SupportRequest]:
    """Published case studies, with the parts (which departments helped with what): the newest first,
    or, for a keyword, those that match it, best first."""
    cases = _published_cases().order_by("-case_published_at", "-id")
    if not query.strip():
        return list(cases)
    ranked = search_ids(kind=SEARCH_KIND, query=query, now=timezone.now())
    found = {case.pk: case for case in cases.filter(pk__in=ranked)}
    return [found[pk] for pk in ranked if pk in found]


def is_published_case(request: SupportRequest) -> bool:
    return (
        request.case_published_at is not None and request.case_consent_at is not None and request.anonymised_at is None
    )


def case_search_document(request: SupportRequest) -> SearchDocument:
    """What a keyword finds a case study by, all of it shown on the public page: its title; its
    account, the group, the kinds of help (in Japanese, as residents search) and the departments
    that helped."""
    with translation.override("ja"):
        kinds = request.kind_labels
    departments = [task.department.name for task in request.tasks.all()]
    body = [request.case_summary, request.group_name, *kinds, *departments]
    return SearchDocument(object_id=request.pk, title=request.case_title, body=" ".join(filter(None, body)))


def case_search_documents() -> Iterator[SearchDocument]:
    for request in _published_cases().order_by("pk"):
        yield case_search_document(request)


_EXPORTED_REQUEST_FIELDS = (
    "reference",
    ("group", "group_name"),
    ("activity", "title"),
    ("help_needed_with", "kinds"),
    "description",
    "starts_on",
    "ends_on",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
    "status",
    "created_at",
    "closed_at",
)
_MESSAGE_REQUEST_FIELDS = (("request", "request__reference"), ("activity", "request__title"))


def support_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's support requests, group messages, case-study consents and staff entries, for their download."""
    made = SupportRequest.objects.filter(requested_by=user).order_by("created_at", "id")
    consented = SupportRequest.objects.filter(case_consent_by=user).order_by("case_consent_at", "id")
    messages = list(SupportMessage.objects.filter(author=user).select_related("request").order_by("created_at", "id"))
    for_group = [m for m in messages if m.kind == SupportMessage.Kind.GROUP]
    # What staff write is the city's record (notes may be about others): the person gets that it
    # names them, not the text.
    as_staff = [m for m in messages if m.kind != SupportMessage.Kind.GROUP]
    return {
        "requests": personal_rows(made, _EXPORTED_REQUEST_FIELDS),
        "messages": personal_rows(for_group, (*_MESSAGE_REQUEST_FIELDS, "via", "created_at", "body")),
        "case_study_consents": personal_rows(
            consented, ("reference", ("group", "group_name"), ("activity", "title"), "case_consent_at")
        ),
        "written_as_staff": personal_rows(as_staff, (*_MESSAGE_REQUEST_FIELDS, "kind", "created_at")),
    }
