"""The published catalogue as bitsets in each process, for exact counts without a query per facet.

The listing asks, for every facet, how many programmes each value would give with the other
filters kept: eighty-odd counts a page. Asked of the database, that is one GROUP BY per facet,
each re-evaluating the keyword and the filters (tens of milliseconds at 100,000 programmes).
Here every published programme has a position, and every facet value (a field, an audience, an
area, a fee, a time of day …) a Python integer whose bits are the programmes that have it: a
filter is an AND, a count a ``bit_count()``, each a few microseconds.

Exact, never estimated: the index is built from the database and rebuilt when the catalogue
version changes (``catalogue_changed``, called by every service that changes a programme), and
checked against the database at most once a minute in case a change bypassed the services
(``MAX_AGE``). Filters the bitsets do not hold (dates, open applications, not started yet, past
programmes) are answered by the database as before: see ``supports``.
"""

import dataclasses
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection

from manabiba.core.search import SearchTier, search_tiers
from manabiba.programs.models import Organizer, Program, ProgramSession

if TYPE_CHECKING:
    from manabiba.programs.selectors import ProgramFilters

# How long an index is trusted without asking the database whether programmes changed.
MAX_AGE = 60.0
WHEN_VALUES = ("morning", "afternoon", "weekday_evening", "weekend")
_NO_END = float("inf")


def _bitset(positions: Iterable[int], size: int) -> int:
    """The integer whose bits are ``positions``."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


@dataclass(frozen=True)
class CatalogueIndex:
    """Published programmes by position (ordered by the end of their last session, undated last)."""

    version: str
    stamp: tuple[int, str]
    built: float
    ids: tuple[int, ...]
    position: dict[int, int]
    ends: tuple[float, ...]  # the last session's end, Unix seconds, ascending (inf: undated)
    all_bits: int
    categories: dict[int, int]
    audiences: dict[int, int]
    areas: dict[int | None, int]
    organizer_kinds: dict[str, int]
    kinds: dict[str, int]
    fees: dict[str, int]
    wheelchair: int
    childcare: int
    sign_language: int
    when: dict[str, int]  # a session in that time of day (weekend: on a day off)
    weekdays: dict[int, int]  # a session on that day of the week
    weekday_when: dict[tuple[int, str], int]  # a session on that day and in that time of day
    # Keywords' matches, kept with the positions their bits refer to (``keyword_matches``): bits
    # of a rebuilt index would point at other programmes.
    keywords: dict[str, "KeywordMatches"] = dataclasses.field(default_factory=dict, compare=False)

    def visible(self, now: datetime) -> int:
        """Listed at ``now``: published, and the last session not ended (or undated)."""
        first = bisect_left(self.ends, now.timestamp())
        return self.all_bits >> first << first

    def bits_of(self, ids: Iterable[int]) -> int:
        position = self.position
        return _bitset((position[pk] for pk in ids if pk in position), len(self.ids))

    def ids_of(self, bits: int) -> list[int]:
        """The programmes whose bits are set, by position."""
        ids = self.ids
        found = []
        for byte_index, byte in enumerate(bits.to_bytes((len(ids) + 8) // 8, "little")):
            if byte:
                first = byte_index << 3
                for bit in range(8):
                    if byte >> bit & 1:
                        found.append(ids[first + bit])
        return found

    def member(self, bits: int) -> Callable[[int], bool]:
        """Whether a programme's bit is set in ``bits``: a test for many ids in turn."""
        data = bits.to_bytes((len(self.ids) + 8) // 8, "little")
        position = self.position

        def test(pk: int) -> bool:
            index = position.get(pk)
            return index is not None and bool(data[index >> 3] >> (index & 7) & 1)

        return test

    def keep(self, bits: int, ids: Iterable[int]) -> list[int]:
        """``ids`` whose bits are set, in their order."""
        data = bits.to_bytes((len(self.ids) + 8) // 8, "little")
        position = self.position
        kept = []
        for pk in ids:
            index = position.get(pk)
            if index is not None and data[index >> 3] >> (index & 7) & 1:
                kept.append(pk)
        return kept


@dataclass(frozen=True)
class KeywordMatches:
    """A keyword's matches: every programme by ranking tier (``core.search.search_tiers``, from which
    the ranking at any moment follows), and the published ones as bits of the index."""

    tiers: list[SearchTier]
    bits: int

    @property
    def size(self) -> int:
        return sum(len(tier.object_ids) for tier in self.tiers)


# Programmes (summed over keywords) whose tiers a process keeps: 16 bytes each, some 16 MB; and
# keywords, however few their matches (words that match nothing are kept too, and strangers may
# type any number of them).
KEYWORD_ENTRIES_KEPT = 1_000_000
KEYWORDS_KEPT = 5_000


def keyword_matches(index: CatalogueIndex, query: str, *, keep: bool = True) -> KeywordMatches:
    """``query``'s matches in ``index``, read from the search index once and kept with it (unless
    not ``keep``) until the catalogue changes: a few hundred everyday words are most of what
    residents type, and the ranking of each at every later moment needs no query."""
    from manabiba.programs.selectors import SEARCH_KIND

    key = " ".join(query.split())
    found = index.keywords.get(key) if keep else None
    if found is None:
        tiers = search_tiers(kind=SEARCH_KIND, query=query)
        found = KeywordMatches(tiers, index.bits_of(pk for tier in tiers for pk in tier.object_ids))
        if keep:
            with _lock:
                kept_entries = sum(kept.size for kept in index.keywords.values())
                if kept_entries + found.size > KEYWORD_ENTRIES_KEPT or len(index.keywords) >= KEYWORDS_KEPT:
                    index.keywords.clear()
                index.keywords[key] = found
    return found


def forget_keywords() -> None:
    """Drop the keywords this process keeps (benchmarks measuring a keyword's first search)."""
    for index in _current.values():
        index.keywords.clear()


# The filters the bitsets answer (with the keyword's ranking and the order). A filter added to
# ProgramFilters later goes to the database until it is added here: it is never silently ignored.
INDEXED_FILTERS = frozenset(
    {
        "q",
        "categories",
        "audiences",
        "areas",
        "organizer_kinds",
        "kinds",
        "weekdays",
        "when",
        "free",
        "wheelchair",
        "childcare",
        "sign_language",
        "sort",
    }
)


def supports(filters: "ProgramFilters") -> bool:
    """Whether the bitsets answer these filters: every filter set is one they hold; the others (dates,
    open now, past, easy Japanese, publication time…) go to the database."""
    return all(
        field.name in INDEXED_FILTERS or getattr(filters, field.name) == field.default
        for field in dataclasses.fields(filters)
    )


def _stamp() -> tuple[int, str]:
    """What changes when published programmes change, for the once-a-minute check."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MAX(updated_at) FROM programs_program WHERE status = %s", [Program.Status.PUBLISHED]
        )
        count, latest = cursor.fetchone()
    return int(count), str(latest)


def _epoch(column: str) -> str:
    """SQL for a datetime column in Unix seconds."""
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"
    return f"EXTRACT(EPOCH FROM {column})"


def _rows(sql: str, params: list[str]) -> list[tuple[Any, ...]]:
    """Rows of ``sql``: fixed text and table names from the models, values as parameters."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _build(version: str) -> CatalogueIndex:
    """Read the published programmes in five queries, straight from the cursor (no model objects:
    at 100,000 programmes the conversions would cost more than the reading)."""

    stamp = _stamp()
    program, session = Program._meta.db_table, ProgramSession._meta.db_table  # table names for the SQL below
    published: list[str] = [Program.Status.PUBLISHED]
    rows = _rows(
        f"SELECT p.id, {_epoch('p.last_ends_at')}, "  # noqa: S608 - table names from the models
        "p.area_id, o.kind, p.kind, p.fee, p.wheelchair_accessible, "
        f"p.childcare_available, p.sign_language FROM {program} p "
        f"JOIN {Organizer._meta.db_table} o ON o.id = p.organizer_id WHERE p.status = %s",
        published,
    )
    rows.sort(key=lambda row: (row[1] is None, row[1] or 0, row[0]))
    size = len(rows)
    ids = tuple(int(row[0]) for row in rows)
    position = {pk: index for index, pk in enumerate(ids)}

    def table(pairs: Iterable[tuple[object, int]]) -> dict[object, int]:
        grouped: dict[object, list[int]] = {}
        for value, index in pairs:
            grouped.setdefault(value, []).append(index)
        return {value: _bitset(positions, size) for value, positions in grouped.items()}

    def links(through: str, column: str) -> dict[object, int]:
        pairs = _rows(
            f"SELECT l.program_id, l.{column} FROM {through} l "  # noqa: S608 - table names from the models
            f"JOIN {program} p ON p.id = l.program_id "
            "WHERE p.status = %s",
            published,
        )
        return table((value, position[pk]) for pk, value in pairs if pk in position)

    when: dict[object, list[int]] = {}
    weekdays: dict[object, list[int]] = {}
    weekday_when: dict[object, list[int]] = {}
    morning, afternoon, evening = (
        ProgramSession.TimeBand.MORNING,
        ProgramSession.TimeBand.AFTERNOON,
        ProgramSession.TimeBand.EVENING,
    )
    sessions = _rows(
        f"SELECT DISTINCT s.program_id, s.weekday, s.time_band, s.is_day_off FROM {session} s "  # noqa: S608
        f"JOIN {program} p ON p.id = s.program_id WHERE p.status = %s",
        published,
    )
    for pk, weekday, band, day_off in sessions:
        index = position.get(pk)
        if index is None:
            continue
        weekdays.setdefault(weekday, []).append(index)
        classes = []
        if band == morning:
            classes.append("morning")
        elif band == afternoon:
            classes.append("afternoon")
        elif band == evening and not day_off:
            classes.append("weekday_evening")
        if day_off:
            classes.append("weekend")
        for value in classes:
            when.setdefault(value, []).append(index)
            weekday_when.setdefault((weekday, value), []).append(index)

    def column(number: int) -> dict[object, int]:
        return table((row[number], index) for index, row in enumerate(rows))

    def flag(number: int) -> int:
        return _bitset((index for index, row in enumerate(rows) if row[number]), size)

    def bitsets(grouped: dict[object, list[int]]) -> dict[object, int]:
        return {value: _bitset(positions, size) for value, positions in grouped.items()}

    return CatalogueIndex(
        version=version,
        stamp=stamp,
        built=time.monotonic(),
        ids=ids,
        position=position,
        ends=tuple(float(row[1]) if row[1] is not None else _NO_END for row in rows),
        all_bits=(1 << size) - 1,
        categories=links(Program.categories.through._meta.db_table, "category_id"),  # type: ignore[arg-type]
        audiences=links(Program.audiences.through._meta.db_table, "audience_id"),  # type: ignore[arg-type]
        areas=column(2),  # type: ignore[arg-type]
        organizer_kinds=column(3),  # type: ignore[arg-type]
        kinds=column(4),  # type: ignore[arg-type]
        fees=column(5),  # type: ignore[arg-type]
        wheelchair=flag(6),
        childcare=flag(7),
        sign_language=flag(8),
        when=bitsets(when),  # type: ignore[arg-type]
        weekdays=bitsets(weekdays),  # type: ignore[arg-type]
        weekday_when=bitsets(weekday_when),  # type: ignore[arg-type]
    )


_lock = threading.Lock()
_current: dict[str, CatalogueIndex] = {}


def catalogue_index(version: str) -> CatalogueIndex:
    """The index for catalogue ``version``, built on first use in this process."""
    index = _current.get(connection.alias)
    if index is not None and index.version == version:
        if time.monotonic() - index.built < MAX_AGE:
            return index
        if _stamp() == index.stamp:
            index = CatalogueIndex(**{**index.__dict__, "built": time.monotonic()})
            _current[connection.alias] = index
            return index
    with _lock:
        index = _current.get(connection.alias)
        if index is None or index.version != version or time.monotonic() - index.built >= MAX_AGE:
            index = _build(version)
            _current[connection.alias] = index
    return index


def forget() -> None:
    """Drop this process's index (tests that change programmes behind the services' back)."""
    _current.clear()


# --- filters as bitsets ---------------------------------------------------------------------------


def _any(table: dict[object, int], values: Iterable[object]) -> int:
    result = 0
    for value in values:
        result |= table.get(value, 0)
    return result


def _session_bits(index: CatalogueIndex, weekdays: tuple[int, ...], when: tuple[str, ...]) -> int | None:
    """Programmes with one session on one of ``weekdays`` and in one of ``when`` (None: no condition)."""
    if weekdays and when:
        return _any(index.weekday_when, [(day, value) for day in weekdays for value in when])  # type: ignore[arg-type]
    if weekdays:
        return _any(index.weekdays, weekdays)  # type: ignore[arg-type]
    if when:
        return _any(index.when, when)  # type: ignore[arg-type]
    return None


def filter_bits(index: CatalogueIndex, filters: "ProgramFilters") -> dict[str, int]:
    """Each applied filter's bitset, by facet name (what ``_apply`` does, as bits)."""
    applied: dict[str, int] = {}
    if filters.categories:
        applied["categories"] = _any(index.categories, filters.categories)  # type: ignore[arg-type]
    if filters.audiences:
        applied["audiences"] = _any(index.audiences, filters.audiences)  # type: ignore[arg-type]
    if filters.areas:
        applied["areas"] = _any(index.areas, filters.areas)  # type: ignore[arg-type]
    if filters.organizer_kinds:
        applied["organizer_kinds"] = _any(index.organizer_kinds, filters.organizer_kinds)  # type: ignore[arg-type]
    if filters.kinds:
        applied["kinds"] = _any(index.kinds, filters.kinds)  # type: ignore[arg-type]
    if filters.free is not None:
        free = index.fees.get(Program.Fee.FREE, 0)
        applied["free"] = free if filters.free else index.all_bits & ~free
    support = index.all_bits
    if filters.wheelchair:
        support &= index.wheelchair
    if filters.childcare:
        support &= index.childcare
    if filters.sign_language:
        support &= index.sign_language
    if support != index.all_bits:
        applied["support"] = support
    sessions = _session_bits(index, filters.weekdays, filters.when)
    if sessions is not None:
        applied["when"] = sessions
    return applied


def combined(applied: dict[str, int], base: int, skip: str = "") -> int:
    """``base`` with every filter but ``skip`` (the time facet's counts drop the day of the week
    too, as ``_apply`` does: both are conditions on one session)."""
    result = base
    for name, bits in applied.items():
        if name != skip:
            result &= bits
    return result
