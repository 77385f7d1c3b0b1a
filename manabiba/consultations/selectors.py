"""Reads for learning consultations: the staff queue, threads, and the coordinator's figures."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.accounts.permissions import PERMISSIONS
from manabiba.accounts.selectors import personal_rows
from manabiba.consultations.models import (
    OPEN_STATUSES,
    CannedReply,
    Channel,
    Consultation,
    Message,
    Topic,
)
from manabiba.consultations.permissions import routed_by_filter, visible_filter
from manabiba.core.workspace import counts_where_any
from manabiba.programs.models import Program
from manabiba.programs.selectors import ProgramFilters, program_search

QUEUE_VIEWS = ("all", "new", "unassigned", "mine", "department", "routed", "waiting", "due_today", "overdue", "closed")


def _end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def queue_view_filter(view: str, *, user: User, now: datetime) -> Q:
    """What one of the queue's views shows, as a filter: the queue and the workspace's cards share it."""
    open_ = Q(status__in=OPEN_STATUSES)
    if view == "new":
        return Q(status=Consultation.Status.NEW)
    if view == "unassigned":
        return open_ & Q(assignee__isnull=True)
    if view == "mine":
        return ~Q(status=Consultation.Status.CLOSED) & Q(assignee=user)
    if view == "department":
        if not user.department_id:
            return Q(pk__in=[])
        return ~Q(status=Consultation.Status.CLOSED) & Q(department_id=user.department_id)
    if view == "routed":
        # What the desk handed to a department: still followed, so a resident who calls can be told.
        return ~Q(status=Consultation.Status.CLOSED) & routed_by_filter(user) & Q(department__isnull=False)
    if view == "waiting":
        return Q(status=Consultation.Status.WAITING)
    if view == "due_today":
        # Still in time, but the answer is due before midnight.
        return open_ & Q(due_at__gte=now, due_at__lt=_end_of_today(now))
    if view == "overdue":
        return open_ & Q(due_at__lt=now)
    if view == "closed":
        return Q(status=Consultation.Status.CLOSED)
    return ~Q(status=Consultation.Status.CLOSED)


def consultations_visible(user: User) -> QuerySet[Consultation]:
    """Every consultation ``user`` may open (none when they may open none)."""
    condition = visible_filter(user)
    if condition is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(condition, anonymised_at__isnull=True)


def consultation_queue(
    *, user: User, view: str = "all", topic: str = "", now: datetime | None = None
) -> QuerySet[Consultation]:
    """The consultations ``user`` may see, narrowed to one of the queue's views."""
    now = now or timezone.now()
    consultations = consultations_visible(user).filter(queue_view_filter(view, user=user, now=now))
    if topic:
        consultations = consultations.filter(topic=topic)
    return consultations.select_related("department", "assignee").order_by("due_at", "created_at", "pk")


def queue_counts(*, user: User, views: tuple[str, ...], now: datetime) -> dict[str, int]:
    """How many consultations each view shows, in one aggregate query."""
    if visible_filter(user) is None:
        return dict.fromkeys(views, 0)
    return counts_where_any(
        consultations_visible(user), {view: queue_view_filter(view, user=user, now=now) for view in views}
    )


def consultation_for_staff(consultation_id: int) -> Consultation | None:
    return (
        Consultation.objects.filter(pk=consultation_id, anonymised_at__isnull=True)
        .select_related("department", "assignee", "resident", "logged_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author")
                .prefetch_related("programs")
                .order_by("created_at", "pk"),
            )
        )
        .first()
    )


def public_messages(consultation: Consultation) -> QuerySet[Message]:
    """What the resident sees: their messages and the replies; never internal notes or routing."""
    return (
        consultation.messages.filter(kind__in=[Message.Kind.RESIDENT, Message.Kind.REPLY])
        .prefetch_related("programs")
        .order_by("created_at", "pk")
    )


def consultation_by_token(token: str) -> Consultation | None:
    if not token or len(token) < 20:
        return None
    return Consultation.objects.filter(access_token=token, anonymised_at__isnull=True).first()


def consultations_of(user: User) -> QuerySet[Consultation]:
    return Consultation.objects.filter(resident=user, anonymised_at__isnull=True).order_by("-created_at")


_EXPORTED_CONSULTATION_FIELDS = (
    "reference",
    "topic",
    ("question", "body"),
    "reply_channel",
    "preferred_times",
    "channel",
    "name",
    "email",
    "phone",
    "language",
    "status",
    "created_at",
    "answered_at",
    "closed_at",
)


def _thread_export(consultation: Consultation) -> list[dict[str, Any]]:
    # The thread as the resident's page shows it: internal notes and routing stay the city's.
    messages = consultation.messages.all()
    rows = personal_rows(messages, ("kind", "via", "created_at", "body"))
    for message, row in zip(messages, rows, strict=True):
        row["recommended_programmes"] = [program.title for program in message.programs.all()]
    return rows


def consultations_export(user: User) -> list[dict[str, Any]]:
    """The person's consultations with their thread (what they asked and were answered), for their download."""
    public = Message.objects.filter(kind__in=[Message.Kind.RESIDENT, Message.Kind.REPLY]).order_by("created_at", "pk")
    consultations = list(
        Consultation.objects.filter(resident=user, anonymised_at__isnull=True)
        .prefetch_related(Prefetch("messages", queryset=public.prefetch_related("programs")))
        .order_by("created_at", "pk")
    )
    rows = personal_rows(consultations, _EXPORTED_CONSULTATION_FIELDS)
    for consultation, row in zip(consultations, rows, strict=True):
        row["messages"] = _thread_export(consultation)
    return rows


def assignable_staff() -> QuerySet[User]:
    """People who answer consultations, for the routing form."""
    roles = [str(role) for role in PERMISSIONS["consultations.answer"]]
    return (
        User.objects.filter(is_active=True, anonymised_at__isnull=True, role_grants__role__in=roles)
        .select_related("department")
        .distinct()
        .order_by("department__name", "full_name_kana", "email")
    )


def departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("division", "name")


def canned_replies(*, active_only: bool = True) -> QuerySet[CannedReply]:
    replies = CannedReply.objects.all()
    return replies.filter(is_active=True) if active_only else replies


def published_programs(ids: list[int]) -> list[Program]:
    """The published programmes among ``ids``, in that order (the ones a reply being written has ticked)."""
    found = {p.pk: p for p in Program.objects.filter(pk__in=ids, status=Program.Status.PUBLISHED)}
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def program_candidates(query: str, *, limit: int = 15) -> list[Program]:
    """Published programmes to recommend in a reply, found like the catalogue finds them."""
    return program_search(ProgramFilters(q=query.strip()), limit=limit).programs


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int  # of the largest bar, for drawing


@dataclass(frozen=True)
class Figures:
    total: int
    by_topic: list[Bar]
    by_channel: list[Bar]
    by_month: list[Bar]
    median_first_answer_hours: float | None
    answered: int
    answered_on_time: int
    on_time_percent: int | None


def _bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((count for _label, count in rows), default=0)
    return [Bar(label, count, round(count * 100 / top) if top else 0) for label, count in rows]


def consultation_figures(*, since: date, until: date) -> Figures:
    """Consultations received from ``since`` to ``until`` (inclusive, Tokyo days): for the coordinator."""
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    received = Consultation.objects.filter(Q(confirmed_at__isnull=False) | Q(logged_by__isnull=False)).filter(
        created_at__gte=start, created_at__lt=end
    )
    by_topic = dict(received.values_list("topic").annotate(n=Count("pk")).values_list("topic", "n"))
    by_channel = dict(received.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    months: dict[str, int] = {}
    for row in received.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")):
        month = row["month"]
        key = (timezone.localtime(month) if timezone.is_aware(month) else month).strftime("%Y-%m")
        months[key] = months.get(key, 0) + row["n"]
    month_rows: list[tuple[str, int]] = []
    cursor = date(since.year, since.month, 1)
    while cursor <= until:
        key = cursor.strftime("%Y-%m")
        month_rows.append((key, months.get(key, 0)))
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    answered = list(
        received.filter(first_response_at__isnull=False).values_list(
            "confirmed_at", "created_at", "first_response_at", "first_response_on_time"
        )
    )
    hours = [
        (first - (confirmed or created)).total_seconds() / 3600
        for confirmed, created, first, _on_time in answered
        if first is not None
    ]
    on_time = sum(1 for *_rest, ok in answered if ok)
    return Figures(
        total=received.count(),
        by_topic=_bars([(str(label), by_topic.get(value, 0)) for value, label in Topic.choices]),
        by_channel=_bars([(str(label), by_channel.get(value, 0)) for value, label in Channel.choices]),
        by_month=_bars(month_rows),
        median_first_answer_hours=round(median(hours), 1) if hours else None,
        answered=len(answered),
        answered_on_time=on_time,
        on_time_percent=round(on_time * 100 / len(answered)) if answered else None,
    )
