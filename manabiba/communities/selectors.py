"""Reads of community groups: the directory with its facets, a group's page, the staff queues, the
groups' search documents and an invitation by its token."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.communities.models import (
    WEEKDAY_CHOICES,
    AbuseReport,
    ActivityPost,
    CommunityGroup,
    ContactMessage,
    Follow,
    Invitation,
    Membership,
    Photo,
)
from manabiba.core.listing import page_ids
from manabiba.core.models import Area
from manabiba.core.search import SearchDocument, search_ids
from manabiba.programs.models import Category, Program

SEARCH_KIND = "communities.group"
SEARCH_LIMIT = 2000


@dataclass(frozen=True)
class GroupFilters:
    q: str = ""
    kinds: tuple[str, ...] = ()
    categories: tuple[int, ...] = ()
    areas: tuple[int, ...] = ()
    days: tuple[str, ...] = ()
    recruiting: bool = False


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class GroupPage:
    count: int
    groups: list[CommunityGroup] = field(default_factory=list)


def listed_groups() -> QuerySet[CommunityGroup]:
    return CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED, hidden_at__isnull=True)


def _apply(groups: QuerySet[CommunityGroup], filters: GroupFilters, skip: str = "") -> QuerySet[CommunityGroup]:
    if filters.kinds and skip != "kinds":
        groups = groups.filter(kind__in=filters.kinds)
    if filters.categories and skip != "categories":
        # A major field stands for its sub-fields too.
        chosen = list(Category.objects.filter(pk__in=filters.categories))
        majors = [c.major for c in chosen if not c.minor]
        groups = groups.filter(Q(categories__pk__in=filters.categories) | Q(categories__major__in=majors)).distinct()
    if filters.areas and skip != "areas":
        groups = groups.filter(areas__pk__in=filters.areas).distinct()
    if filters.days and skip != "days":
        condition = Q()
        for day in filters.days:
            condition |= Q(activity_days__contains=day)
        groups = groups.filter(condition)
    if filters.recruiting and skip != "recruiting":
        groups = groups.filter(recruiting=True)
    return groups


def group_ranked_ids(filters: GroupFilters, *, now: datetime | None = None) -> list[int] | None:
    """The search's ids, best first, for a query (None without one). Ask once per request."""
    if not filters.q:
        return None
    return search_ids(kind=SEARCH_KIND, query=filters.q, now=now or timezone.now(), limit=SEARCH_LIMIT)


def _matching(filters: GroupFilters, ranked: list[int] | None, skip: str = "") -> QuerySet[CommunityGroup]:
    groups = listed_groups()
    if ranked is not None:
        groups = groups.filter(pk__in=ranked)
    return _apply(groups, filters, skip)


_UNSET: list[int] = []


def group_search(
    filters: GroupFilters, *, offset: int = 0, limit: int | None = 30, ranked: list[int] | None = _UNSET
) -> GroupPage:
    """Listed groups that match, best match first with a query, else in kana order."""
    if ranked is _UNSET:
        ranked = group_ranked_ids(filters)
    groups = _matching(filters, ranked)
    ids = list(groups.order_by("name_kana", "name").values_list("pk", flat=True))
    page = page_ids(ids, ranked, offset=offset, limit=limit)
    rows = {
        group.pk: group for group in CommunityGroup.objects.filter(pk__in=page).prefetch_related("categories", "areas")
    }
    return GroupPage(count=len(ids), groups=[rows[pk] for pk in page])


def group_facets(filters: GroupFilters, *, ranked: list[int] | None = _UNSET) -> dict[str, list[FacetValue]]:
    """For each facet, how many groups each value would give with the other filters as they are."""
    if ranked is _UNSET:
        ranked = group_ranked_ids(filters)
    facets: dict[str, list[FacetValue]] = {}
    groups = _matching(filters, ranked, skip="kinds")
    kind_counts = dict(groups.values_list("kind").annotate(n=Count("pk", distinct=True)).values_list("kind", "n"))
    facets["kinds"] = [
        FacetValue(value, str(label), kind_counts.get(value, 0), value in filters.kinds)
        for value, label in CommunityGroup.Kind.choices
        if kind_counts.get(value) or value in filters.kinds
    ]
    groups = _matching(filters, ranked, skip="categories")
    category_counts = dict(
        groups.values_list("categories").annotate(n=Count("pk", distinct=True)).values_list("categories", "n")
    )
    facets["categories"] = [
        FacetValue(str(c.pk), c.label, category_counts.get(c.pk, 0), c.pk in filters.categories)
        for c in Category.objects.all()
        if category_counts.get(c.pk) or c.pk in filters.categories
    ]
    groups = _matching(filters, ranked, skip="areas")
    area_counts = dict(groups.values_list("areas").annotate(n=Count("pk", distinct=True)).values_list("areas", "n"))
    facets["areas"] = [
        FacetValue(str(a.pk), a.label, area_counts.get(a.pk, 0), a.pk in filters.areas)
        for a in Area.objects.all()
        if area_counts.get(a.pk) or a.pk in filters.areas
    ]
    groups = _matching(filters, ranked, skip="days")
    day_strings = list(groups.values_list("activity_days", flat=True))
    facets["days"] = [
        FacetValue(value, str(label), sum(value in days for days in day_strings), value in filters.days)
        for value, label in WEEKDAY_CHOICES
    ]
    groups = _matching(filters, ranked, skip="recruiting")
    facets["recruiting"] = [
        FacetValue("on", "", groups.filter(recruiting=True).count(), filters.recruiting),
    ]
    return facets


def group_detail(group_id: int) -> CommunityGroup | None:
    return (
        CommunityGroup.objects.select_related("organizer")
        .prefetch_related("categories", "areas", Prefetch("photos", queryset=Photo.objects.filter(post=None)))
        .filter(pk=group_id)
        .first()
    )


def group_posts(group: CommunityGroup, *, kind: str | None = None) -> QuerySet[ActivityPost]:
    posts = group.posts.filter(status=ActivityPost.Status.PUBLISHED).prefetch_related("photos")
    if kind is not None:
        posts = posts.filter(kind=kind)
    return posts.order_by("-published_at")


def group_recruitments(group: CommunityGroup, *, today: datetime | None = None) -> QuerySet[ActivityPost]:
    """Recruitment posts still open (no end date, or one today or later)."""
    day = timezone.localdate(today) if today else timezone.localdate()
    return group_posts(group, kind=ActivityPost.Kind.RECRUITMENT).filter(Q(until__isnull=True) | Q(until__gte=day))


def group_upcoming_events(group: CommunityGroup, *, limit: int = 10) -> list[Program]:
    """The group's programmes in the catalogue that are still to come."""
    if group.organizer_id is None:
        return []
    return list(
        Program.objects.filter(
            organizer_id=group.organizer_id, status=Program.Status.PUBLISHED, last_ends_at__gte=timezone.now()
        )
        .order_by("first_starts_at")
        .prefetch_related("sessions")[:limit]
    )


def group_events_to_manage(group: CommunityGroup, *, limit: int = 50) -> list[Program]:
    """The group's events still to come as its editors see them: published ones and those waiting for the
    coordinator (a draft made from the event form), so that an event just announced is always listed."""
    if group.organizer_id is None:
        return []
    return list(
        Program.objects.filter(
            organizer_id=group.organizer_id,
            status__in=[Program.Status.PUBLISHED, Program.Status.DRAFT, Program.Status.SUBMITTED],
            last_ends_at__gte=timezone.now(),
        )
        .order_by("first_starts_at")
        .prefetch_related("sessions")[:limit]
    )


def groups_of(user: object) -> QuerySet[CommunityGroup]:
    pk = getattr(user, "pk", None)
    if pk is None:
        return CommunityGroup.objects.none()
    return CommunityGroup.objects.filter(memberships__user_id=int(pk)).order_by("name_kana")


def group_members(group: CommunityGroup) -> QuerySet[Membership]:
    return group.memberships.select_related("user").order_by("role", "created_at")


def group_inbox(group: CommunityGroup) -> QuerySet[ContactMessage]:
    return group.messages.order_by("-created_at")


REVIEW_STATUSES = (CommunityGroup.Status.PENDING, CommunityGroup.Status.CHANGES_REQUESTED)


def groups_for_review() -> QuerySet[CommunityGroup]:
    return CommunityGroup.objects.filter(status__in=REVIEW_STATUSES).order_by("status", "created_at")


def posts_for_moderation() -> QuerySet[ActivityPost]:
    return ActivityPost.objects.filter(status=ActivityPost.Status.PENDING).select_related("group")


def recent_posts() -> QuerySet[ActivityPost]:
    return ActivityPost.objects.filter(status=ActivityPost.Status.PUBLISHED).select_related("group")[:50]


def events_for_moderation() -> QuerySet[Program]:
    return Program.objects.filter(
        status=Program.Status.DRAFT, organizer__community_group__status=CommunityGroup.Status.APPROVED
    ).select_related("organizer")


def open_abuse_reports() -> QuerySet[AbuseReport]:
    return AbuseReport.objects.filter(status=AbuseReport.Status.OPEN).select_related("group", "post", "reporter")


def stale_groups() -> QuerySet[CommunityGroup]:
    """Groups asked to confirm that they are active: unanswered, marked unconfirmed, or hidden."""
    return CommunityGroup.objects.filter(
        status=CommunityGroup.Status.APPROVED, confirmation_requested_at__isnull=False
    ).order_by("confirmation_requested_at", "name_kana")


def group_search_document(group: CommunityGroup) -> SearchDocument:
    return SearchDocument(
        object_id=group.pk,
        title=" ".join(filter(None, [group.name, group.name_kana])),
        body=" ".join(
            filter(
                None,
                [
                    group.purpose,
                    group.activities,
                    str(group.get_kind_display()),
                    " ".join(c.minor or c.major for c in group.categories.all()),
                ],
            )
        ),
        venue=" ".join(filter(None, [group.activity_place, " ".join(a.name for a in group.areas.all())])),
    )


def group_search_documents() -> Iterable[SearchDocument]:
    groups = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED, hidden_at__isnull=True)
    for group in groups.prefetch_related("categories", "areas").order_by("pk").iterator(chunk_size=500):
        yield group_search_document(group)


def invitation_token_digest(raw: str) -> str:
    """What is stored of an invitation's token: only its digest."""
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_for(raw: str) -> Invitation | None:
    return Invitation.objects.select_related("group").filter(token=invitation_token_digest(raw)).first()


def communities_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The groups the person runs and follows, and the messages they sent to groups, for their download."""
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("created_at", "pk")
    follows = Follow.objects.filter(user=user).select_related("group").order_by("created_at", "pk")
    messages = ContactMessage.objects.filter(sender=user).select_related("group").order_by("created_at", "pk")
    return {
        "memberships": personal_rows(memberships, (("group", "group__name"), "role", ("since", "created_at"))),
        "follows": personal_rows(follows, (("group", "group__name"), "digest", ("since", "created_at"))),
        "messages": personal_rows(
            messages,
            (("group", "group__name"), "sender_name", "sender_email", "subject", "body", ("sent_at", "created_at")),
        ),
    }
