"""A kind's search entries held in memory: a query's matches and ranking without the database.

The catalogue answers every search with an exact count, eighty-odd facet counts and a page in
ranking order. Read from the full-text engine, a common word's matches (tens of thousands at
100,000 programmes) cost tens of milliseconds each time a process first meets the word; every
visitor typing something different meets it often. Here each entry of the kind has a position,
in the ranking's order (start, undated last, then object id), and each term of each field the
entries holding it as the bits of a Python integer (or, for rare terms, as positions, which
take less memory and become bits when asked). A query is a few ORs and ANDs of those; its
ranking at any moment is the set bits above and below the moment's position.

Exact: the same rules as the engines' (``core.search._Compiler``): a word matches as any of its
alternatives, or its parts together, in the tier's field; then as the beginning of a longer
word; and text inside longer words (a word's bigrams in a row) only when no entry holds the
query's words, as ``search_ids`` does. A test holds this ranking to ``search_ids`` at many
moments on both databases.
"""

import dataclasses
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from django.db import connection

from manabiba.core.japanese import QueryWord
from manabiba.core.search import SCOPE_FIELDS, search_words

Postings: TypeAlias = "int | array[int]"  # bits, or positions of a rare term

_INF = float("inf")
# Rare terms are kept as positions (memory), and turned into bits when a query asks for them: about a
# tenth of a millisecond each at 100,000 entries. Queries share their words, so each process keeps
# the bits of the terms asked most recently, up to this many bytes (a few hundred terms).
TERM_BITS_KEPT_BYTES = 8_000_000


class _RecentBits:
    """The bits of the rare terms asked most recently, within ``TERM_BITS_KEPT_BYTES`` (nothing
    when not ``enabled``: to measure every query computed afresh)."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[int, str], int] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[int, str]) -> int | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: tuple[int, str], bits: int) -> None:
        size = (bits.bit_length() + 7) // 8
        if not self.enabled:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = bits
            self._bytes += size
            while self._bytes > TERM_BITS_KEPT_BYTES and self._kept:
                _key, dropped = self._kept.popitem(last=False)
                self._bytes -= (dropped.bit_length() + 7) // 8

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


class _QueryBits(_RecentBits):
    """The rare terms' bits as one query sees them: each computed once for the query (its tiers ask
    a term again in every scope that holds its field: title, then across fields, then as a
    beginning), then taken from those kept between queries, if any."""

    def __init__(self, kept: _RecentBits) -> None:
        self._between = kept
        self._own: dict[tuple[int, str], int] = {}

    def get(self, key: tuple[int, str]) -> int | None:
        found = self._own.get(key)
        return found if found is not None else self._between.get(key)

    def put(self, key: tuple[int, str], bits: int) -> None:
        self._own[key] = bits
        self._between.put(key, bits)

    def clear(self) -> None:
        self._own.clear()


def epoch_sql(column: str) -> str:
    """SQL for a datetime column in Unix seconds (whole seconds on SQLite, as its rank key)."""
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"
    return f"EXTRACT(EPOCH FROM {column})"


def bits_of_positions(positions: Iterable[int], size: int) -> int:
    """The integer whose bits are ``positions``."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


@dataclass(frozen=True)
class TermIndex:
    """Every entry of a kind (and any other object the caller places), by ranking position."""

    kind: str
    ids: tuple[int, ...]
    position: dict[int, int]
    starts: "array[float]"  # Unix seconds at each position, ascending (inf: undated)
    fields: tuple[dict[str, Postings], ...]  # title, body, venue: each term's entries
    vocabulary: tuple[str, ...]  # every term of every field, sorted, for prefixes
    # Text inside words: each bigram's entries, and each entry's sequence of bigrams (shared by
    # the entries with the same text; -1: none), to tell a word's bigrams in a row from the same
    # bigrams apart.
    grams: dict[str, Postings]
    gram_vocabulary: tuple[str, ...]
    gram_texts: tuple[str, ...]
    gram_text: "array[int]"
    recent: _RecentBits = dataclasses.field(default_factory=_RecentBits, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def postings(self, field: int, term: str) -> int:
        return self._bits(field, term, self.fields[field].get(term, 0))

    def gram_postings(self, gram: str) -> int:
        return self._bits(-1, gram, self.grams.get(gram, 0))

    def _bits(self, field: int, term: str, found: Postings) -> int:
        if isinstance(found, int):
            return found
        key = (field, term)
        bits = self.recent.get(key)
        if bits is None:
            bits = bits_of_positions(found, self.size)
            self.recent.put(key, bits)
        return bits

    def positions_of(self, bits: int) -> list[int]:
        """The positions whose bits are set, ascending (for many: a pass over the bytes)."""
        found: list[int] = []
        for number, byte in enumerate(bits.to_bytes((self.size + 8) // 8, "little")):
            if byte:
                first = number << 3
                found.extend(first + bit for bit in range(8) if byte >> bit & 1)
        return found

    def ids_of(self, bits: int, *, limit: int | None = None) -> list[int]:
        """The objects whose bits are set, in ranking order."""
        ids, base = self.ids, 0
        found: list[int] = []
        while bits and (limit is None or len(found) < limit):
            low = (bits & -bits).bit_length() - 1
            found.append(ids[base + low])
            bits >>= low + 1
            base += low + 1
        return found


def term_index_build(
    kind: str, *, others: Iterable[tuple[int, float | None]] = (), keep_term_bits: bool = True
) -> TermIndex:
    """Read every entry of ``kind`` (one query) and place ``others`` (object id, start), objects
    that have no entry but share the positions (the catalogue's programmes). ``keep_term_bits``:
    keep the bits of rare terms asked recently (``TERM_BITS_KEPT_BYTES``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "object_id", {epoch_sql("starts_at")}, "title_terms", "body_terms", "venue_terms", "bigrams" '  # noqa: S608
            'FROM "core_searchentry" WHERE "kind" = %s',
            [kind],
        )
        rows = cursor.fetchall()
    entries = {int(row[0]): row for row in rows}
    placed = [(_INF if row[1] is None else float(row[1]), pk) for pk, row in entries.items()]
    placed.extend((_INF if start is None else float(start), pk) for pk, start in others if pk not in entries)
    placed.sort()
    ids = tuple(pk for _start, pk in placed)
    position = {pk: index for index, pk in enumerate(ids)}
    size = len(ids)
    fields = tuple(_postings(entries, column, position, dense=WORDS_DENSE)[0] for column in (2, 3, 4))
    grams, gram_texts = _postings(entries, 5, position, dense=GRAMS_DENSE)
    vocabulary = tuple(sorted({term for field in fields for term in field}))
    gram_text = array("i", [-1]) * size
    for number, holders in enumerate(gram_texts.values()):
        for index in holders:
            gram_text[index] = number
    return TermIndex(
        kind=kind,
        ids=ids,
        position=position,
        starts=array("d", (start for start, _pk in placed)),
        fields=fields,
        vocabulary=vocabulary,
        grams=grams,
        gram_vocabulary=tuple(sorted(grams)),
        gram_texts=tuple(f" {text} " for text in gram_texts),
        gram_text=gram_text,
        recent=_RecentBits(enabled=keep_term_bits),
    )


def _postings(
    entries: dict[int, tuple[Any, ...]], column: int, position: dict[int, int], *, dense: int
) -> tuple[dict[str, Postings], dict[str, "array[int]"]]:
    """Each term of one column with the entries holding it; and each distinct text of the column
    with its entries (recurring programmes repeat their texts: each is split once)."""
    size = len(position)
    by_text: dict[str, array[int]] = {}
    for pk, row in entries.items():
        text = row[column] or ""
        holders = by_text.get(text)
        if holders is None:
            holders = by_text[text] = array("i")
        holders.append(position[pk])
    terms: dict[str, array[int]] = {}
    for text, holders in by_text.items():
        for term in set(text.split()):
            found = terms.get(term)
            if found is None:
                found = terms[term] = array("i")
            found.extend(holders)
    postings: dict[str, Postings] = {
        term: bits_of_positions(held, size) if len(held) * dense > size else held for term, held in terms.items()
    }
    return postings, by_text


# Bits cost size/8 bytes however few they are, positions 4 bytes each but must become bits for every
# query that asks the term (about 80 ns a position here). A word held by more than one entry in
# 128 is kept as bits (at most four times its positions' memory): at 100,000 programmes that took
# half the positions a distinct query turns into bits, for 6 MB more a process than one in 64.
# Bigrams are asked only when no entry holds the query's words: one in 64 (at most twice).
WORDS_DENSE = 128
GRAMS_DENSE = 64


# --- a query's tiers ------------------------------------------------------------------------------


def _term_bits(index: TermIndex, fields: tuple[int, ...], term: str) -> int:
    result = 0
    for field in fields:
        result |= index.postings(field, term)
    return result


def _word_bits(index: TermIndex, word: QueryWord, fields: tuple[int, ...], *, prefix: bool) -> int:
    result = 0
    for term in word.alternatives:
        result |= _term_bits(index, fields, term)
    if word.parts:
        together = -1
        for part in word.parts:
            either = 0
            for term in part:
                either |= _term_bits(index, fields, term)
            together &= either
        result |= together
    if prefix:
        vocabulary = index.vocabulary
        first = bisect_left(vocabulary, word.text)
        last = bisect_right(vocabulary, word.text + "\U0010ffff", lo=first)
        for term in vocabulary[first:last]:
            result |= _term_bits(index, fields, term)
    return result


def _all_words(index: TermIndex, words: list[QueryWord], fields: tuple[int, ...], *, prefix: bool = False) -> int:
    result = -1
    for word in words:
        result &= _word_bits(index, word, fields, prefix=prefix)
        if not result:
            return 0
    return result


def _each(parts: Iterable[int]) -> int:
    result = -1
    for part in parts:
        result &= part
    return result


def _loose(index: TermIndex, word: QueryWord) -> int:
    """Entries holding every bigram of ``word`` (a one-character word: any bigram it begins), in a
    row or not: those holding it as text inside their words are among them."""
    if len(word.text) == 1:
        vocabulary = index.gram_vocabulary
        first = bisect_left(vocabulary, word.text)
        last = bisect_right(vocabulary, word.text + "\U0010ffff", lo=first)
        result = 0
        for gram in vocabulary[first:last]:
            result |= index.gram_postings(gram)
        return result
    result = -1
    for gram in word.bigrams:
        result &= index.gram_postings(gram)
        if not result:
            return 0
    return result


def _inside(index: TermIndex, word: QueryWord, candidates: int) -> int:
    """Those of ``candidates`` (from ``_loose``) with ``word``'s bigrams in a row, as the engines'
    phrase queries find them."""
    if len(word.bigrams) < 2 or not candidates:
        return candidates
    phrase = f" {' '.join(word.bigrams)} "
    texts, text_of = index.gram_texts, index.gram_text
    verdicts: dict[int, bool] = {}
    held = []
    for position in index.positions_of(candidates):
        number = text_of[position]
        verdict = verdicts.get(number)
        if verdict is None:
            verdict = verdicts[number] = phrase in texts[number]
        if verdict:
            held.append(position)
    return bits_of_positions(held, index.size)


def query_tiers(index: TermIndex, query: str) -> list[int]:
    """``query``'s matches by ranking tier, each entry in its first: the whole query in the title,
    the body, the venue, across fields (several words), then as beginnings of words; or, when none
    of these finds an entry, the substring tiers read from the database."""
    words = search_words(query)
    if not words:
        return []
    index = dataclasses.replace(index, recent=_QueryBits(index.recent))
    every = SCOPE_FIELDS["any"]
    scopes = [SCOPE_FIELDS["title"], SCOPE_FIELDS["body"], SCOPE_FIELDS["venue"]]
    if len(words) > 1:
        scopes.append(every)
    tiers = [_all_words(index, words, scope) for scope in scopes]
    tiers.append(_all_words(index, words, every, prefix=True))
    if not any(tiers):
        # No entry holds the words: text inside longer words, in the title (as words only: the
        # title's bigrams are in the body's column), the body, the venue (words only), across fields.
        body = [_word_bits(index, word, SCOPE_FIELDS["body"], prefix=False) for word in words]
        everywhere = [_word_bits(index, word, every, prefix=False) for word in words]
        loose = [_loose(index, word) for word in words]
        # Every tier lies within the entries holding each word or its bigrams: only those are read.
        within = _each(bits | gram for bits, gram in zip(everywhere, loose, strict=True))
        inside = [_inside(index, word, gram & within) for word, gram in zip(words, loose, strict=True)]
        tiers = [
            _all_words(index, words, SCOPE_FIELDS["title"]),
            _each(bits | gram for bits, gram in zip(body, inside, strict=True)),
            _all_words(index, words, SCOPE_FIELDS["venue"]),
        ]
        if len(words) > 1:
            tiers.append(_each(bits | gram for bits, gram in zip(everywhere, inside, strict=True)))
    exclusive, earlier = [], 0
    for tier in tiers:
        exclusive.append(tier & ~earlier)
        earlier |= tier
    return exclusive


# --- the ranking -------------------------------------------------------------------------------


def ranked_ids(index: TermIndex, tiers: list[int], now: datetime, *, allowed: int = -1, limit: int) -> list[int]:
    """The first ``limit`` objects of the ranking at ``now`` among ``allowed`` (bits of ``index``):
    what ``search_ids`` returns, filtered. Those still to come, tier by tier, soonest first; then
    those begun, tier by tier, latest first, those begun at one moment in the order of their ids."""
    starts = index.starts
    cut = bisect_left(starts, now.timestamp())
    found: list[int] = []
    for tier in tiers:
        if len(found) >= limit:
            return found
        found.extend(index.ids_of((tier & allowed) >> cut << cut, limit=limit - len(found)))
    before = (1 << cut) - 1
    for tier in tiers:
        bits = tier & allowed & before
        while bits and len(found) < limit:
            latest = bits.bit_length() - 1
            group = bisect_left(starts, starts[latest], hi=latest)
            found.extend(index.ids_of(bits >> group << group, limit=limit - len(found)))
            bits &= (1 << group) - 1
    return found
