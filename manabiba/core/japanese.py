"""Japanese text: normalisation, morphological analysis, search terms and furigana.

Everything that needs to know how Japanese is written goes through this module, so that the
search index, the search query and the furigana agree on one analysis. The analyser is
SudachiPy with its "core" dictionary; it is loaded lazily, once per process, and each thread
gets its own tokenizer because a Sudachi tokenizer must not be shared between threads.
"""

import csv
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "QueryWord",
    "Token",
    "analysis_version",
    "analyze",
    "bigrams",
    "furigana",
    "has_kanji",
    "index_terms",
    "is_kana",
    "normalize",
    "proper_nouns",
    "proper_nouns_register",
    "query_terms",
    "reading_overrides",
    "search_term",
    "to_hiragana",
    "to_katakana",
]

# Katakana ァ (U+30A1) .. ヶ (U+30F6) and the iteration marks ヽヾ sit 0x60 above their hiragana.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_HIRAGANA_TO_KATAKANA = {value: key for key, value in _KATAKANA_TO_HIRAGANA.items()}
_SPACES = re.compile(r"\s+")

# The local reading dictionary: readings the dictionary gets wrong for this city, or that locals say
# differently, in reference/readings.csv (reviewed; tests/core/test_reference_readings.py reads every
# area, facility and department name against a reviewed list). Town names from reference/areas.csv
# are added to these when the table is first used.
READINGS_FILE = "reference/readings.csv"

# Weekdays in brackets, as dates and timetables write them: （木）, (土・日), （土・祝）.
WEEKDAY_READINGS = {
    "月": "げつ",
    "火": "か",
    "水": "すい",
    "木": "もく",
    "金": "きん",
    "土": "ど",
    "日": "にち",
    "祝": "しゅく",
}
_WEEKDAY_BRACKETS = r"[（(][月火水木金土日祝](?:[・、,]?[月火水木金土日祝])*[）)]"

# Parts of speech that carry no meaning of their own in a search: particles, auxiliary verbs,
# punctuation and blanks. They are left out of the index and out of queries alike.
_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})

# Sudachi refuses inputs above about 49 KB of UTF-8; Japanese takes three bytes a character.
_MAX_CHUNK_CHARS = 12_000

SYNONYM_PREFIX = "syn"


def to_hiragana(text: str) -> str:
    return text.translate(_KATAKANA_TO_HIRAGANA)


def to_katakana(text: str) -> str:
    return text.translate(_HIRAGANA_TO_KATAKANA)


def normalize(text: str) -> str:
    """Fold width, case and katakana so that what people type meets what was written.

    ＰＣ and pc, ２０２５ and 2025, ｶﾀｶﾅ, カタカナ and かたかな all come out the same.
    """
    folded = to_hiragana(unicodedata.normalize("NFKC", text).casefold())
    return _SPACES.sub(" ", folded).strip()


def _is_kanji(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x2FA1F  # extensions B and later, compatibility supplement
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or char in "々〆ヶ"
    )


def has_kanji(text: str) -> bool:
    return any(_is_kanji(char) for char in text)


def has_japanese(text: str) -> bool:
    """Whether ``text`` has any kanji or kana: content someone wrote in Japanese."""
    return any(_is_kanji(char) or "\u3041" <= char <= "\u30ff" for char in text)


def is_kana(text: str) -> bool:
    """Whether ``text`` is written in kana alone (as a reading typed by someone would be)."""
    return bool(text) and all(
        "\u3041" <= char <= "\u309f" or "\u30a0" <= char <= "\u30ff" or char == "ー" for char in text
    )


def search_term(text: str) -> str:
    """``normalize`` and keep letters and digits only.

    The search engines split words at anything else (SQLite's unicode61 tokenizer and
    PostgreSQL's parser in slightly different ways); removing it here makes both see the
    same single word.
    """
    return "".join(char for char in normalize(text) if unicodedata.category(char)[0] in "LNM")


# --- the analyser -----------------------------------------------------------------------------


class _Analyser:
    """One Sudachi dictionary per process, one tokenizer per thread, both made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dictionary: Any = None
        self._local = threading.local()

    def _load_dictionary(self) -> Any:
        if self._dictionary is None:
            with self._lock:
                if self._dictionary is None:
                    from sudachipy import Dictionary  # type: ignore[import-untyped]

                    self._dictionary = Dictionary(dict="core")
        return self._dictionary

    def tokenizer(self) -> Any:
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            from sudachipy import SplitMode

            tokenizer = self._load_dictionary().tokenizer(mode=SplitMode.C)
            self._local.tokenizer = tokenizer
        return tokenizer


_analyser = _Analyser()


@dataclass(frozen=True)
class Token:
    """One word (Sudachi's longest unit, split mode C) of a text."""

    surface: str
    normalized: str  # Sudachi's normalised form: 子ども and こども give 子供
    reading: str  # in hiragana
    pos: str  # the first level of the part of speech: 名詞, 動詞, 補助記号, ...
    begin: int  # character offsets into the analysed text
    end: int
    synonym_groups: tuple[int, ...] = ()
    # The shorter units (split mode A) of a compound: 取り扱い説明書 holds 説明.
    parts: tuple["Token", ...] = field(default=())

    @property
    def is_content(self) -> bool:
        return self.pos not in _FUNCTION_POS


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Cut long texts at line or sentence ends into pieces the analyser accepts."""
    start = 0
    while len(text) - start > _MAX_CHUNK_CHARS:
        window = text[start : start + _MAX_CHUNK_CHARS]
        cut = max(window.rfind("\n"), window.rfind("。"))
        end = start + (cut + 1 if cut > 0 else _MAX_CHUNK_CHARS)
        yield start, text[start:end]
        start = end
    if start < len(text):
        yield start, text[start:]


def _token(morpheme: Any, offset: int, parts: tuple[Token, ...] = ()) -> Token:
    surface = morpheme.surface()
    reading = morpheme.reading_form()
    return Token(
        surface=surface,
        normalized=morpheme.normalized_form(),
        # Symbols and unknown words come back with an empty reading.
        reading=to_hiragana(reading) if reading else to_hiragana(surface),
        pos=morpheme.part_of_speech()[0],
        begin=offset + morpheme.begin(),
        end=offset + morpheme.end(),
        synonym_groups=tuple(morpheme.synonym_group_ids()),
        parts=parts,
    )


def analyze(text: str) -> list[Token]:
    """The words of ``text``, each with its normalised form, reading and compound parts.

    The city's proper nouns (``proper_nouns``) are one word each, whatever the dictionary cut:
    西東京 in 西東京市民会館 is a place, not 西 and 東京.
    """
    from sudachipy import SplitMode

    tokenizer = _analyser.tokenizer()
    tokens: list[Token] = []
    for offset, chunk in _chunks(text):
        found: list[Token] = []
        for morpheme in tokenizer.tokenize(chunk):
            sub = morpheme.split(SplitMode.A)
            parts = tuple(_token(part, offset) for part in sub) if len(sub) > 1 else ()
            found.append(_token(morpheme, offset, parts))
        tokens.extend(_proper_noun_tokens(chunk, offset, found))
    return tokens


# --- the city's proper nouns --------------------------------------------------------------------

# name -> whether it is a compound (a facility or department name: found by its words too) or a
# place (an area or the city: found as a whole only, so that 東京 is not found in 西東京).
_proper_nouns: dict[str, bool] = {}
_analysis_version = 0


def proper_nouns_register(names: Iterable[str], *, compound: bool) -> None:
    """Make ``names`` single words for the analyser: apps register their reference names (facilities,
    departments) from ``AppConfig.ready()``. The search index holds the analysis: after a change of
    these names, ``manabiba rebuild_search_index`` re-reads every text (docs/search.md)."""
    for name in names:
        name = unicodedata.normalize("NFKC", name).strip()
        if len(name) > 1:
            _proper_nouns[name] = compound or _proper_nouns.get(name, False)
    _proper_noun_pattern.cache_clear()
    _furigana_remembered.cache_clear()
    global _analysis_version
    _analysis_version += 1


def analysis_version() -> int:
    """Changes whenever the analysis of a text may change (new proper nouns): part of the key of
    anything remembered from ``analyze``."""
    return _analysis_version


def proper_nouns() -> dict[str, bool]:
    """Every proper noun the analyser keeps whole: the places of ``reference/readings.csv`` and
    ``reference/areas.csv``, and the names apps registered."""
    if not _builtin_places_loaded:
        _load_builtin_places()
    return dict(_proper_nouns)


_builtin_places_loaded = False


def _load_builtin_places() -> None:
    global _builtin_places_loaded
    places: list[str] = []
    with resources.files("manabiba.core").joinpath(READINGS_FILE).open(encoding="utf-8-sig") as handle:
        places.extend(row["word"] for row in csv.DictReader(handle) if row.get("place") == "yes")
    with resources.files("manabiba.core").joinpath("reference/areas.csv").open(encoding="utf-8-sig") as handle:
        places.extend(row["name"] for row in csv.DictReader(handle))
    _builtin_places_loaded = True
    proper_nouns_register(places, compound=False)


@lru_cache(maxsize=1)
def _proper_noun_pattern() -> re.Pattern[str] | None:
    names = sorted(proper_nouns(), key=len, reverse=True)
    if not names:
        return None
    # Every occurrence, overlapping ones too (a lookahead): the caller keeps those that fit the words.
    return re.compile("(?=(" + "|".join(re.escape(name) for name in names) + "))")


def _proper_noun_tokens(chunk: str, offset: int, tokens: list[Token]) -> list[Token]:
    """``tokens`` with each proper noun that starts and ends where the dictionary's words do made one
    word (the longest such name at a place): places first, then the compounds that hold them."""
    pattern = _proper_noun_pattern()
    if pattern is None or not tokens:
        return tokens
    nouns = proper_nouns()
    candidates: list[tuple[int, int, str]] = []
    for match in pattern.finditer(chunk):
        start = match.start()
        for name in nouns:
            if chunk.startswith(name, start):
                candidates.append((offset + start, offset + start + len(name), name))
    if not candidates:
        return tokens
    for compound in (False, True):
        starts = {token.begin: index for index, token in enumerate(tokens)}
        ends = {token.end: index for index, token in enumerate(tokens)}
        merged: list[Token] = []
        position = 0
        for begin, end, name in sorted(
            (c for c in candidates if nouns[c[2]] == compound), key=lambda c: (c[0], c[0] - c[1])
        ):
            first, last = starts.get(begin), ends.get(end)
            if first is None or last is None or first < position:
                continue
            if last == first and tokens[first].surface == name:
                # Already one word: only the local reading wins (向台 is むかいだい).
                reading = reading_overrides().get(name)
                if reading is not None:
                    tokens[first] = Token(**{**tokens[first].__dict__, "reading": reading})
                continue
            merged.extend(tokens[position:first])
            covered = tokens[first : last + 1]
            reading = reading_overrides().get(name) or "".join(token.reading for token in covered)
            parts = tuple(part for token in covered for part in (token, *token.parts)) if compound else ()
            merged.append(Token(name, name, reading, "名詞", begin, end, (), parts))
            position = last + 1
        tokens = merged + tokens[position:]
    return tokens


# --- search terms -------------------------------------------------------------------------------


def _token_terms(token: Token) -> Iterator[str]:
    yield search_term(token.surface)
    yield search_term(token.normalized)
    yield search_term(token.reading)
    for group in token.synonym_groups:
        yield f"{SYNONYM_PREFIX}{group}"


def _unique(terms: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(term for term in terms if term))


def index_terms(text: str) -> list[str]:
    """What a text can be found by: each word's surface, normalised form, reading and synonym
    groups, and the same for the parts of compounds, without repeats, in text order."""
    terms: list[str] = []
    for token in analyze(unicodedata.normalize("NFKC", text)):
        if not token.is_content:
            continue
        terms.extend(_token_terms(token))
        for part in token.parts:
            if part.is_content:
                terms.extend(_token_terms(part))
    for name, reading in reading_overrides().items():
        if name in text:
            terms.append(search_term(reading))
    return _unique(terms)


def bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of the normalised text, for finding text inside words.

    Each run of letters ends with its last character on its own, so that a one-character
    query can be answered by a prefix search and two runs never look adjacent.
    """
    grams: list[str] = []
    for run in re.split(r"[^\w]|_", normalize(text)):
        run = search_term(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        if run:
            grams.append(run[-1])
    return grams


@dataclass(frozen=True)
class QueryWord:
    """One word of a search query (words are separated by spaces) and the ways it can match.

    A document matches the word if it holds any of ``alternatives``; or, when the word is
    several dictionary words long, each group of ``parts``; or, as a fallback for text inside
    a compound, the word itself as a substring (``bigrams`` in a row).
    """

    text: str
    alternatives: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...]
    bigrams: tuple[str, ...]


def _query_alternatives(token: Token) -> list[str]:
    alternatives = [search_term(token.surface), search_term(token.normalized)]
    # A reading is an alternative only when the person typed one: a query in kanji should not
    # find every homophone (公園 is not 講演).
    if is_kana(token.surface):
        alternatives.append(search_term(token.reading))
    alternatives.extend(f"{SYNONYM_PREFIX}{group}" for group in token.synonym_groups)
    return _unique(alternatives)


def query_terms(query: str) -> list[QueryWord]:
    """The words of a query, each with its alternatives; a document must match every word."""
    words: list[QueryWord] = []
    # Analyse before folding kana: the dictionary knows スマホ, not すまほ.
    for raw in unicodedata.normalize("NFKC", query).split():
        text = search_term(raw)
        if not text:
            continue
        tokens = [token for token in analyze(raw) if token.is_content]
        if is_kana(raw) and len(tokens) != 1:
            # A word typed in hiragana may be a katakana word the dictionary knows (すまほ).
            katakana = [token for token in analyze(to_katakana(raw)) if token.is_content]
            if len(katakana) == 1:
                tokens = katakana
        if len(tokens) == 1:
            alternatives = _unique([text, *_query_alternatives(tokens[0])])
            parts: tuple[tuple[str, ...], ...] = ()
        else:
            alternatives = [text]
            parts = tuple(tuple(_query_alternatives(token)) for token in tokens)
        grams = tuple(text[i : i + 2] for i in range(len(text) - 1)) or (text,)
        words.append(QueryWord(text, tuple(alternatives), parts, grams))
    return words


# --- furigana -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def reading_overrides() -> dict[str, str]:
    """Readings that win over the dictionary's: the local dictionary and the city's town names."""
    overrides: dict[str, str] = {}
    with resources.files("manabiba.core").joinpath(READINGS_FILE).open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            overrides[row["word"]] = to_hiragana(row["reading"])
    with resources.files("manabiba.core").joinpath("reference/areas.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if has_kanji(row["name"]) and row["kana"]:
                overrides.setdefault(row["name"], to_hiragana(row["kana"]))
    return overrides


@lru_cache(maxsize=1)
def _override_pattern() -> re.Pattern[str]:
    names = sorted(reading_overrides(), key=len, reverse=True)
    return re.compile("|".join([_WEEKDAY_BRACKETS, *(re.escape(name) for name in names)]))


def _weekday_segments(text: str) -> Iterator[tuple[str, str | None]]:
    """（木） read as weekdays (もく), not as trees (き); the brackets and separators stay bare."""
    for char in text:
        yield char, WEEKDAY_READINGS.get(char)


def _is_kana(char: str) -> bool:
    return "\u3041" <= char <= "\u30ff"


def _bare_symbols(segments: Iterable[tuple[str, str | None]]) -> Iterator[tuple[str, str | None]]:
    """No ruby spans brackets, Latin letters, digits or symbols: FC東京 is FC and 東京(とうきょう).

    A segment with a reading and such characters in it (the dictionary read the whole word) is cut
    at them; each run of kanji left is read on its own.
    """
    for text, ruby in segments:
        if ruby is None or all(_is_kanji(char) or _is_kana(char) for char in text):
            yield text, ruby
            continue
        for run in re.findall(r"[^\W\d_a-zA-Z]+|[\W\d_a-zA-Z]+", text):
            if has_kanji(run) and run != text:
                yield from _furigana_plain(run)
            else:
                yield run, None


def _align(surface: str, reading: str) -> list[tuple[str, str | None]]:
    """Give each run of kanji its part of the reading, leaving the kana around it bare.

    受ける (うける) gives 受(う)ける; 申し込み (もうしこみ) gives 申(もう)し込(こ)み. When the
    kana of the surface cannot be found in the reading, the whole word gets the reading.
    """
    runs: list[tuple[str, bool]] = []
    for char in surface:
        kanji = _is_kanji(char)
        if runs and runs[-1][1] == kanji:
            runs[-1] = (runs[-1][0] + char, kanji)
        else:
            runs.append((char, kanji))
    pattern = "".join("(.+?)" if kanji else f"({re.escape(to_hiragana(text))})" for text, kanji in runs)
    match = re.fullmatch(pattern, to_hiragana(reading))
    if match is None:
        return [(surface, reading)]
    return [(text, match.group(i + 1) if kanji else None) for i, (text, kanji) in enumerate(runs)]


def _merge(segments: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    merged: list[tuple[str, str | None]] = []
    for text, reading in segments:
        if not text:
            continue
        if reading is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + text, None)
        else:
            merged.append((text, reading))
    return merged


# The days of the month read with か (みっか, はつか); the others with にち. The dictionary reads 日
# after a number either way (16日 as じゅうろっか), and the number itself, written in digits, has no ruby.
_DAYS_READ_KA = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 20, 24})


def _day_of_month_reading(number: str) -> str:
    return "か" if int(unicodedata.normalize("NFKC", number)) in _DAYS_READ_KA else "にち"


def _furigana_plain(text: str) -> Iterator[tuple[str, str | None]]:
    position = 0
    previous = ""
    for token in analyze(text):
        if token.begin > position:
            yield text[position : token.begin], None
        surface = text[token.begin : token.end]
        after_number, previous = previous, surface
        if surface == "日" and after_number.isdecimal() and len(after_number) <= 2:
            yield surface, _day_of_month_reading(after_number)
        elif has_kanji(surface) and token.reading and not has_kanji(token.reading):
            yield from _align(surface, token.reading)
        else:
            yield surface, None
        position = token.end
    if position < len(text):
        yield text[position:], None


def furigana(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into segments, each kanji segment with its reading in hiragana.

    Joining the segments' texts gives ``text`` back. Local names take their readings from
    ``reading_overrides()`` (保谷 is ほうや, not ほや). Remembered per text in each process (the
    same titles, labels and venues come back on every page): the analysis depends on the text
    and the dictionaries only.
    """
    if not has_kanji(text):
        return [(text, None)] if text else []
    return list(_furigana_remembered(text))


@lru_cache(maxsize=20_000)
def _furigana_remembered(text: str) -> tuple[tuple[str, str | None], ...]:
    return tuple(_furigana(text))


def _furigana(text: str) -> list[tuple[str, str | None]]:
    segments: list[tuple[str, str | None]] = []
    position = 0
    for match in _override_pattern().finditer(text):
        segments.extend(_furigana_plain(text[position : match.start()]))
        if match.group() in reading_overrides():
            segments.extend(_align(match.group(), reading_overrides()[match.group()]))
        else:
            segments.extend(_weekday_segments(match.group()))
        position = match.end()
    segments.extend(_furigana_plain(text[position:]))
    return _merge(_bare_symbols(segments))


def reading(text: str) -> str:
    """``text`` read aloud in katakana, from the same analysis as :func:`furigana` (保谷 is ホウヤ).

    Kana, Latin letters, digits and symbols are kept as they are; only kanji get their reading.
    """
    return to_katakana("".join(ruby or segment for segment, ruby in furigana(text)))
