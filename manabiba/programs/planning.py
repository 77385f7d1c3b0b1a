"""Reads for planning across departments: clashes between programmes, and the month they fall in.

Two programmes *clash* when they share an area and at least one audience and meet in the same time
band (morning, afternoon, evening) on the same day or on days next to each other: two departments
holding a 子育て event in the same area on the same Saturday, or on the Saturday and the Sunday,
compete for the same families. A programme without an area or without an audience clashes with
nothing (there is nothing to compare). Cancelled programmes are left out; drafts count, since the
point is to warn while plans can still move.

The staff programme editor calls ``program_clashes`` before saving; the liaison app's planning
calendar calls ``planning_month``. Both cost a fixed number of queries whatever the data.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from manabiba.accounts.models import DepartmentContact
from manabiba.accounts.selectors import department_contacts_by_department
from manabiba.programs.models import Audience, ClashAcknowledgement, Program, ProgramSession
from manabiba.programs.services import SessionTimes, time_band_of

# The next day counts too: a weekend's Saturday and Sunday draw on the same families.
CLASH_DAYS = 1


@dataclass
class Clash:
    """Another programme that clashes, the sessions of it that do, and whom to call in its department."""

    program: Program
    sessions: list[ProgramSession] = field(default_factory=list)
    contacts: list[DepartmentContact] = field(default_factory=list)


def _slots(sessions: Iterable[SessionTimes]) -> set[tuple[date, str]]:
    return {(timezone.localtime(s.starts_at).date(), time_band_of(s.starts_at)) for s in sessions}


def _near(day: date, other: date) -> bool:
    return abs((other - day).days) <= CLASH_DAYS


def _planned_sessions() -> QuerySet[ProgramSession]:
    return ProgramSession.objects.exclude(program__status=Program.Status.CANCELLED).select_related(
        "program__organizer__department", "program__area"
    )


def program_clashes(
    *,
    area_id: int | None,
    audience_ids: Iterable[int],
    sessions: Sequence[SessionTimes],
    exclude_program_id: int | None = None,
) -> list[Clash]:
    """The programmes a programme with these area, audiences and dates would clash with (two queries)."""
    audiences = set(audience_ids)
    slots = _slots(sessions)
    if area_id is None or not audiences or not slots:
        return []
    days = {day + timedelta(days=delta) for day, _band in slots for delta in range(-CLASH_DAYS, CLASH_DAYS + 1)}
    candidates = (
        _planned_sessions()
        .filter(
            local_date__in=days,
            time_band__in={band for _day, band in slots},
            program__area_id=area_id,
            program__in=Program.objects.filter(audiences__in=audiences).values("pk"),
        )
        .order_by("starts_at", "pk")
    )
    if exclude_program_id is not None:
        candidates = candidates.exclude(program_id=exclude_program_id)
    found: dict[int, Clash] = {}
    for session in candidates:
        if any(band == session.time_band and _near(day, session.local_date) for day, band in slots):
            found.setdefault(session.program_id, Clash(program=session.program)).sessions.append(session)
    clashes = list(found.values())
    contacts = department_contacts_by_department(c.program.organizer.department_id for c in clashes)
    for clash in clashes:
        clash.contacts = contacts.get(clash.program.organizer.department_id or 0, [])
    return clashes


def acknowledged_clash_ids(program: Program) -> set[int]:
    """The programmes an editor has already said this one may clash with (not warned of again)."""
    return set(
        ClashAcknowledgement.others.through.objects.filter(clashacknowledgement__program=program).values_list(
            "program_id", flat=True
        )
    )


@dataclass
class PlannedSession:
    session: ProgramSession
    clashes_with: list[Program] = field(default_factory=list)

    @property
    def program(self) -> Program:
        return self.session.program


@dataclass
class PlanningDay:
    day: date
    in_month: bool
    sessions: list[PlannedSession] = field(default_factory=list)


@dataclass
class ClashPair:
    first: ProgramSession
    second: ProgramSession
    notes: list[str]
    first_contacts: list[DepartmentContact] = field(default_factory=list)
    second_contacts: list[DepartmentContact] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return bool(self.notes)


@dataclass
class PlanningMonth:
    month: date
    weeks: list[list[PlanningDay]]
    clashes: list[ClashPair]
    count: int


def _matches(program: Program, *, department_id: int | None, area_id: int | None, audience_id: int | None) -> bool:
    if department_id is not None and program.organizer.department_id != department_id:
        return False
    if area_id is not None and program.area_id != area_id:
        return False
    return audience_id is None or any(a.pk == audience_id for a in program.audiences.all())


def planning_month(
    *,
    month: date,
    weeks: Sequence[Sequence[date]],
    department_id: int | None = None,
    area_id: int | None = None,
    audience_id: int | None = None,
) -> PlanningMonth:
    """Every department's sessions in the calendar's weeks (drafts too), with the clashes among them.

    A clash is listed when either side matches the filters, so a department filtering on itself
    still sees the other department's programme it clashes with. Five queries, whatever the data:
    the sessions (with programme, organiser, department, area), their audiences, the acknowledgements
    and the programmes they cover, and the departments' contacts.
    """
    first, last = weeks[0][0], weeks[-1][-1]
    sessions = list(
        _planned_sessions()
        .filter(local_date__gte=first - timedelta(days=CLASH_DAYS), local_date__lte=last + timedelta(days=CLASH_DAYS))
        .prefetch_related(
            Prefetch("program__audiences", queryset=Audience.objects.order_by("sort_order")),
            Prefetch(
                "program__clash_acknowledgements",
                queryset=ClashAcknowledgement.objects.prefetch_related(
                    Prefetch("others", queryset=Program.objects.only("pk"))
                ),
            ),
        )
        .order_by("starts_at", "pk")
    )
    planned = {s.pk: PlannedSession(s) for s in sessions}
    pairs: list[ClashPair] = []
    by_place: dict[tuple[int, str], list[ProgramSession]] = defaultdict(list)
    for session in sessions:
        if session.program.area_id is not None:
            by_place[(session.program.area_id, session.time_band)].append(session)
    filters: dict[str, Any] = {"department_id": department_id, "area_id": area_id, "audience_id": audience_id}
    for group in by_place.values():
        for index, one in enumerate(group):
            for other in group[index + 1 :]:
                if other.program_id == one.program_id or not _near(one.local_date, other.local_date):
                    continue
                shared = {a.pk for a in one.program.audiences.all()} & {a.pk for a in other.program.audiences.all()}
                if not shared:
                    continue
                planned[one.pk].clashes_with.append(other.program)
                planned[other.pk].clashes_with.append(one.program)
                in_view = first <= one.local_date <= last or first <= other.local_date <= last
                if in_view and (_matches(one.program, **filters) or _matches(other.program, **filters)):
                    pairs.append(ClashPair(one, other, _acknowledged(one.program, other.program)))
    by_day: dict[date, list[PlannedSession]] = defaultdict(list)
    shown = 0
    for session in sessions:
        if _matches(session.program, **filters) and first <= session.local_date <= last:
            by_day[session.local_date].append(planned[session.pk])
            shown += session.local_date.month == month.month
    contacts = department_contacts_by_department(
        {p.first.program.organizer.department_id for p in pairs}
        | {p.second.program.organizer.department_id for p in pairs}
    )
    for pair in pairs:
        pair.first_contacts = contacts.get(pair.first.program.organizer.department_id or 0, [])
        pair.second_contacts = contacts.get(pair.second.program.organizer.department_id or 0, [])
    return PlanningMonth(
        month=month,
        weeks=[[PlanningDay(day, day.month == month.month, by_day.get(day, [])) for day in week] for week in weeks],
        clashes=pairs,
        count=shown,
    )


def _acknowledged(one: Program, other: Program) -> list[str]:
    """The notes in which either editor said the two may run as planned (none: not acknowledged)."""

    def notes(program: Program, target: Program) -> list[str]:
        return [
            ack.note for ack in program.clash_acknowledgements.all() if any(o.pk == target.pk for o in ack.others.all())
        ]

    return notes(one, other) + notes(other, one)
