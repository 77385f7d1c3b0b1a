"""Keeping the report's sections up to date ahead of the views (``manabiba figures_refresh``).

A view never serves a kept section whose rows changed (``core.figures``); it would count it
again, which at city scale takes a second or more. The periodic refresh does that counting
first, for the years the switcher offers: the whole city and each department's slice (what the
coordinator and the departments open), in every language, and every other slice someone opened
whose rows changed since."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from manabiba.accounts.models import Department
from manabiba.core.figures import (
    FigureFilter,
    figures_changes_flush,
    figures_code,
    figures_kept,
    sections_for,
    slice_from_key,
)
from manabiba.core.models import FigureSnapshot, FigureVersion
from manabiba.reports.selectors import report_years


@dataclass(frozen=True)
class RefreshReport:
    slices: int
    recomputed: int


def figures_refresh(*, today: date | None = None) -> RefreshReport:
    """Recompute every kept section that is missing or out of date for the offered years. Idempotent."""
    figures_changes_flush()
    offered = report_years(today or timezone.localdate())
    years = [*offered, offered[-1].previous()]  # the oldest year offered shows the one before it beside it
    numbers = [year.year for year in years]
    slices = {
        FigureFilter(),
        *(FigureFilter(department_id=pk) for pk in Department.objects.values_list("pk", flat=True)),
    }
    for key in FigureSnapshot.objects.filter(fiscal_year__in=numbers).values_list("slice_key", flat=True).distinct():
        found = slice_from_key(key)
        if found is not None:
            slices.add(found)
    before = _current_snapshots(numbers)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for filters in sorted(slices, key=lambda f: (f.department_id or 0, f.area_id or 0, f.organizer_kind)):
                sections_for(years, filters, kept_only=True)
    return RefreshReport(slices=len(slices), recomputed=_current_snapshots(numbers) - before)


def _current_snapshots(years: list[int]) -> int:
    """How many kept sections are up to date (their token is the year's current one, and the code
    that counted them is this one)."""
    tokens = {
        (source, year): token
        for source, year, token in FigureVersion.objects.filter(fiscal_year__in=years).values_list(
            "source", "fiscal_year", "token"
        )
    }
    return sum(
        1
        for source, year, token, code in FigureSnapshot.objects.filter(fiscal_year__in=years).values_list(
            "source", "fiscal_year", "token", "code"
        )
        if figures_kept(source) and token and tokens.get((source, year)) == token and code == figures_code()
    )
