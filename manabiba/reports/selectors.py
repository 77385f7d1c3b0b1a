"""Who sees which slice of the report, and the report itself: the registry's sections for a fiscal
year, with the department filter fixed to a department's own for staff who are not the coordinator."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied

from manabiba.accounts.models import Department, User
from manabiba.accounts.permissions import has_permission
from manabiba.core.figures import (
    Figure,
    FigureFilter,
    FiscalYear,
    Row,
    Section,
    figures_provider,
    fiscal_year_of,
    report,
    section_report,
)
from manabiba.core.models import Area
from manabiba.programs.models import Organizer

YEARS_SHOWN = 5  # the switcher offers the current fiscal year and the four before it


@dataclass(frozen=True)
class Report:
    year: FiscalYear
    filters: FigureFilter
    sections: list[Section]
    department_fixed: bool  # a department's staff see their own department only


def report_years(today: date) -> list[FiscalYear]:
    current = fiscal_year_of(today)
    return [FiscalYear(current.year - back) for back in range(YEARS_SHOWN)]


def report_filters(user: User, query: Mapping[str, str]) -> tuple[FigureFilter, bool]:
    """The filter asked for in ``query``, with the department fixed for a department's staff.

    A value that names nothing is ignored (the whole city), as a filter form left at "all" is.
    """
    area = query.get("area", "")
    kind = query.get("organizer_kind", "")
    area_id = int(area) if area.isdigit() and Area.objects.filter(pk=int(area)).exists() else None
    organizer_kind = kind if kind in Organizer.Kind.values else ""
    if has_permission(user, "reports.view_all"):
        department = query.get("department", "")
        department_id = int(department) if department.isdigit() else None
        if department_id is not None and not Department.objects.filter(pk=department_id).exists():
            department_id = None
        return FigureFilter(department_id=department_id, area_id=area_id, organizer_kind=organizer_kind), False
    if user.department_id is None:
        raise PermissionDenied("reports: staff without a department")
    return FigureFilter(department_id=user.department_id, area_id=area_id, organizer_kind=organizer_kind), True


def report_for(user: User, year: FiscalYear, query: Mapping[str, str]) -> Report:
    if not has_permission(user, "reports.view"):
        raise PermissionDenied("reports.view")
    filters, fixed = report_filters(user, query)
    return Report(year=year, filters=filters, sections=report(year, filters), department_fixed=fixed)


LOOP = "loop"  # the name the citizen-proposal app registers its figures of the loop under


@dataclass(frozen=True)
class LoopReport:
    """The loop, measured: the year's section (with the year before beside it) and each figure over the
    years the switcher offers, oldest first."""

    year: FiscalYear
    section: Section | None
    over_years: list[Figure]
    years: list[FiscalYear]


def loop_report(user: User, year: FiscalYear, today: date) -> LoopReport:
    if not has_permission(user, "reports.view_all"):
        raise PermissionDenied("reports.view_all")
    whole_city = FigureFilter()
    years = list(reversed(report_years(today)))
    provider = figures_provider(LOOP)
    sections = [provider(shown, whole_city) if provider is not None else None for shown in years]
    over_years: list[Figure] = []
    if sections and sections[-1] is not None:
        for index, found in enumerate(sections[-1].figures):
            per_year = [
                {row.label: row.values[0] for row in section.figures[index].rows} if section is not None else {}
                for section in sections
            ]
            over_years.append(
                Figure(
                    key=found.key,
                    title=found.title,
                    columns=tuple(shown.label for shown in years),
                    rows=tuple(
                        Row(row.label, tuple(values.get(row.label) for values in per_year)) for row in found.rows
                    ),
                    unit=found.unit,
                    chart=False,
                    additive=found.additive,
                )
            )
    return LoopReport(year=year, section=section_report(LOOP, year, whole_city), over_years=over_years, years=years)
