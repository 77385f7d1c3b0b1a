"""The reports' registry: each app contributes sections of named figures for a fiscal year.

A figure is defined once, as a selector in its app, and used by the report page, its CSV and
workbook exports, the API and the tests. An app registers a *provider* from ``AppConfig.ready()``
(beside its workspace cards); ``report()`` asks each for the chosen fiscal year and the year
before it and sets the two side by side. A provider:

- counts with aggregate queries (``Count(filter=...)`` grouped by the figure's rows), never one
  query per row, so the page's cost does not grow with the data;
- reads only what survives the retention purge (anonymous figures, anonymised rows), so a past
  year's report stays exact after personal data is removed;
- returns ``None`` when a filter does not apply to its figures (groups have no department), so a
  department's slice never shows figures for the whole city.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from manabiba.core.workspace import Registry

Value = int | float | None

MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class FiscalYear:
    """The city's year, 1 April to 31 March, named by the year it starts (2026年度 = April 2026 – March 2027)."""

    year: int

    @property
    def first_day(self) -> date:
        return date(self.year, 4, 1)

    @property
    def after_last_day(self) -> date:
        return date(self.year + 1, 4, 1)

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def ends_at(self) -> datetime:
        """The first moment after the year (exclusive)."""
        return timezone.make_aware(datetime.combine(self.after_last_day, time.min))

    @property
    def label(self) -> str:
        return _("FY%(year)s") % {"year": self.year}

    def previous(self) -> "FiscalYear":
        return FiscalYear(self.year - 1)

    def month_index(self, day: date) -> int:
        """0 for April … 11 for March."""
        return (day.month - 4) % 12


def fiscal_year_of(day: date) -> FiscalYear:
    return FiscalYear(day.year if day.month >= 4 else day.year - 1)


def month_labels() -> list[str]:
    return [_month_name(month) for month in MONTHS]


def per_month(counts: dict[int, int]) -> list[tuple[str, list["Value"]]]:
    """Rows April to March from counts keyed by calendar month (1–12)."""
    return [(_month_name(month), [counts.get(month, 0)]) for month in MONTHS]


def _month_name(month: int) -> str:
    names = [
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    ]
    return names[month - 1]


@dataclass(frozen=True)
class FigureFilter:
    """Which slice of the city: ``None``/``""`` means every department, area or organiser kind."""

    department_id: int | None = None
    area_id: int | None = None
    organizer_kind: str = ""

    @property
    def is_empty(self) -> bool:
        return self.department_id is None and self.area_id is None and not self.organizer_kind


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Figure:
    """One table: rows of values under ``columns``. ``unit`` says how to show and format the values."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    unit: Literal["count", "percent", "hours", "ratio"] = "count"
    chart: bool = True
    # Whether the rows add up to a whole (months, fields); not when each row is its own measure.
    additive: bool = True

    def total(self, column: int = 0) -> float:
        return sum(float(row.values[column] or 0) for row in self.rows)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: tuple[Figure, ...] = field(default_factory=tuple)


FigureProvider = Callable[[FiscalYear, FigureFilter], Section | None]
"""``provider(fiscal_year, filters)`` → the app's section for that year, or ``None`` if the filter does not apply."""

figures_registry: Registry[FigureProvider] = Registry()


def figures_register(name: str, provider: FigureProvider, *, order: int = 100) -> None:
    """Let an app contribute a section to the reports; call from ``AppConfig.ready()``."""
    figures_registry.register(name, provider, order=order)


def figure(
    key: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[Value]]],
    *,
    columns: Sequence[str] = (),
    unit: Literal["count", "percent", "hours", "ratio"] = "count",
    chart: bool = True,
    additive: bool = True,
) -> Figure:
    """A figure from ``(label, values)`` pairs; one unnamed column when ``columns`` is empty.

    Labels start with a capital (choice labels are lower case in English) here, once, so the page,
    the files and the API show the same text."""
    return Figure(
        key=key,
        title=title,
        columns=tuple(columns) or ("",),
        rows=tuple(Row(capfirst(str(label)), tuple(values)) for label, values in rows),
        unit=unit,
        chart=chart,
        additive=additive,
    )


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal place, or ``None`` when there is nothing to divide."""
    return round(part * 100 / whole, 1) if whole else None


def _beside(current: Figure, previous: Figure | None, year: FiscalYear) -> Figure:
    """The year's figure with the previous year's values after it, row by row (matched by label)."""
    this_label, last_label = year.label, year.previous().label

    def named(columns: tuple[str, ...], label: str) -> tuple[str, ...]:
        return tuple(label if not column else f"{column} ({label})" for column in columns)

    earlier = {row.label: row.values for row in previous.rows} if previous else {}
    # A row missing from one year's grouped count is nothing counted; other units have no value.
    empty: tuple[Value, ...] = (0 if current.unit == "count" else None,) * len(current.columns)
    labels = [row.label for row in current.rows] + [
        label for label in earlier if label not in {r.label for r in current.rows}
    ]
    now_values = {row.label: row.values for row in current.rows}
    return Figure(
        key=current.key,
        title=current.title,
        columns=named(current.columns, this_label) + named(current.columns, last_label),
        rows=tuple(Row(label, now_values.get(label, empty) + earlier.get(label, empty)) for label in labels),
        unit=current.unit,
        chart=current.chart,
        additive=current.additive,
    )


def report(year: FiscalYear, filters: FigureFilter) -> list[Section]:
    """Every section for ``year``, each figure with the previous fiscal year beside it."""
    sections = []
    for _name, provider in figures_registry:
        current = provider(year, filters)
        if current is None:
            continue
        previous = provider(year.previous(), filters)
        earlier = {found.key: found for found in previous.figures} if previous else {}
        sections.append(
            Section(
                key=current.key,
                title=current.title,
                figures=tuple(_beside(found, earlier.get(found.key), year) for found in current.figures),
            )
        )
    return sections


def figures_provider(name: str) -> FigureProvider | None:
    """The provider registered as ``name``, for a page given to one section (the loop, measured)."""
    return next((provider for found, provider in figures_registry if found == name), None)


def section_report(name: str, year: FiscalYear, filters: FigureFilter) -> Section | None:
    """One registered section for ``year``, each figure with the previous fiscal year beside it."""
    provider = figures_provider(name)
    current = provider(year, filters) if provider is not None else None
    if provider is None or current is None:
        return None
    previous = provider(year.previous(), filters)
    earlier = {found.key: found for found in previous.figures} if previous else {}
    return Section(
        key=current.key,
        title=current.title,
        figures=tuple(_beside(found, earlier.get(found.key), year) for found in current.figures),
    )
