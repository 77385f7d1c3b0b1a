"""Every area, facility, room and department name of the city's reference data reads right.

``tests/core/data/reference_readings.csv`` is the reviewed list: each name with the reading a person
from the city checked. A name added to a reference table without a reviewed reading fails here, and
so does a reading the analyser (with the local dictionary, ``core/reference/readings.csv``) gets wrong.
"""

import csv
from pathlib import Path

import pytest

import manabiba
from manabiba.core.japanese import furigana, reading, to_hiragana

PACKAGE = Path(manabiba.__file__).resolve().parent
REVIEWED = Path(__file__).parent / "data" / "reference_readings.csv"

# (table, columns holding names)
REFERENCE_NAMES = [
    ("core/reference/areas.csv", ["name"]),
    ("facilities/reference/facilities.csv", ["name"]),
    ("facilities/reference/rooms.csv", ["room"]),
    ("accounts/reference/departments.csv", ["division", "department"]),
    ("desk/reference/contact.csv", ["name"]),
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _reviewed() -> dict[str, str]:
    return {row["name"]: row["reading"] for row in _rows(REVIEWED)}


def _reference_names() -> set[str]:
    return {
        row[column]
        for table, columns in REFERENCE_NAMES
        for row in _rows(PACKAGE / table)
        for column in columns
        if row[column]
    }


def test_every_reference_name_has_a_reviewed_reading() -> None:
    missing = sorted(_reference_names() - set(_reviewed()))
    assert missing == [], "Add these to tests/core/data/reference_readings.csv with a checked reading"


@pytest.mark.parametrize(("name", "expected"), sorted(_reviewed().items()))
def test_the_name_reads_as_reviewed(name: str, expected: str) -> None:
    assert to_hiragana(reading(name)) == expected


def test_the_reviewed_list_agrees_with_the_readings_the_reference_tables_give() -> None:
    reviewed = _reviewed()
    given = {
        row["name"]: to_hiragana(row["kana"])
        for table in ("core/reference/areas.csv", "facilities/reference/facilities.csv")
        for row in _rows(PACKAGE / table)
        if row["kana"]
    }
    assert {name: reviewed[name] for name in given} == given


def test_the_readings_the_dictionary_got_wrong() -> None:
    assert to_hiragana(reading("西東京市市民協働推進センター")) == "にしとうきょうししみんきょうどうすいしんせんたー"
    assert to_hiragana(reading("芝久保")) == "しばくぼ"
    assert to_hiragana(reading("掲示板前")) == "けいじばんまえ"
    assert to_hiragana(reading("向台コミュニティセンター")) == "むかいだいこみゅにてぃせんたー"


def test_the_city_s_citizens_hall_is_read_over_its_own_words() -> None:
    # 西東京市 alone left 民会館 behind: ruby 「みんかい」 over 民会, not 「かいかん」 over 会館.
    assert furigana("西東京市民会館") == [("西東京市民", "にしとうきょうしみん"), ("会館", "かいかん")]
    assert furigana("西東京市市民協働推進センター")[:2] == [("西東京市", "にしとうきょうし"), ("市民", "しみん")]


def test_weekdays_in_brackets_read_as_weekdays() -> None:
    assert furigana("（木）") == [("（", None), ("木", "もく"), ("）", None)]
    assert to_hiragana(reading("12月3日（木）")) == "12がつ3か（もく）"
    assert to_hiragana(reading("(火)と（土・日）と（土・祝）")) == "(か)と（ど・にち）と（ど・しゅく）"
    # A tree outside brackets is still a tree.
    assert dict(furigana("木の下で"))["木"] == "き"


def test_days_of_the_month_read_by_their_number() -> None:
    assert to_hiragana(reading("2027年1月16日（土）")) == "2027ねん1がつ16にち（ど）"
    assert to_hiragana(reading("3月20日")) == "3がつ20か"


@pytest.mark.parametrize(
    "text", ["FC東京グランド掲示板前", "市民会議室(田無庁舎)", "学習室A", "２０２５年、保谷駅前公民館（月・水）"]
)
def test_no_ruby_spans_brackets_latin_letters_or_digits(text: str) -> None:
    segments = furigana(text)
    assert "".join(segment for segment, _ in segments) == text
    for segment, ruby in segments:
        if ruby is not None:
            assert all(not (char.isascii() or char in "（）()、・") for char in segment), segment
