"""The published catalogue as bitsets in each process, for exact counts without a query per facet.

The listing asks, for every facet, how many programmes each value would give with the other
filters kept: eighty-odd counts a page. Asked of the database, that is one GROUP BY per facet,
each re-evaluating the keyword and the filters (tens of milliseconds at 100,000 programmes).
Here every programme of the search index has a position (in the keyword ranking's order, from
``core.search_memory``), and every facet value (a field, an audience, an area, a fee, a time of
day …) and every term a Python integer whose bits are the programmes that have it: a filter or a
keyword is an AND, a count a ``bit_count()``, a relevance page the first set bits, each a few
microseconds.

Exact, never estimated: the index is built from the database and rebuilt when the catalogue
version changes (``catalogue_changed``, called by every service that changes a programme), and
checked against the database at most once a minute in case a change bypassed the services
(``MAX_AGE``). Filters the bitsets do not hold (dates, open applications, not started yet, past
programmes) are answered by the database as before: see ``supports``.
"""

import dataclasses
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

from manabiba.core.memory import release_freed_memory
from manabiba.core.search_memory import (
    TermIndex,
    bits_of_positions,
    epoch_sql,
    query_tiers,
    ranked_ids,
    term_index_build,
)
from manabiba.programs.kept import kept_for_the_request
from manabiba.programs.models import Organizer, Program, ProgramSession

if TYPE_CHECKING:
    from manabiba.programs.selectors import ProgramFilters

# How long an index is trusted without asking the database whether programmes changed.
MAX_AGE = 60.0
WHEN_VALUES = ("morning", "afternoon", "weekday_evening", "weekend")


@dataclass(frozen=True)
class CatalogueIndex:
    """Published programmes, at the positions of the search index in memory (``terms``: every
    indexed programme, finished ones too, in the keyword ranking's order), so that a keyword's
    matches, the filters and the ranking are all bits of one integer."""

    version: str
    stamp: tuple[int, str]
    built: float
    terms: TermIndex
    all_bits: int  # the published programmes
    end_order: "array[int]"  # published programmes with an end, by the end of their last session
    ends: "array[float]"  # those ends, Unix seconds, ascending
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
    keywords: "KeptKeywords" = dataclasses.field(default_factory=lambda: KeptKeywords(), compare=False)

    @property
    def ids(self) -> tuple[int, ...]:
        return self.terms.ids

    @property
    def position(self) -> dict[int, int]:
        return self.terms.position

    def visible(self, now: datetime) -> int:
        """Listed at ``now``: published, and the last session not ended (or undated). Published
        programmes that have ended are few: the daily ``programs_finish_past`` marks them finished."""
        ended = self.end_order[: bisect_left(self.ends, now.timestamp())]
        return self.all_bits & ~bits_of_positions(ended, len(self.ids)) if ended else self.all_bits

    def ids_of(self, bits: int) -> list[int]:
        """The programmes whose bits are set, by position."""
        return self.terms.ids_of(bits)


@dataclass(frozen=True)
class KeywordMatches:
    """A keyword's matches: the programmes of each ranking tier, and all of them, as bits of the index."""

    tiers: list[int]
    bits: int

    @property
    def size(self) -> int:
        """Bytes the integers take."""
        return sum((tier.bit_length() + 7) // 8 for tier in self.tiers) + (self.bits.bit_length() + 7) // 8


class KeptKeywords(dict[str, KeywordMatches]):
    """Keywords' matches kept with an index, and the bytes they take (summed as they are added, not
    over every kept keyword at each new one)."""

    bytes = 0

    def keep(self, key: str, found: KeywordMatches) -> None:
        if self.bytes + found.size > KEYWORD_BYTES_KEPT or len(self) >= KEYWORDS_KEPT:
            self.clear()
        replaced = self.get(key)
        self[key] = found
        self.bytes += found.size - (replaced.size if replaced else 0)

    def clear(self) -> None:
        super().clear()
        self.bytes = 0


# What a process keeps of keywords' matches (summed over keywords), and how many keywords: each is
# a few ANDs and ORs of the index's bits, computed in about a millisecond, so little is kept.
KEYWORD_BYTES_KEPT = 16_000_000
KEYWORDS_KEPT = 5_000


def keyword_matches(index: CatalogueIndex, query: str, *, keep: bool = True) -> KeywordMatches:
    """``query``'s matches in ``index``, from the terms in memory (``core.search_memory``); kept with
    the index (unless not ``keep``: then for the request only) until the catalogue changes."""
    key = " ".join(query.split())
    if keep:
        found = index.keywords.get(key)
    else:
        # Kept for the request only (``programs.kept``), with the index it was found in: the same
        # index (not an equal one: comparing two would compare every bit) gives the same matches.
        asked: tuple[CatalogueIndex, KeywordMatches] | None = kept_for_the_request.get("keyword matches", key)
        found = asked[1] if asked is not None and asked[0] is index else None
    if found is None:
        tiers = query_tiers(index.terms, query)
        every = 0
        for tier in tiers:
            every |= tier
        found = KeywordMatches(tiers, every)
        if keep:
            with _lock:
                index.keywords.keep(key, found)
        else:
            kept_for_the_request.put("keyword matches", key, (index, found))
    return found


def keyword_page(index: CatalogueIndex, matches: KeywordMatches, allowed: int, now: datetime, limit: int) -> list[int]:
    """The first ``limit`` programmes of the keyword's ranking at ``now`` among ``allowed``."""
    return ranked_ids(index.terms, matches.tiers, now, allowed=allowed, limit=limit)


def forget_keywords() -> None:
    """Drop the keywords and the terms' bits this process keeps (benchmarks measuring a keyword's
    first search)."""
    for index in _current.values():
        index.keywords.clear()
        index.terms.recent.clear()


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


def _rows(sql: str, params: list[str]) -> list[tuple[Any, ...]]:
    """Rows of ``sql``: fixed text and table names from the models, values as parameters."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _build(version: str) -> CatalogueIndex:
    """Read the published programmes in five queries and the search index in one, straight from the
    cursor (no model objects: at 100,000 programmes the conversions would cost more than the reading)."""

    stamp = _stamp()
    program, session = Program._meta.db_table, ProgramSession._meta.db_table  # table names for the SQL below
    published: list[str] = [Program.Status.PUBLISHED]
    rows = _rows(
        f"SELECT p.id, {epoch_sql('p.last_ends_at')}, "  # noqa: S608 - table names from the models
        "p.area_id, o.kind, p.kind, p.fee, p.wheelchair_accessible, "
        f"p.childcare_available, p.sign_language, {epoch_sql('p.next_starts_at')} FROM {program} p "
        f"JOIN {Organizer._meta.db_table} o ON o.id = p.organizer_id WHERE p.status = %s",
        published,
    )
    from manabiba.programs.selectors import SEARCH_KIND

    # A published programme is always indexed (``program_reindex``); one that is not still gets a
    # position, at its next session, so that the filters find it.
    terms = term_index_build(
        SEARCH_KIND,
        others=((int(row[0]), row[9]) for row in rows),
        # With the keywords' matches not kept (to measure each search computed afresh), nor their terms'.
        keep_term_bits=settings.CATALOGUE_KEYWORD_CACHE,
    )
    position = terms.position
    size = len(terms.ids)
    placed = [position[int(row[0])] for row in rows]
    by_end = sorted((float(row[1]), index) for row, index in zip(rows, placed, strict=True) if row[1] is not None)

    def table(pairs: Iterable[tuple[object, int]]) -> dict[object, int]:
        grouped: dict[object, list[int]] = {}
        for value, index in pairs:
            grouped.setdefault(value, []).append(index)
        return {value: bits_of_positions(positions, size) for value, positions in grouped.items()}

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
        return table((row[number], index) for row, index in zip(rows, placed, strict=True))

    def flag(number: int) -> int:
        return bits_of_positions((index for row, index in zip(rows, placed, strict=True) if row[number]), size)

    def bitsets(grouped: dict[object, list[int]]) -> dict[object, int]:
        return {value: bits_of_positions(positions, size) for value, positions in grouped.items()}

    return CatalogueIndex(
        version=version,
        stamp=stamp,
        built=time.monotonic(),
        terms=terms,
        all_bits=bits_of_positions(placed, size),
        end_order=array("i", (index for _end, index in by_end)),
        ends=array("d", (end for end, _index in by_end)),
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
            # The rows read for the build (and the index replaced) are freed: give their memory
            # back, or each build leaves the worker hundreds of megabytes larger (core.memory).
            release_freed_memory()
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
