"""Reads of facilities and their rooms."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from manabiba.core.models import Area
from manabiba.facilities.models import Facility, Room

# The order residents look for places in: community centres first, schools last.
KIND_ORDER: list[str] = [
    Facility.Kind.KOMINKAN,
    Facility.Kind.LIBRARY,
    Facility.Kind.HALL,
    Facility.Kind.CENTER,
    Facility.Kind.COMMUNITY_CENTER,
    Facility.Kind.SCHOOL_ELEMENTARY,
    Facility.Kind.SCHOOL_JUNIOR_HIGH,
    Facility.Kind.OTHER,
]


@dataclass(frozen=True)
class FacilityGroup:
    kind: str
    label: str
    facilities: list[Facility]


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


def _with_rooms(queryset: QuerySet[Facility]) -> QuerySet[Facility]:
    return queryset.select_related("area").prefetch_related(Prefetch("rooms", queryset=Room.objects.order_by("name")))


def facility_list(*, kind: str | None = None, area: Area | int | None = None) -> QuerySet[Facility]:
    """Facilities with their area and rooms loaded, optionally of one kind and in one area."""
    queryset = Facility.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    if area is not None:
        queryset = queryset.filter(area=area)
    return _with_rooms(queryset)


def facility_get(*, facility_id: int) -> Facility | None:
    return _with_rooms(Facility.objects.filter(pk=facility_id)).first()


def facilities_grouped_by_kind(facilities: QuerySet[Facility] | list[Facility]) -> list[FacilityGroup]:
    """Split facilities into groups of one kind each, in ``KIND_ORDER``; empty kinds are left out."""
    by_kind: dict[str, list[Facility]] = {}
    for facility in facilities:
        by_kind.setdefault(facility.kind, []).append(facility)
    labels = dict(Facility.Kind.choices)
    ordered = [kind for kind in KIND_ORDER if kind in by_kind]
    ordered += sorted(kind for kind in by_kind if kind not in KIND_ORDER)
    return [FacilityGroup(kind=kind, label=str(labels.get(kind, kind)), facilities=by_kind[kind]) for kind in ordered]


def facility_kind_counts() -> list[KindCount]:
    """How many facilities of each kind there are, for summaries such as the home page."""
    rows = Facility.objects.order_by().values("kind").annotate(count=Count("id"))
    counts = {row["kind"]: row["count"] for row in rows}
    labels = dict(Facility.Kind.choices)
    return [KindCount(kind=kind, label=str(labels[kind]), count=counts[kind]) for kind in KIND_ORDER if kind in counts]
