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

Kept sections (issue 13, item 8: a city's five years of rows are too many to count on each view).
A provider registered with ``sources`` (the models it reads, and how a row maps to fiscal years)
has its section kept per fiscal year, filter and language (``FigureSnapshot``) and read back
instead of recounted. Every save or delete of a source row notes the fiscal years it alters; at
commit those years' ``FigureVersion`` token is replaced, which retires every section kept under
the old token, so a kept section is never served once its rows have changed (the next view, or
``manabiba figures_refresh``, recomputes it). A provider without ``sources`` is counted on each
view, as before: correct for any provider, kept only when it says what it reads.

A kept section also records the fingerprint of the code that counted it (``figures_code``: the
project's modules, Django's version and the catalogues), so that a section counted before a
deployment that changed how it counts, or its words, is counted again, not served.
"""

import hashlib
import threading
import time as clock
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import django
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone, translation
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
    # Set when the section shown is a kept one whose rows changed since it was counted (within
    # REPORTS_REFRESH_GRACE_SECONDS): when it was counted. Not part of the figures' equality.
    counted_before_changes_at: datetime | None = field(default=None, compare=False)


FigureProvider = Callable[[FiscalYear, FigureFilter], Section | None]
"""``provider(fiscal_year, filters)`` → the app's section for that year, or ``None`` if the filter does not apply."""

figures_registry: Registry[FigureProvider] = Registry()


@dataclass(frozen=True)
class FigureSource:
    """A model a provider reads, and which fiscal years a change of one of its rows alters.

    ``key(row)`` is read when the row is saved or deleted and must not query (own fields and
    foreign-key ids only): a date or datetime, a tuple of them (the years from the first to the
    last), or anything ``years`` turns into fiscal years in one query at commit (a registration's
    programme id → the year the programme is held). ``key=None``: a change alters every year (a
    renamed area or field). ``track_loaded``: the key as the row was loaded counts too, so a row
    moved from one year to another retires both. A many-to-many ``model`` (``Program.categories.through``)
    gets the owner row (``key(program)``); a change from the other side alters every year.
    ``on_create=False``: the provider reads this model only through rows that point to it and are
    written after it (a registration through its attendance), so a row just created alters nothing;
    its later saves and its deletion do (the rows pointing to it note their own creation).
    """

    model: type[models.Model]
    key: Callable[[Any], Hashable] | None = None
    years: Callable[[set[Any]], set[int]] | None = None
    track_loaded: bool = False
    on_create: bool = True


_sources: dict[str, tuple[FigureSource, ...]] = {}
_by_model: dict[type[models.Model], list[tuple[str, int]]] = {}
EVERY_YEAR = object()  # a pending key meaning "every fiscal year of the source"


def figures_register(
    name: str, provider: FigureProvider, *, order: int = 100, sources: Sequence[FigureSource] = ()
) -> None:
    """Let an app contribute a section to the reports; call from ``AppConfig.ready()``.

    With ``sources`` (every model the provider reads, see ``FigureSource``) its sections are kept
    and read back until their rows change; without, they are counted on each view."""
    figures_registry.register(name, provider, order=order)
    _sources[name] = tuple(sources)
    for model in _by_model:
        _by_model[model] = [(owner, index) for owner, index in _by_model[model] if owner != name]
    for index, source in enumerate(sources):
        _by_model.setdefault(source.model, []).append((name, index))
        uid = f"manabiba.figures:{source.model._meta.label}"
        if source.model._meta.auto_created:
            m2m_changed.connect(_m2m_changed, sender=source.model, dispatch_uid=uid)
        else:
            post_save.connect(_row_changed, sender=source.model, dispatch_uid=uid)
            post_delete.connect(_row_changed, sender=source.model, dispatch_uid=uid)
            if source.track_loaded:
                post_init.connect(_row_loaded, sender=source.model, dispatch_uid=uid)


def figures_kept(name: str) -> bool:
    """Whether ``name``'s sections are kept (it said which rows it reads)."""
    return bool(_sources.get(name))


@cache
def _release_digest() -> str:
    """The project's code (every module under ``manabiba/``), Django's version and the compiled
    catalogues, as one digest. Read as the process starts (``CoreConfig.ready``), so that a process
    still running the old code after files were replaced never takes the new code's fingerprint.
    Installed without its sources, only Django's version and the catalogues tell."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for folder in settings.LOCALE_PATHS:
        for path in sorted(Path(folder).rglob("*.mo")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def figures_code() -> str:
    """The fingerprint of the code that counts the sections now (for a kept section, the code that
    counted it): any change of the project's code or words since retires every kept section.
    A provider reads through other apps' modules too, so nothing narrower than the whole is safe."""
    return _release_digest()


# Changes noted in this thread, flushed at commit (or before this thread reads a report, so a
# change made inside a transaction is seen by a report read in the same transaction).
_pending = threading.local()


def _pending_keys() -> dict[tuple[str, int], set[Any]]:
    if not hasattr(_pending, "keys"):
        _pending.keys = {}
    keys: dict[tuple[str, int], set[Any]] = _pending.keys
    return keys


def _row_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance.get_deferred_fields():
        return  # reading a deferred field would query; such a row retires every year when saved
    instance.__dict__["_figures_loaded"] = {
        (name, index): _key(_sources[name][index], instance) for name, index in _by_model.get(sender, ())
    }


def _key(source: FigureSource, instance: Any) -> Any:
    return EVERY_YEAR if source.key is None else source.key(instance)


def _row_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    loaded = instance.__dict__.get("_figures_loaded")
    for name, index in _by_model.get(sender, ()):
        source = _sources[name][index]
        if kwargs.get("created") and not source.on_create:
            continue
        keys = {_key(source, instance)}
        if source.track_loaded and not kwargs.get("created"):
            keys.add(loaded.get((name, index), EVERY_YEAR) if loaded is not None else EVERY_YEAR)
        _note(name, index, keys)
    if loaded is not None:
        instance.__dict__["_figures_loaded"] = {
            (name, index): _key(_sources[name][index], instance) for name, index in _by_model.get(sender, ())
        }


def _m2m_changed(sender: type[models.Model], instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    for name, index in _by_model.get(sender, ()):
        source = _sources[name][index]
        _note(name, index, {EVERY_YEAR if reverse else _key(source, instance)})


def figures_changed(model: type[models.Model], rows: Iterable[Any]) -> None:
    """Note a change made without saving rows one by one (``QuerySet.update``, ``bulk_create``):
    ``rows`` are the changed instances (or anything with the fields the sources' keys read)."""
    for row in rows:
        for name, index in _by_model.get(model, ()):
            _note(name, index, {_key(_sources[name][index], row)})


def _note(name: str, index: int, keys: set[Any]) -> None:
    _pending_keys().setdefault((name, index), set()).update(keys)
    # One flush per transaction or savepoint (a rolled-back savepoint drops its own with its changes).
    savepoints = set(connection.savepoint_ids)
    if not any(entry[1] is figures_changes_flush and entry[0] == savepoints for entry in connection.run_on_commit):
        transaction.on_commit(figures_changes_flush)


def years_of_days(keys: Iterable[Any]) -> set[int]:
    """The fiscal years of dates or datetimes, and of every year from the first to the last of a tuple of them."""
    years: set[int] = set()
    for key in keys:
        days = [
            timezone.localtime(day).date() if isinstance(day, datetime) else day
            for day in (key if isinstance(key, tuple) else (key,))
            if isinstance(day, date)
        ]
        if days:
            years.update(range(fiscal_year_of(min(days)).year, fiscal_year_of(max(days)).year + 1))
    return years


def figures_changes_flush() -> None:
    """Replace the tokens of the fiscal years the noted changes alter (one query in the usual case,
    none if nothing changed)."""
    from manabiba.core.models import FigureVersion

    pending = _pending_keys()
    if not pending:
        return
    _pending.keys = {}
    every: set[str] = set()
    years: dict[str, set[int]] = {}
    for (name, index), keys in pending.items():
        source = _sources[name][index]
        if EVERY_YEAR in keys:
            every.add(name)
            continue
        found = source.years(keys) if source.years is not None else years_of_days(keys)
        if found:
            years.setdefault(name, set()).update(found)
    # One new token for every row replaced: a token is only ever compared with its own year's.
    token, now = uuid.uuid4().hex, timezone.now()
    if every:
        # Every year that has a token: a section is only kept under one.
        FigureVersion.objects.filter(source__in=every).update(token=token, changed_at=now)
    if not years:
        return
    where = Q()
    for name, found in years.items():
        where |= Q(source=name, fiscal_year__in=found)
    if FigureVersion.objects.filter(where).update(token=token, changed_at=now) == sum(map(len, years.values())):
        return
    # A year without a token yet has nothing kept under it, but a count may be making its token
    # right now (``section_compute_and_keep``): the upsert waits for that row, then replaces it, so
    # what that count keeps is never served. Years with a token are replaced again, harmlessly.
    FigureVersion.objects.bulk_create(
        [
            FigureVersion(source=name, fiscal_year=year, token=token, changed_at=now)
            for name, found in sorted(years.items())
            for year in sorted(found)
        ],
        update_conflicts=True,
        unique_fields=["source", "fiscal_year"],
        update_fields=["token", "changed_at"],
    )


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


def slice_key(filters: FigureFilter) -> str:
    return f"d{filters.department_id or ''}-a{filters.area_id or ''}-k{filters.organizer_kind}"


def _dump(section: Section | None) -> dict[str, Any] | None:
    if section is None:
        return None
    return {
        "key": section.key,
        "title": section.title,
        "figures": [
            {
                "key": found.key,
                "title": found.title,
                "columns": list(found.columns),
                "rows": [[row.label, list(row.values)] for row in found.rows],
                "unit": found.unit,
                "chart": found.chart,
                "additive": found.additive,
            }
            for found in section.figures
        ],
    }


def _load(data: dict[str, Any] | None) -> Section | None:
    if data is None:
        return None
    return Section(
        key=data["key"],
        title=data["title"],
        figures=tuple(
            Figure(
                key=found["key"],
                title=found["title"],
                columns=tuple(found["columns"]),
                rows=tuple(Row(label, tuple(values)) for label, values in found["rows"]),
                unit=found["unit"],
                chart=found["chart"],
                additive=found["additive"],
            )
            for found in data["figures"]
        ),
    )


def _tokens(names: Sequence[str], years: Sequence[int]) -> dict[tuple[str, int], str]:
    from manabiba.core.models import FigureVersion

    return {
        (name, year): token
        for name, year, token in FigureVersion.objects.filter(source__in=names, fiscal_year__in=years).values_list(
            "source", "fiscal_year", "token"
        )
    }


def section_compute_and_keep(name: str, year: FiscalYear, filters: FigureFilter) -> Section | None:
    """Count ``name``'s section from its rows and keep it under the year's current token."""
    from manabiba.core.models import FigureSnapshot, FigureVersion

    provider = dict(iter(figures_registry))[name]
    # The token is read (made, for a year nobody changed yet) before counting: a change committed
    # while counting replaces it, so what is kept here is never served.
    version, _created = FigureVersion.objects.get_or_create(
        source=name, fiscal_year=year.year, defaults={"token": uuid.uuid4().hex}
    )
    started = clock.perf_counter()
    section = provider(year, filters)
    FigureSnapshot.objects.update_or_create(
        source=name,
        fiscal_year=year.year,
        slice_key=slice_key(filters),
        language=translation.get_language() or "",
        defaults={
            "token": version.token,
            "code": figures_code(),
            "section": _dump(section),
            "compute_ms": int((clock.perf_counter() - started) * 1000),
        },
    )
    return section


def slice_from_key(key: str) -> FigureFilter | None:
    """The filter a ``slice_key`` was made from, or ``None`` for a key this code did not make."""
    parts = key.split("-", 2)
    if len(parts) != 3 or [part[:1] for part in parts] != ["d", "a", "k"]:
        return None
    department, area = parts[0][1:], parts[1][1:]
    if not (department.isdigit() or not department) or not (area.isdigit() or not area):
        return None
    return FigureFilter(
        department_id=int(department) if department else None,
        area_id=int(area) if area else None,
        organizer_kind=parts[2][1:],
    )


def sections_for(
    years: Sequence[FiscalYear], filters: FigureFilter, *, kept_only: bool = False
) -> dict[tuple[str, int], Section | None]:
    """Every provider's section for each of ``years``: kept ones read back (two queries), the rest
    counted (``kept_only``: only the kept ones, recomputing those whose rows changed)."""
    from manabiba.core.models import FigureSnapshot

    figures_changes_flush()
    providers = list(figures_registry)
    kept = [name for name, _provider in providers if figures_kept(name)]
    numbers = [year.year for year in years]
    tokens = _tokens(kept, numbers) if kept else {}
    snapshots = (
        {
            (name, year): (token, section, computed_at, code)
            for name, year, token, section, computed_at, code in FigureSnapshot.objects.filter(
                source__in=kept,
                fiscal_year__in=numbers,
                slice_key=slice_key(filters),
                language=translation.get_language() or "",
            ).values_list("source", "fiscal_year", "token", "section", "computed_at", "code")
        }
        if kept
        else {}
    )
    # A retired section counted this recently is shown, marked, while the refresh counts it again.
    grace_from = timezone.now() - timedelta(seconds=0 if kept_only else settings.REPORTS_REFRESH_GRACE_SECONDS)
    found: dict[tuple[str, int], Section | None] = {}
    for name, provider in providers:
        for year in years:
            snapshot = snapshots.get((name, year.year))
            if snapshot is not None and snapshot[3] != figures_code():
                snapshot = None  # counted by other code: neither served nor shown marked
            if name not in kept:
                if not kept_only:
                    found[name, year.year] = provider(year, filters)
            elif snapshot is not None and snapshot[0] and snapshot[0] == tokens.get((name, year.year)):
                found[name, year.year] = _load(snapshot[1])
            elif snapshot is not None and snapshot[2] > grace_from:
                loaded = _load(snapshot[1])
                found[name, year.year] = (
                    None if loaded is None else replace(loaded, counted_before_changes_at=snapshot[2])
                )
            else:
                found[name, year.year] = section_compute_and_keep(name, year, filters)
    return found


def report(year: FiscalYear, filters: FigureFilter, *, kept: bool = True) -> list[Section]:
    """Every section for ``year``, each figure with the previous fiscal year beside it.

    ``kept=False`` counts every section from the rows (what the kept sections must equal)."""
    if kept:
        found = sections_for([year, year.previous()], filters)
    else:
        found = {
            (name, shown.year): provider(shown, filters)
            for name, provider in figures_registry
            for shown in (year, year.previous())
        }
    sections = []
    for name, _provider in figures_registry:
        current = found[name, year.year]
        if current is None:
            continue
        previous = found[name, year.previous().year]
        earlier = {found.key: found for found in previous.figures} if previous else {}
        counted = [
            section.counted_before_changes_at
            for section in (current, previous)
            if section is not None and section.counted_before_changes_at is not None
        ]
        sections.append(
            Section(
                key=current.key,
                title=current.title,
                figures=tuple(_beside(found, earlier.get(found.key), year) for found in current.figures),
                counted_before_changes_at=min(counted) if counted else None,
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
