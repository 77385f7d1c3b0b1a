"""「もしかして」: a better spelling of a weak keyword, taken from the search index's own words.

A resident who types ようが for ヨガ (a long vowel heard that is not written) finds only entries
that contain よう and うが inside other words. When a kana keyword is not a word of the index, the
index's words whose reading sounds the same (long vowels and ー folded) or differs by one kana are
the candidates, in the form the index holds them: the kanji surface (洋画), or the katakana of a word
written in kana (ヨガ); the most widely used wins.

The vocabulary is read from ``SearchEntry`` rows of one kind and kept in the shared cache for a few
minutes: a new word reaches the suggestions at most that late. Each process also keeps the one it
last read, for as long as the shared cache holds the same one (a small stamp tells), so that a
search does not unpickle thousands of words.
"""

import secrets
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache

from manabiba.core.japanese import has_kanji, is_kana, normalize, to_katakana
from manabiba.core.models import SearchEntry

VOCABULARY_TTL = 300
MIN_KEYWORD_CHARS = 2

_VOWELS = {
    "a": "あかさたなはまやらわがざだばぱぁゃゎ",
    "i": "いきしちにひみりぎじぢびぴぃ",
    "u": "うくすつぬふむゆるぐずづぶぷぅゅ",
    "e": "えけせてねへめれげぜでべぺぇ",
    "o": "おこそとのほもよろをごぞどぼぽぉょ",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWELS.items() for kana in row}
# A kana that only lengthens the vowel before it: おう, えい, ああ, ー …
_LENGTHENS = {"あ": "a", "い": "ie", "う": "uo", "え": "e", "お": "o"}


@dataclass(frozen=True)
class Vocabulary:
    terms: frozenset[str]
    # reading (hiragana) -> the form to show, with how many entries use it
    forms: dict[str, tuple[str, int]]
    # the same as (sound, uses, form), under the sound and under the sound with any one kana left
    # out: two sounds one kana apart share one of these keys, so a keyword is compared with the
    # few readings that may be near it, not with every reading
    sounds: dict[str, list[tuple[str, int, str]]]
    stamp: str


def sound(reading: str) -> str:
    """The reading with long vowels written short: ようが, よーが and よが all sound like よが."""
    out: list[str] = []
    for kana in reading:
        previous = _VOWEL_OF.get(out[-1]) if out else None
        if kana == "ー" and out:
            continue
        if previous is not None and previous in _LENGTHENS.get(kana, ""):
            continue
        out.append(kana)
    return "".join(out)


def _one_apart(a: str, b: str) -> bool:
    """Whether one kana added, dropped or changed turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _near_keys(heard: str) -> set[str]:
    """The sound and the sound with each one kana left out."""
    return {heard, *(heard[:i] + heard[i + 1 :] for i in range(len(heard)))}


def _title_word_terms(title_terms: str, bigrams: str) -> list[str]:
    """The title's word terms: title_terms ends with the title's bigrams, which start the bigrams field."""
    terms, grams = title_terms.split(), bigrams.split()
    if not grams:
        return terms
    # The longest tail of terms that starts the bigrams begins at a term equal to the first bigram:
    # only those places are tried (comparing every length made this quadratic in the title).
    first = grams[0]
    for start in range(max(0, len(terms) - len(grams)), len(terms)):
        if terms[start] == first and terms[start:] == grams[: len(terms) - start]:
            return terms[:start]
    return terms


_kept: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def _vocabulary(kind: str) -> Vocabulary:
    key = f"search:vocabulary:{kind}"
    kept = _kept.get(kind)
    if kept is not None and cache.get(f"{key}:stamp") == kept.stamp:
        return kept
    with _lock:
        cached: Vocabulary | None = cache.get(key)
        if cached is None:
            cached = _read_vocabulary(kind)
            cache.set(key, cached, VOCABULARY_TTL)
            cache.set(f"{key}:stamp", cached.stamp, VOCABULARY_TTL)
        _kept[kind] = cached
    return cached


def _read_vocabulary(kind: str) -> Vocabulary:
    terms: set[str] = set()
    uses: Counter[tuple[str, str]] = Counter()
    rows = SearchEntry.objects.filter(kind=kind).values_list("title_terms", "body_terms", "bigrams")
    # Entries with the same text (a course repeated each term) are read once, counted as often.
    repeats = Counter(rows.iterator(chunk_size=2000))
    # Texts share their words: each word is classified once.
    kanji: dict[str, bool] = {}
    kana: dict[str, bool] = {}
    for (title_terms, body_terms, bigrams), times in repeats.items():
        seen: set[tuple[str, str]] = set()
        for sequence in (_title_word_terms(title_terms, bigrams), body_terms.split()):
            terms.update(sequence)
            for term in sequence:
                if term not in kanji:
                    kanji[term], kana[term] = has_kanji(term), is_kana(term)
            for index, term in enumerate(sequence):
                if kanji[term]:
                    # A kanji word's reading is the first kana term after it (index_terms writes
                    # the surface, the normalised form, then the reading).
                    reading = next((t for t in sequence[index + 1 : index + 3] if kana[t]), None)
                    if reading:
                        seen.add((reading, term))
                elif kana[term] and len(term) >= MIN_KEYWORD_CHARS:
                    # index_terms follows a word with its spelling variants (ヨガ: よが, よーが); the
                    # word as written comes first.
                    if index and kana[sequence[index - 1]] and sound(sequence[index - 1]) == sound(term):
                        continue
                    seen.add((term, to_katakana(term)))
        uses.update(dict.fromkeys(seen, times))
    forms: dict[str, tuple[str, int]] = {}
    # A reading some kanji word has is shown in kanji (とうげい as 陶芸, not トウゲイ); else the most used form.
    for (reading, form), count in sorted(uses.items(), key=lambda item: (has_kanji(item[0][1]), item[1])):
        forms[reading] = (form, count)
    sounds: dict[str, list[tuple[str, int, str]]] = {}
    for reading, (form, count) in forms.items():
        heard = sound(reading)
        for key in _near_keys(heard):
            sounds.setdefault(key, []).append((heard, count, form))
    return Vocabulary(frozenset(terms), forms, sounds, secrets.token_hex(8))


def search_suggestion(*, kind: str, query: str) -> str | None:
    """A better keyword for a one-word kana ``query`` that is not a word of the index, or None."""
    keyword = normalize(unicodedata.normalize("NFKC", query))
    if " " in keyword or len(keyword) < MIN_KEYWORD_CHARS or not is_kana(keyword):
        return None
    vocabulary = _vocabulary(kind)
    if keyword in vocabulary.terms:
        return None
    target = sound(keyword)
    best: tuple[int, int, str] | None = None
    for key in _near_keys(target):
        for heard, count, form in vocabulary.sounds.get(key, ()):
            if heard == target:
                distance = 0
            elif len(target) >= 3 and _one_apart(heard, target):
                distance = 1
            else:
                continue
            candidate = (distance, -count, form)
            if best is None or candidate < best:
                best = candidate
    return best[2] if best else None
