"""Reads of facilities and their rooms."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext

from manabiba.core.holidays import holiday_name, is_year_end_closure
from manabiba.core.models import Area
from manabiba.facilities.models import Closure, Facility, Room, TimeFrame

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


def facilities_managed_by(user: Any) -> list[Facility]:
    """The facilities a person is staff of, by name (none for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Facility.objects.filter(staff=user).order_by("name"))


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


def facility_closed_days(facility: Facility, first: date, last: date) -> dict[date, str]:
    """Each day from ``first`` to ``last`` on which the facility's rooms cannot be used, with the reason
    in the reader's language: a closure staff set (maintenance, events) wins, then the year-end
    closure, a national holiday where the facility closes, and its regular closed weekdays."""
    closures = {row.day: row.note for row in Closure.objects.filter(facility=facility, day__gte=first, day__lte=last)}
    closed: dict[date, str] = {}
    day = first
    while day <= last:
        holiday = holiday_name(day)
        if day in closures:
            closed[day] = closures[day] or gettext("Closed for maintenance")
        elif facility.closed_at_year_end and is_year_end_closure(day):
            closed[day] = gettext("Year-end and New Year closure")
        elif facility.closed_on_holidays and holiday:
            closed[day] = holiday
        elif str(day.weekday()) in facility.closed_weekdays:
            closed[day] = gettext("Regular closing day")
        day += timedelta(days=1)
    return closed


def facility_frames(facility: Facility) -> list[TimeFrame]:
    return list(TimeFrame.objects.filter(facility=facility).order_by("starts_at"))


def bookable_rooms(*, facility: Facility | None = None) -> QuerySet[Room]:
    queryset = Room.objects.filter(bookable=True).select_related("facility")
    if facility is not None:
        queryset = queryset.filter(facility=facility)
    return queryset.order_by("facility__kind", "facility__kana", "facility__name", "name")


def facilities_with_bookable_rooms() -> list[Facility]:
    facilities = Facility.objects.filter(rooms__bookable=True).distinct()
    return list(_with_rooms(facilities))
