"""Reads of the talent bank: the directory with its facets, a talent's page and history, the queues."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.core.listing import page_ids
from manabiba.core.models import Area
from manabiba.core.search import search_ids
from manabiba.programs.models import Audience, Category, Program
from manabiba.talents.models import WEEKDAY_CHOICES, IntroductionRequest, TalentProfile, TimeSlot
from manabiba.talents.services import SEARCH_KIND

SEARCH_LIMIT = 2000


@dataclass(frozen=True)
class TalentFilters:
    q: str = ""
    categories: tuple[int, ...] = ()
    areas: tuple[int, ...] = ()
    audiences: tuple[int, ...] = ()
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    free: bool | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class TalentPage:
    count: int
    talents: list[TalentProfile] = field(default_factory=list)


@dataclass(frozen=True)
class TalentHistory:
    held: int
    participants: int
    satisfaction: float | None
    lectures: list[IntroductionRequest]
    comments: list[str]


def listed_talents() -> QuerySet[TalentProfile]:
    """Registered and valid: a lapsed card is hidden until renewed."""
    return TalentProfile.objects.filter(status=TalentProfile.Status.APPROVED, valid_until__gte=timezone.localdate())


def _apply(talents: QuerySet[TalentProfile], filters: TalentFilters, skip: str = "") -> QuerySet[TalentProfile]:
    if filters.categories and skip != "categories":
        # A major field stands for its sub-fields too.
        majors = [c.major for c in Category.objects.filter(pk__in=filters.categories) if not c.minor]
        talents = talents.filter(Q(categories__pk__in=filters.categories) | Q(categories__major__in=majors))
    # Where and when a talent can come is filterable only if they show it.
    if filters.areas and skip != "areas":
        talents = talents.filter(areas__pk__in=filters.areas, availability_public=True)
    if filters.audiences and skip != "audiences":
        talents = talents.filter(audiences__pk__in=filters.audiences)
    if filters.days and skip != "days":
        condition = Q()
        for day in filters.days:
            condition |= Q(days__contains=day)
        talents = talents.filter(condition, availability_public=True)
    if filters.times and skip != "times":
        condition = Q()
        for slot in filters.times:
            condition |= Q(times__contains=slot)
        talents = talents.filter(condition, availability_public=True)
    if filters.free is not None and skip != "free":
        talents = talents.filter(free_of_charge=filters.free)
    return talents.distinct()


def talent_ranked_ids(filters: TalentFilters) -> list[int] | None:
    """The search's ids, best first, for a query (None without one). Ask once per request."""
    if not filters.q:
        return None
    # Talents have no dates, so "upcoming" does not order them: any moment gives the same ranking.
    return search_ids(kind=SEARCH_KIND, query=filters.q, now=timezone.now(), limit=SEARCH_LIMIT)


def _matching(filters: TalentFilters, ranked: list[int] | None, skip: str = "") -> QuerySet[TalentProfile]:
    talents = listed_talents()
    if ranked is not None:
        talents = talents.filter(pk__in=ranked)
    return _apply(talents, filters, skip)


_UNSET: list[int] = []


def talent_search(
    filters: TalentFilters, *, offset: int = 0, limit: int | None = 30, ranked: list[int] | None = _UNSET
) -> TalentPage:
    """Listed talents that match, best match first with a query, else in kana order."""
    if ranked is _UNSET:
        ranked = talent_ranked_ids(filters)
    ids = list(_matching(filters, ranked).order_by("name_kana", "pk").values_list("pk", flat=True))
    page = page_ids(ids, ranked, offset=offset, limit=limit)
    rows = {
        talent.pk: talent
        for talent in TalentProfile.objects.filter(pk__in=page).prefetch_related("categories", "areas", "audiences")
    }
    return TalentPage(count=len(ids), talents=[rows[pk] for pk in page])


def _counts(talents: QuerySet[TalentProfile], relation: str) -> dict[int, int]:
    rows = talents.order_by().values_list(relation).annotate(n=Count("pk", distinct=True))
    return {key: n for key, n in rows.values_list(relation, "n") if key is not None}


def talent_facets(filters: TalentFilters, *, ranked: list[int] | None = _UNSET) -> dict[str, list[FacetValue]]:
    """For each facet, how many talents each value would give with the other filters as they are."""
    if ranked is _UNSET:
        ranked = talent_ranked_ids(filters)
    facets: dict[str, list[FacetValue]] = {}
    counts = _counts(_matching(filters, ranked, skip="categories"), "categories")
    facets["categories"] = [
        FacetValue(str(c.pk), c.label, counts.get(c.pk, 0), c.pk in filters.categories)
        for c in Category.objects.all()
        if counts.get(c.pk) or c.pk in filters.categories
    ]
    counts = _counts(_matching(filters, ranked, skip="areas").filter(availability_public=True), "areas")
    facets["areas"] = [
        FacetValue(str(a.pk), a.label, counts.get(a.pk, 0), a.pk in filters.areas)
        for a in Area.objects.all()
        if counts.get(a.pk) or a.pk in filters.areas
    ]
    counts = _counts(_matching(filters, ranked, skip="audiences"), "audiences")
    facets["audiences"] = [
        FacetValue(str(a.pk), a.label, counts.get(a.pk, 0), a.pk in filters.audiences)
        for a in Audience.objects.all()
        if counts.get(a.pk) or a.pk in filters.audiences
    ]
    days = list(_matching(filters, ranked, skip="days").filter(availability_public=True).values_list("days", flat=True))
    facets["days"] = [
        FacetValue(value, str(label), sum(value in d for d in days), value in filters.days)
        for value, label in WEEKDAY_CHOICES
        if any(value in d for d in days) or value in filters.days
    ]
    times = list(
        _matching(filters, ranked, skip="times").filter(availability_public=True).values_list("times", flat=True)
    )
    facets["times"] = [
        FacetValue(value, str(label), sum(value in t for t in times), value in filters.times)
        for value, label in TimeSlot.choices
        if any(value in t for t in times) or value in filters.times
    ]
    fees = _matching(filters, ranked, skip="free")
    free = fees.filter(free_of_charge=True).count()
    paid = fees.filter(free_of_charge=False).count()
    facets["fees"] = [
        FacetValue(value, label, n, filters.free is not None and filters.free == (value == "yes"))
        for value, label, n in (("yes", _("free of charge"), free), ("no", _("with an honorarium"), paid))
        if n or (filters.free is not None and filters.free == (value == "yes"))
    ]
    return facets


def talent_detail(talent_id: int) -> TalentProfile | None:
    return (
        TalentProfile.objects.select_related("honorarium_rate", "user")
        .prefetch_related("categories", "areas", "audiences")
        .filter(pk=talent_id)
        .first()
    )


def talent_history(talent: TalentProfile) -> TalentHistory:
    """What the talent's introductions came to: held activities, participants, satisfaction,
    and the comments requesters let the page show."""
    held = IntroductionRequest.objects.filter(talent=talent, held=True)
    figures = held.aggregate(n=Count("pk"), people=Sum("participants"), score=Avg("satisfaction"))
    return TalentHistory(
        held=figures["n"] or 0,
        participants=figures["people"] or 0,
        satisfaction=round(figures["score"], 1) if figures["score"] is not None else None,
        lectures=list(held.order_by("-outcome_recorded_at")[:10]),
        comments=list(
            held.filter(comment_public=True)
            .exclude(comment="")
            .order_by("-outcome_recorded_at")
            .values_list("comment", flat=True)[:10]
        ),
    )


def talents_of(user_id: int) -> list[TalentProfile]:
    return list(TalentProfile.objects.filter(user_id=user_id).prefetch_related("categories").order_by("-created_at"))


def talents_registered_by(user_id: int) -> list[TalentProfile]:
    """Cards this person filled in for their group's instructors, while they wait for consent."""
    return list(
        TalentProfile.objects.filter(registered_by_id=user_id, status=TalentProfile.Status.AWAITING_CONSENT).order_by(
            "-created_at"
        )
    )


def introductions_for_talents_of(user_id: int) -> list[IntroductionRequest]:
    """Requests the office has forwarded to this person's cards (never those still with the office)."""
    return list(
        IntroductionRequest.objects.filter(talent__user_id=user_id)
        .exclude(status=IntroductionRequest.Status.SUBMITTED)
        .select_related("talent")
        .order_by("-created_at")
    )


def introductions_by(user_id: int) -> list[IntroductionRequest]:
    return list(
        IntroductionRequest.objects.filter(requester_id=user_id).select_related("talent").order_by("-created_at")
    )


# Cards the coordinator still has to decide on (a card sent back for changes waits in the queue too).
SCREENING_STATUSES = (TalentProfile.Status.PENDING, TalentProfile.Status.CHANGES_REQUESTED)


def talents_for_screening() -> QuerySet[TalentProfile]:
    return TalentProfile.objects.filter(status__in=SCREENING_STATUSES).order_by("submitted_at", "pk")


def introductions_for_office() -> QuerySet[IntroductionRequest]:
    return IntroductionRequest.objects.filter(status=IntroductionRequest.Status.SUBMITTED).select_related("talent")


def introductions_open() -> QuerySet[IntroductionRequest]:
    """Forwarded and waiting for the talent, or accepted and waiting for the outcome."""
    return IntroductionRequest.objects.filter(
        Q(status=IntroductionRequest.Status.FORWARDED)
        | Q(status=IntroductionRequest.Status.ACCEPTED, outcome_recorded_at__isnull=True)
    ).select_related("talent")


def held_counts(talent_ids: list[int]) -> dict[int, int]:
    """How many activities each talent has held through the bank, for a page of the directory."""
    rows = (
        IntroductionRequest.objects.filter(talent_id__in=talent_ids, held=True)
        .values_list("talent_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


# A lecture counts as given once its programme was published (or finished) and its last session is over.
LECTURE_HELD_STATUSES = (Program.Status.PUBLISHED, Program.Status.FINISHED)


def lectures_given(talent: TalentProfile | None = None, *, user_id: int | None = None) -> list[Program]:
    """Programmes of the catalogue the talent taught (or any card of ``user_id``), held and over, the
    latest first: their history of lectures given."""
    who = Q(talent_lectures__talent=talent) if talent is not None else Q(talent_lectures__talent__user_id=user_id)
    return list(
        Program.objects.filter(
            who,
            status__in=LECTURE_HELD_STATUSES,
            last_ends_at__lt=timezone.now(),
        )
        .select_related("organizer")
        .distinct()
        .order_by("-last_ends_at", "-pk")[:20]
    )


_EXPORTED_CARD_FIELDS: tuple[str | tuple[str, str], ...] = (
    "name",
    "name_kana",
    "name_public",
    ("registered_by_group", "group_name"),
    "consented_at",
    "teaches",
    "qualifications",
    "qualifications_public",
    "experience",
    "experience_public",
    ("days", "day_labels"),
    ("times", "time_labels"),
    "availability_note",
    "availability_public",
    "languages",
    "free_of_charge",
    ("honorarium_scale", "honorarium_rate__name"),
    "honorarium_per_hour",
    "honorarium_public",
    ("photo", "photo__name"),
    "photo_alt",
    "photo_public",
    "contact_email",
    "contact_phone",
    "declared_at",
    "status",
    "status_reason",
    "submitted_at",
    "approved_at",
    "valid_until",
    "closed_at",
    "created_at",
)

# The requester sees the talent as the directory shows them: a private name stays private. The
# office's note when forwarding is addressed to the talent, so ``status_reason`` is left out.
_EXPORTED_REQUEST_FIELDS: tuple[str | tuple[str, str], ...] = (
    ("talent", "talent__public_name"),
    "requester_kind",
    "organisation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "purpose",
    "dates",
    "audience",
    "expected_participants",
    "budget",
    "status",
    "forwarded_at",
    "answered_at",
    "held",
    "participants",
    "satisfaction",
    "comment",
    "comment_public",
    "outcome_recorded_at",
    "created_at",
)


def _cards_export(user: User) -> list[dict[str, Any]]:
    # The cards the eraser deletes: the person's own, and those they filled in for an instructor
    # who has not consented yet.
    cards = list(
        TalentProfile.objects.filter(Q(user=user) | Q(registered_by=user, status=TalentProfile.Status.AWAITING_CONSENT))
        .select_related("honorarium_rate")
        .prefetch_related("categories", "areas", "audiences", "lectures__program")
        .order_by("created_at", "pk")
    )
    rows = personal_rows(cards, _EXPORTED_CARD_FIELDS)
    for card, row in zip(cards, rows, strict=True):
        row["for_someone_else"] = card.user_id != user.pk
        row["fields"] = [str(category) for category in card.categories.all()]
        row["areas"] = [area.name for area in card.areas.all()]
        row["audiences"] = [audience.name for audience in card.audiences.all()]
        row["lectures_given"] = [lecture.program.title for lecture in card.lectures.all()]
    return rows


def talents_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's talent-bank cards and the introductions they asked for, for their download."""
    requests = IntroductionRequest.objects.filter(requester=user).select_related("talent").order_by("created_at", "pk")
    return {"cards": _cards_export(user), "introduction_requests": personal_rows(requests, _EXPORTED_REQUEST_FIELDS)}
