"""The search index: services that keep it, one selector that searches it, highlighted snippets.

Domain apps call ``search_index_update``/``search_index_remove`` from their own services, in
the same transaction as the change, and ``search_ids`` from their selectors. The index holds
terms made by ``core.japanese`` (normalised surfaces, normalised forms, readings, synonym
groups, and character bigrams for text inside compounds); the database's full-text engine
serves them: SQLite FTS5 or a PostgreSQL ``tsvector`` with a GIN index. A query is compiled
into the same boolean tree for both, so both return the same ids in the same order.

Matching: every word of the query, as a dictionary word (its surface, normalised form,
reading or synonym group) or, ranked below, as the beginning of one; only when no entry
matches so, as text anywhere inside longer words.

Ranking: entries still to come (``starts_at`` now or later, or undated) before past ones;
then those matching the whole query in the title, then in the body, then in the venue, then
across fields; then the soonest (or, for past ones, the most recent) first. Both engines read
that order from their indexes tier by tier and stop at the limit, so a word found in 17,000
entries costs about as much as one found in 2,000 (see ``search_ids`` and migration
0004_search_rank_key).
"""

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from django.db import connection, transaction

from manabiba.core.japanese import (
    QueryWord,
    analysis_version,
    analyze,
    bigrams,
    index_terms,
    normalize,
    query_terms,
    search_term,
)
from manabiba.core.models import SearchEntry

__all__ = [
    "SCOPE_FIELDS",
    "SearchDocument",
    "search_ids",
    "search_index_move",
    "search_index_rebuild",
    "search_index_remove",
    "search_index_update",
    "search_match_sql",
    "search_snippet",
    "search_source_register",
    "search_sources",
    "search_words",
    "snippet_words",
]

# A query longer than this is cut: nobody types more, and each word costs an index lookup.
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 32


@dataclass(frozen=True)
class SearchDocument:
    """What ``search_index_rebuild`` takes for each object of a kind."""

    object_id: int
    title: str
    body: str = ""
    venue: str = ""
    starts_at: datetime | None = None


# --- writing the index -------------------------------------------------------------------------


def _entry_fields(*, title: str, body: str, venue: str, starts_at: datetime | None) -> dict[str, object]:
    return {
        # The term fields hold dictionary words only and the substrings sit apart: a word's
        # own matches must be told from text that merely contains it (京都 inside 東京都).
        "title_terms": " ".join(index_terms(title)),
        "body_terms": " ".join(index_terms(body)),
        "venue_terms": " ".join(index_terms(venue)),
        "bigrams": " ".join(bigrams(title) + bigrams(body)),
        "starts_at": starts_at,
    }


@transaction.atomic
def search_index_update(
    *,
    kind: str,
    object_id: int,
    title: str,
    body: str = "",
    venue: str = "",
    starts_at: datetime | None = None,
) -> None:
    """Put one object into the index, or replace what the index held for it.

    Call it from the service that changes the object, inside its transaction, so that the
    index never disagrees with what was committed. The index is derived data: no audit entry.
    """
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults=_entry_fields(title=title, body=body, venue=venue, starts_at=starts_at),
    )


@transaction.atomic
def search_index_move(*, kind: str, starts: dict[int, datetime | None]) -> int:
    """Give objects of ``kind`` a new start for the ranking (object id -> start); returns how
    many entries changed. For a daily job that moves programmes on to their next session."""
    moved = 0
    for object_id, starts_at in starts.items():
        moved += SearchEntry.objects.filter(kind=kind, object_id=object_id).update(starts_at=starts_at)
    return moved


@transaction.atomic
def search_index_remove(*, kind: str, object_id: int) -> None:
    """Take one object out of the index (it was deleted, or is no longer public)."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


@transaction.atomic
@transaction.atomic
def search_index_rebuild(kind: str, rows: Iterable[SearchDocument], *, batch_size: int = 500) -> int:
    """Replace every entry of ``kind`` with ``rows``, at once for readers; returns how many were written."""
    SearchEntry.objects.filter(kind=kind).delete()
    written = 0
    batch: list[SearchEntry] = []
    for row in rows:
        fields = _entry_fields(title=row.title, body=row.body, venue=row.venue, starts_at=row.starts_at)
        batch.append(SearchEntry(kind=kind, object_id=row.object_id, **fields))
        if len(batch) >= batch_size:
            written += len(SearchEntry.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(SearchEntry.objects.bulk_create(batch))
    return written


SearchSource = Callable[[], Iterable[SearchDocument]]
_sources: dict[str, SearchSource] = {}


def search_source_register(kind: str, rows: SearchSource) -> None:
    """Tell ``manabiba rebuild_search_index`` how to list every object of ``kind``.

    Apps call this from ``AppConfig.ready()``; ``core`` knows no domain app itself.
    """
    _sources[kind] = rows


def search_sources() -> dict[str, SearchSource]:
    return dict(_sources)


# --- compiling a query -----------------------------------------------------------------------------

Scope = Literal["any", "title", "body", "venue"]
# How a query word may match: as a dictionary word; as one, or the beginning of one; or, as well,
# as text anywhere inside a word.
Mode = Literal["word", "prefix", "substring"]
# Which indexed fields answer a word's terms and its substring fallback, in each scope.
# SQLite names FTS5 columns; PostgreSQL names the letters its lexemes are prefixed with in the
# migration (t title, b body, v venue, g bigrams).
_TERM_FIELDS: dict[Scope, tuple[str, str]] = {
    "any": ("title_terms body_terms venue_terms", "tbv"),
    "title": ("title_terms", "t"),
    "body": ("body_terms", "b"),
    "venue": ("venue_terms", "v"),
}
# Substrings are asked only when no entry holds the query's dictionary words (see
# ``search_ids``); the bigrams column holds the title's and the body's, so a substring match
# ranks in the body tier whichever of the two holds it.
# The same scopes as the fields of ``SearchEntry`` by number (title, body, venue), for the index
# held in memory (``core.search_memory``).
SCOPE_FIELDS: dict[Scope, tuple[int, ...]] = {"any": (0, 1, 2), "title": (0,), "body": (1,), "venue": (2,)}
_GRAM_FIELDS: dict[Scope, tuple[str, str] | None] = {
    "any": ("bigrams", "g"),
    "title": None,
    "body": ("bigrams", "g"),
    "venue": None,
}


class _Compiler:
    """Turns query words into an FTS5 MATCH expression or a PostgreSQL ``tsquery``.

    PostgreSQL's lexemes carry their field as a one-letter prefix instead of a weight: a GIN
    index answers a query with weights only by re-reading every candidate's ``tsvector``, and
    one without them (and without phrases) straight from the index.
    """

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def term(self, term: str, fields: tuple[str, str], *, prefix: bool = False) -> str:
        if self.sqlite:
            return f'{{{fields[0]}}} : "{term}"' + (" *" if prefix else "")
        star = ":*" if prefix else ""
        return self.join("or", [f"'{letter}{term}'{star}" for letter in fields[1]])

    def phrase(self, grams: tuple[str, ...], fields: tuple[str, str], prefix: bool) -> str:
        if self.sqlite:
            return f'{{{fields[0]}}} : "{" ".join(grams)}"' + (" *" if prefix else "")
        star = ":*" if prefix else ""
        return self.join(
            "or", ["(" + " <-> ".join(f"'{letter}{gram}'{star}" for gram in grams) + ")" for letter in fields[1]]
        )

    def join(self, operator: Literal["and", "or"], parts: list[str]) -> str:
        if len(parts) == 1:
            return parts[0]
        glue = {(True, "and"): " AND ", (True, "or"): " OR ", (False, "and"): " & ", (False, "or"): " | "}[
            (self.sqlite, operator)
        ]
        return "(" + glue.join(parts) + ")"

    def but_not(self, wanted: str, unwanted: list[str]) -> str:
        """Entries matching ``wanted`` and none of ``unwanted``."""
        if not unwanted:
            return wanted
        if self.sqlite:
            return f"({wanted} NOT {self.join('or', unwanted)})"
        return f"({wanted} & !{self.join('or', unwanted)})"

    def word(self, word: QueryWord, scope: Scope, *, mode: Mode) -> str | None:
        term_fields = _TERM_FIELDS[scope]
        options = [self.term(term, term_fields) for term in word.alternatives]
        if word.parts:
            options.append(
                self.join(
                    "and",
                    [self.join("or", [self.term(term, term_fields) for term in part]) for part in word.parts],
                )
            )
        if mode == "prefix":
            options.append(self.term(word.text, term_fields, prefix=True))
        gram_fields = _GRAM_FIELDS[scope]
        if mode == "substring" and gram_fields is not None:
            options.append(self.phrase(word.bigrams, gram_fields, prefix=len(word.text) == 1))
        return self.join("or", options)

    def query(self, words: list[QueryWord], scope: Scope, *, mode: Mode) -> str:
        return self.join("and", [part for word in words if (part := self.word(word, scope, mode=mode))])

    def tiers(self, words: list[QueryWord], *, exclusive: bool, substrings: bool) -> list[str]:
        """One query per ranking tier: the whole query in the title; in the body; in the venue;
        across fields (every scope lies within "any"); then, for words, the query with words that
        begin a longer one (ひばり in ひばりが丘) across fields. ``exclusive``: each tier's query
        leaves out the tiers before it (otherwise the caller does)."""
        mode: Mode = "substring" if substrings else "word"
        scopes: tuple[Scope, ...] = ("title", "body", "venue", "any")
        queries = [self.query(words, scope, mode=mode) for scope in scopes]
        # One word found anywhere is found in the title, the body (whose bigrams column also
        # holds the title's) or the venue: only a query of several words can match across fields.
        if len(words) == 1:
            queries = queries[:3]
        if not substrings:
            queries.append(self.query(words, "any", mode="prefix"))
        if exclusive:
            queries = [self.but_not(query, queries[:tier]) for tier, query in enumerate(queries)]
        return queries


def search_words(query: str) -> list[QueryWord]:
    """The words of ``query`` as the index is asked for them (at most eight, each cut to 32 characters)."""
    words = query_terms(" ".join(query.split()[:MAX_QUERY_WORDS]))
    return [
        QueryWord(word.text[:MAX_WORD_CHARS], word.alternatives, word.parts, word.bigrams[: MAX_WORD_CHARS - 1])
        for word in words
    ]


# --- the selector ---------------------------------------------------------------------------------

# SQLite: the FTS5 rowid of an entry is its rank key, (start in Unix seconds << 28) | entry id,
# written by the triggers of migration 0004_search_rank_key. FTS5 returns matches in rowid order
# and stops reading at LIMIT, so the soonest N upcoming (or the latest N past) matches of a tier
# cost N index steps however common the word is. Undated entries sort after every dated one.
# The entry's kind and object id come from a small covering index, not from the wide row.
_ID_BITS = 28
_ID_MASK = (1 << _ID_BITS) - 1
_UNDATED = 17179869183  # the seconds the migration gives an entry without a start
_SQLITE_TIER = (
    'SELECT e."object_id", f.rowid >> 28 FROM core_searchentry_fts f '
    'JOIN "core_searchentry" e INDEXED BY core_searchentry_rank_lookup ON e."id" = (f.rowid & %s) '
    'WHERE core_searchentry_fts MATCH %s AND f.rowid {range} %s AND e."kind" = %s ORDER BY f.rowid {order}'
)
_SQLITE_UPCOMING = _SQLITE_TIER.format(range=">=", order="ASC")
_SQLITE_PAST = _SQLITE_TIER.format(range="<", order="DESC")
# PostgreSQL: the GIN index finds a tier's entries without reading their vectors (the heap rows
# are narrow: migration 0004_search_rank_key moves the terms out of line), and a top-N sort
# orders those on one side of now. The CTE is materialised so that the LIMIT never tempts the
# planner into scanning the table in start order, testing every entry's vector.
_POSTGRESQL_TIER = (
    'WITH matches AS MATERIALIZED (SELECT "object_id", "starts_at" FROM "core_searchentry" '
    'WHERE "kind" = %s AND "search_vector" @@ to_tsquery(\'simple\'::regconfig, %s) AND {range}) '
    'SELECT "object_id", EXTRACT(EPOCH FROM "starts_at") FROM matches ORDER BY "starts_at" {order}, "object_id"'
)
_POSTGRESQL_UPCOMING = _POSTGRESQL_TIER.format(
    range='("starts_at" >= %s OR "starts_at" IS NULL)', order="ASC NULLS LAST"
)
_POSTGRESQL_PAST = _POSTGRESQL_TIER.format(range='"starts_at" < %s', order="DESC")

Row = tuple[int, float | None]  # an object id and its start in Unix seconds (None: undated)


def _tier_rows(compiled: str, *, kind: str, upcoming: bool, now: datetime, limit: int | None) -> list[Row]:
    """The entries of one tier, upcoming or past, in ranking order (at most ``limit``)."""
    params: list[str | int | datetime]
    if connection.vendor == "sqlite":
        sql = _SQLITE_UPCOMING if upcoming else _SQLITE_PAST
        params = [_ID_MASK, compiled, int(now.timestamp()) << _ID_BITS, kind]
    else:
        sql = _POSTGRESQL_UPCOMING if upcoming else _POSTGRESQL_PAST
        params = [kind, compiled, now]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # fetchall, not the wrapper's row-by-row iteration: a tier may hold thousands of rows.
        return [
            (object_id, None if seconds is None or seconds == _UNDATED else float(seconds))
            for object_id, seconds in cursor.fetchall()
        ]


def _ordered(rows: list[Row], *, upcoming: bool) -> list[int]:
    """Soonest first (undated last) among those to come, latest first among those gone; ties go
    to the lower object id."""
    if upcoming:
        rows.sort(key=lambda row: (row[1] is None, row[1] or 0.0, row[0]))
    else:
        rows.sort(key=lambda row: (-(row[1] or 0.0), row[0]))
    return [object_id for object_id, _seconds in rows]


def search_ids(*, kind: str, query: str, now: datetime, limit: int | None = None) -> list[int]:
    """The ids of the objects of ``kind`` that match every word of ``query``, best first.

    Entries starting at or after ``now`` count as upcoming; the caller passes the moment it
    asks about, as every selector does, so one request (and its cache key) sees one ranking.

    An empty query (or one of punctuation only) matches nothing. The tiers (title, body, venue,
    across fields) are read one by one, upcoming entries of every tier before past ones, and
    reading stops once ``limit`` ids are found: a common word costs about ``limit`` index steps,
    not one per entry it matches.

    Dictionary words decide: a word is found as itself, then (ranked below) at the beginning of a
    longer word (ひばり in ひばりが丘); text inside a word is asked only when no entry matches
    so, so that 京都 finds 京都 and not 東京都, and ダンス not ガイダンス, unless nothing else is there.

    The catalogue ranks from an index held in memory instead (``core.search_memory``), which a
    test holds to this.
    """
    words = search_words(query)
    if not words:
        return []
    ids = _ranked(words, kind=kind, now=now, limit=limit, substrings=False)
    if not ids:
        ids = _ranked(words, kind=kind, now=now, limit=limit, substrings=True)
    return ids


def _ranked(
    words: list[QueryWord],
    *,
    kind: str,
    now: datetime,
    limit: int | None,
    substrings: bool,
) -> list[int]:
    compiler = _Compiler(connection.vendor)
    # GIN answers a tier's NOT from the index. FTS5 would evaluate the earlier tiers again for
    # it, so on SQLite a tier's scan also returns entries of the tiers before it; they are
    # dropped here, and the scan reads that many more so that the LIMIT still holds.
    exclusive = not compiler.sqlite
    tiers = compiler.tiers(words, exclusive=exclusive, substrings=substrings)
    ids: list[int] = []
    for upcoming in (True, False):
        placed: set[int] = set()
        for compiled in tiers:
            wanted = None if limit is None else limit - len(ids)
            if wanted is not None and wanted <= 0:
                return ids[:limit]
            if wanted is not None and not exclusive:
                wanted += len(placed)
            rows = _tier_rows(compiled, kind=kind, upcoming=upcoming, now=now, limit=wanted)
            fresh = [row for row in rows if row[0] not in placed]
            placed.update(object_id for object_id, _seconds in fresh)
            ids.extend(_ordered(fresh, upcoming=upcoming))
    return ids if limit is None else ids[:limit]


# Every entry of a kind matching a query in any field, for ``search_match_sql``.
_SQLITE_MATCH_IDS = (
    'SELECT e."object_id" FROM core_searchentry_fts f '
    'JOIN "core_searchentry" e INDEXED BY core_searchentry_rank_lookup ON e."id" = (f.rowid & %s) '
    'WHERE core_searchentry_fts MATCH %s AND e."kind" = %s'
)
_POSTGRESQL_MATCH_IDS = (
    'SELECT "object_id" FROM "core_searchentry" '
    'WHERE "kind" = %s AND "search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)'
)


def search_match_sql(*, kind: str, query: str) -> tuple[str, list[str | int]]:
    """A subquery (SQL and parameters) selecting the object id of every entry of ``kind`` that
    matches every word of ``query`` in any field, for ``id IN (…)`` inside another query.

    ``search_ids`` reads a ranking and may stop at a limit; this is exact whatever the number of
    matches, and leaves counting and filtering to the database. It selects exactly the ids of
    ``search_ids`` without a limit: every ranking tier lies within the "any field" scope.
    """
    words = search_words(query)
    if not words:
        return "SELECT NULL WHERE 1 = 0", []
    compiler = _Compiler(connection.vendor)
    sql, params = _match_ids(compiler, compiler.query(words, "any", mode="prefix"), kind)
    with connection.cursor() as cursor:
        # The same choice as ``search_ids``: substrings only where the words find nothing.
        cursor.execute(f"{sql} LIMIT 1", params)
        if cursor.fetchone() is None:
            sql, params = _match_ids(compiler, compiler.query(words, "any", mode="substring"), kind)
    return sql, params


def _match_ids(compiler: _Compiler, compiled: str, kind: str) -> tuple[str, list[str | int]]:
    if compiler.sqlite:
        return _SQLITE_MATCH_IDS, [_ID_MASK, compiled, kind]
    return _POSTGRESQL_MATCH_IDS, [kind, compiled]


# --- snippets -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Analysed:
    """What a snippet needs of a text whatever the query: its folded form, where each folded
    character came from, and each content word's span with the terms it answers to."""

    folded: str
    origin: tuple[int, ...]
    tokens: tuple[tuple[int, int, frozenset[str]], ...]


def _analysed(text: str) -> _Analysed:
    return _analysed_remembered(text, analysis_version())


@lru_cache(maxsize=4096)
def _analysed_remembered(text: str, version: int) -> _Analysed:
    """The analysis of ``text``, kept: the catalogue shows the same summaries to query after query,
    and their analysis (a dictionary lookup per word) costs far more than marking a query in it."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = search_term(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    tokens = []
    for token in analyze(text):
        if not token.is_content:
            continue
        terms = {search_term(candidate) for candidate in (token.surface, token.normalized, token.reading)}
        terms.update(f"syn{group}" for group in token.synonym_groups)
        tokens.append((token.begin, token.end, frozenset(terms)))
    return _Analysed("".join(folded), tuple(origin), tuple(tokens))


def _marked_spans(text: str, words: list[QueryWord]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    analysed = _analysed(text)
    folded, origin = analysed.folded, analysed.origin
    for word in words:
        for match in re.finditer(re.escape(word.text), folded):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    wanted = {term for word in words for term in word.alternatives}
    wanted.update(term for word in words for part in word.parts for term in part)
    spans.extend((begin, end) for begin, end, terms in analysed.tokens if terms & wanted)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], length: int) -> tuple[int, int]:
    if len(text) <= length:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - length // 4, len(text) - length))
    return start, start + length


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Iterator[str]:
    if start > 0:
        yield "…"
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        yield html.escape(text[position:span_start])
        yield f"<mark>{html.escape(text[span_start:span_end])}</mark>"
        position = span_end
    yield html.escape(text[position:end])
    if end < len(text):
        yield "…"


def snippet_words(query: str) -> list[QueryWord]:
    """The words ``search_snippet`` marks for ``query``: analysed once for a page of snippets."""
    return search_words(query) if normalize(query) else []


def search_snippet(text: str, query: str, *, length: int | None = 160, words: list[QueryWord] | None = None) -> str:
    """``text`` as escaped HTML with the parts that matched ``query`` in ``<mark>``.

    Matching goes by normalised form, so a query in katakana marks the same word in hiragana,
    a reading marks its kanji and スマホ marks スマートフォン. With ``length`` a long text is cut
    to a window around the first match. ``words``: ``snippet_words(query)``, when the caller
    marks several texts with one query.
    """
    text = unicodedata.normalize("NFC", text)
    if words is None:
        words = snippet_words(query)
    spans = _marked_spans(text, words) if words else []
    start, end = _window(text, spans, length) if length is not None else (0, len(text))
    return "".join(_render(text, spans, start, end))
