"""The search index: services that keep it, one selector that searches it, highlighted snippets.

Domain apps call ``search_index_update``/``search_index_remove`` from their own services, in
the same transaction as the change, and ``search_ids`` from their selectors. The index holds
terms made by ``core.japanese`` (normalised surfaces, normalised forms, readings, synonym
groups, and character bigrams for text inside compounds); the database's full-text engine
serves them: SQLite FTS5 or a PostgreSQL ``tsvector`` with a GIN index. A query is compiled
into the same boolean tree for both, so both return the same ids in the same order.

Ranking: entries still to come (``starts_at`` now or later, or undated) before past ones;
then those matching the whole query in the title, then in the body, then in the venue, then
across fields; then the soonest (or, for past ones, the most recent) first.
"""

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from manabiba.core.japanese import (
    QueryWord,
    analyze,
    bigrams,
    index_terms,
    normalize,
    query_terms,
    search_term,
)
from manabiba.core.models import SearchEntry

__all__ = [
    "SearchDocument",
    "search_ids",
    "search_index_rebuild",
    "search_index_remove",
    "search_index_update",
    "search_snippet",
    "search_source_register",
    "search_sources",
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
    title_grams = bigrams(title)
    return {
        # The title's bigrams sit with its terms too, so that text inside a title word still
        # ranks as a title match.
        "title_terms": " ".join(index_terms(title) + title_grams),
        "body_terms": " ".join(index_terms(body)),
        "venue_terms": " ".join(index_terms(venue)),
        "bigrams": " ".join(title_grams + bigrams(body)),
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
def search_index_remove(*, kind: str, object_id: int) -> None:
    """Take one object out of the index (it was deleted, or is no longer public)."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


@transaction.atomic
def search_index_rebuild(kind: str, rows: Iterable[SearchDocument], *, batch_size: int = 500) -> int:
    """Replace every entry of ``kind`` with ``rows``; returns how many were written."""
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
# Which indexed fields answer a word's terms and its substring fallback, in each scope.
# SQLite names FTS5 columns; PostgreSQL names the weights given to them in the migration.
_TERM_FIELDS: dict[Scope, tuple[str, str]] = {
    "any": ("title_terms body_terms venue_terms", "ABC"),
    "title": ("title_terms", "A"),
    "body": ("body_terms", "B"),
    "venue": ("venue_terms", "C"),
}
_GRAM_FIELDS: dict[Scope, tuple[str, str] | None] = {
    "any": ("bigrams", "D"),
    "title": ("title_terms", "A"),
    "body": ("bigrams", "D"),  # only asked once the title has failed, so the match is in the body
    "venue": None,
}


class _Compiler:
    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def term(self, term: str, fields: tuple[str, str]) -> str:
        if self.sqlite:
            return f'{{{fields[0]}}} : "{term}"'
        return f"'{term}':{fields[1]}"

    def phrase(self, grams: tuple[str, ...], fields: tuple[str, str], prefix: bool) -> str:
        if self.sqlite:
            return f'{{{fields[0]}}} : "{" ".join(grams)}"' + (" *" if prefix else "")
        star = "*" if prefix else ""
        return "(" + " <-> ".join(f"'{gram}':{star}{fields[1]}" for gram in grams) + ")"

    def join(self, operator: Literal["and", "or"], parts: list[str]) -> str:
        if len(parts) == 1:
            return parts[0]
        glue = {(True, "and"): " AND ", (True, "or"): " OR ", (False, "and"): " & ", (False, "or"): " | "}[
            (self.sqlite, operator)
        ]
        return "(" + glue.join(parts) + ")"

    def word(self, word: QueryWord, scope: Scope) -> str | None:
        term_fields = _TERM_FIELDS[scope]
        options = [self.term(term, term_fields) for term in word.alternatives]
        if word.parts:
            options.append(
                self.join(
                    "and",
                    [self.join("or", [self.term(term, term_fields) for term in part]) for part in word.parts],
                )
            )
        gram_fields = _GRAM_FIELDS[scope]
        if gram_fields is not None:
            options.append(self.phrase(word.bigrams, gram_fields, prefix=len(word.text) == 1))
        return self.join("or", options)

    def query(self, words: list[QueryWord], scope: Scope) -> str:
        return self.join("and", [part for word in words if (part := self.word(word, scope))])


def _words(query: str) -> list[QueryWord]:
    words = query_terms(" ".join(query.split()[:MAX_QUERY_WORDS]))
    return [
        QueryWord(word.text[:MAX_WORD_CHARS], word.alternatives, word.parts, word.bigrams[: MAX_WORD_CHARS - 1])
        for word in words
    ]


def _matches(compiled: str) -> tuple[str, list[str]]:
    if connection.vendor == "sqlite":
        return (
            '"core_searchentry"."id" IN (SELECT rowid FROM core_searchentry_fts WHERE core_searchentry_fts MATCH %s)',
            [compiled],
        )
    return '"core_searchentry"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)', [compiled]


# --- the selector ---------------------------------------------------------------------------------


def search_ids(*, kind: str, query: str, limit: int | None = None) -> list[int]:
    """The ids of the objects of ``kind`` that match every word of ``query``, best first.

    An empty query (or one of punctuation only) matches nothing.
    """
    words = _words(query)
    if not words:
        return []
    compiler = _Compiler(connection.vendor)
    match_sql, match_params = _matches(compiler.query(words, "any"))
    tier_sql: list[str] = []
    tier_params: list[str] = []
    scopes: tuple[Scope, ...] = ("title", "body", "venue")
    for tier, scope in enumerate(scopes):
        sql, params = _matches(compiler.query(words, scope))
        tier_sql.append(f"WHEN {sql} THEN {tier}")
        tier_params.extend(params)
    now = timezone.now()
    # The raw SQL is fixed text; the compiled queries go in as parameters.
    ids = (
        SearchEntry.objects.filter(kind=kind)
        .filter(RawSQL(match_sql, match_params, output_field=BooleanField()))  # noqa: S611
        .annotate(
            past=Case(When(Q(starts_at__lt=now), then=Value(1)), default=Value(0), output_field=IntegerField()),
            tier=RawSQL(  # noqa: S611
                "CASE " + " ".join(tier_sql) + " ELSE 3 END", tier_params, output_field=IntegerField()
            ),
            soon=Case(When(starts_at__gte=now, then=F("starts_at"))),
            recent=Case(When(starts_at__lt=now, then=F("starts_at"))),
        )
        .order_by("past", "tier", F("soon").asc(nulls_last=True), F("recent").desc(nulls_last=True), "object_id")
        .values_list("object_id", flat=True)
    )
    if limit is not None:
        ids = ids[:limit]
    return list(ids)


# --- snippets -----------------------------------------------------------------------------------------


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` normalised one character at a time, and where each folded character came from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = search_term(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _marked_spans(text: str, words: list[QueryWord]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    folded, origin = _folded_with_offsets(text)
    for word in words:
        for match in re.finditer(re.escape(word.text), folded):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    wanted = {term for word in words for term in word.alternatives}
    wanted.update(term for word in words for part in word.parts for term in part)
    for token in analyze(text):
        if not token.is_content:
            continue
        candidates = (token.surface, token.normalized, token.reading)
        token_terms = {search_term(candidate) for candidate in candidates}
        token_terms.update(f"syn{group}" for group in token.synonym_groups)
        if token_terms & wanted:
            spans.append((token.begin, token.end))
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


def search_snippet(text: str, query: str, *, length: int | None = 160) -> str:
    """``text`` as escaped HTML with the parts that matched ``query`` in ``<mark>``.

    Matching goes by normalised form, so a query in katakana marks the same word in hiragana,
    a reading marks its kanji and スマホ marks スマートフォン. With ``length`` a long text is cut
    to a window around the first match.
    """
    text = unicodedata.normalize("NFC", text)
    words = _words(query) if normalize(query) else []
    spans = _marked_spans(text, words) if words else []
    start, end = _window(text, spans, length) if length is not None else (0, len(text))
    return "".join(_render(text, spans, start, end))
