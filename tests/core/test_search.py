"""Japanese search behaves the same on SQLite and PostgreSQL (run this file with either)."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from manabiba.core import search, search_memory
from manabiba.core.search import (
    SearchDocument,
    search_ids,
    search_index_rebuild,
    search_index_remove,
    search_index_update,
    search_match_sql,
    search_snippet,
)

pytestmark = pytest.mark.django_db

KIND = "programs.program"


def add(object_id: int, title: str, body: str = "", venue: str = "", starts_at: datetime | None = None) -> None:
    if starts_at is None:
        starts_at = timezone.now() + timedelta(days=object_id)
    search_index_update(kind=KIND, object_id=object_id, title=title, body=body, venue=venue, starts_at=starts_at)


def found(query: str) -> set[int]:
    return set(search_ids(kind=KIND, query=query, now=timezone.now()))


@pytest.fixture
def catalogue() -> None:
    add(1, "ＰＣ講座 はじめてのパソコン", "２０２５年度の講座です。")
    add(2, "おはなし会", "絵本の読み聞かせ")
    add(3, "糖尿病予防の食事", "管理栄養士がお話しします")
    add(4, "スマホ教室", "電話のかけ方から")
    add(5, "はじめてのスマートフォン", "シニア向け")
    add(6, "子供の防災教室", "親子で学ぶ")
    add(7, "子ども食堂ボランティア", "")
    add(8, "卓球教室", "初心者歓迎")
    add(9, "卓越した技を見る会", "災害の歴史")
    add(10, "ひばりが丘まち歩き", "", "ひばりが丘北口")
    add(11, "歴史講演会", "", "西東京市公民館")


def test_full_width_letters_and_digits_match_half_width(catalogue: None) -> None:
    assert found("pc") == {1}
    assert found("PC講座") == {1}
    assert found("２０２５") == found("2025") == {1}


def test_a_katakana_query_finds_hiragana_text(catalogue: None) -> None:
    assert found("オハナシ") == {2}


def test_a_query_in_hiragana_finds_the_kanji_by_its_reading(catalogue: None) -> None:
    assert found("とうにょうびょう") == {3}


def test_abbreviation_and_full_word_find_each_other(catalogue: None) -> None:
    assert found("スマホ") == {4, 5}
    assert found("スマートフォン") == {4, 5}
    assert found("すまほ") == {4, 5}


def test_every_spelling_of_kodomo_finds_every_other(catalogue: None) -> None:
    assert found("こども") == {6, 7}
    assert found("子供") == {6, 7}
    assert found("子ども") == {6, 7}


def test_two_character_words_find_exactly_the_documents_holding_them(catalogue: None) -> None:
    assert found("卓球") == {8}
    assert found("防災") == {6}


def test_text_inside_a_compound_is_found(catalogue: None) -> None:
    assert found("ひばり") == {10}
    assert found("公民") == {11}
    assert found("食堂") == {7}


def test_a_dictionary_word_is_not_found_inside_a_longer_word_when_it_stands_alone_elsewhere() -> None:
    add(1, "東京都の講座")
    add(2, "京都の旅")
    add(3, "生涯学習ガイダンス")
    add(4, "はじめてのダンス")
    # 京都 is a word in entry 2 and only text inside 東京都 in entry 1; ダンス likewise.
    assert found("京都") == {2}
    assert found("ダンス") == {4}
    assert found("東京") == {1}


def test_a_word_beginning_a_longer_word_is_found_below_the_word_itself() -> None:
    now = timezone.now()
    add(1, "ヨガマット販売", starts_at=now + timedelta(days=1))
    add(2, "親子ヨガ教室", starts_at=now + timedelta(days=9))
    add(3, "ひばりが丘まち歩き", starts_at=now + timedelta(days=1))
    add(4, "ひばりの観察会", starts_at=now + timedelta(days=9))
    assert search_ids(kind=KIND, query="ヨガ", now=now) == [2, 1]
    assert search_ids(kind=KIND, query="ひばり", now=now) == [4, 3]


def test_text_inside_a_word_is_found_when_no_entry_holds_the_word() -> None:
    add(1, "東京都の講座")
    add(3, "生涯学習ガイダンス")
    assert found("京都") == {1}
    assert found("ダンス") == {3}


def test_the_substring_fallback_follows_the_whole_query_not_each_word() -> None:
    add(1, "西東京市民まつり", "教室もあります")
    add(2, "パソコン教室")
    add(3, "東京都の講座")
    # 京都 is only inside 東京都, so the query falls back to substrings for every word.
    assert found("教室 京都") == set()
    assert found("講座 京都") == {3}
    assert found("教室") == {1, 2}


def test_an_absent_word_or_an_empty_query_finds_nothing(catalogue: None) -> None:
    assert found("囲碁") == set()
    assert found("") == set()
    assert found("   ") == set()
    assert found("、。") == set()


def test_every_word_of_the_query_must_match(catalogue: None) -> None:
    assert found("教室") == {4, 6, 8}
    assert found("教室 防災") == {6}
    assert found("教室　こども") == {6}
    assert found("卓球 防災") == set()


def test_title_matches_rank_over_body_over_venue() -> None:
    same_time = timezone.now() + timedelta(days=3)
    add(1, "地域の集い", "", "囲碁クラブ室", starts_at=same_time)
    add(2, "地域の集い", "囲碁で交流します", "", starts_at=same_time)
    add(3, "囲碁入門", "", "", starts_at=same_time)
    assert search_ids(kind=KIND, query="囲碁", now=timezone.now()) == [3, 2, 1]


def test_upcoming_programmes_rank_before_past_ones() -> None:
    now = timezone.now()
    add(1, "囲碁入門", starts_at=now - timedelta(days=1))
    add(2, "囲碁大会", starts_at=now + timedelta(days=30))
    add(3, "囲碁教室", starts_at=now + timedelta(days=2))
    add(4, "秋の集い", "囲碁もあります", starts_at=now + timedelta(days=1))
    add(5, "囲碁の歴史", starts_at=now - timedelta(days=60))
    # Soonest first among those to come, most recent first among those gone.
    assert search_ids(kind=KIND, query="囲碁", now=timezone.now()) == [3, 2, 4, 1, 5]
    assert search_ids(kind=KIND, query="囲碁", now=timezone.now(), limit=2) == [3, 2]


def test_the_caller_says_from_which_moment_entries_are_upcoming() -> None:
    now = timezone.now()
    add(1, "囲碁入門", starts_at=now + timedelta(days=1))
    add(2, "囲碁大会", starts_at=now + timedelta(days=10))
    assert search_ids(kind=KIND, query="囲碁", now=now) == [1, 2]
    # A week on, the first has taken place: the one still to come ranks first.
    assert search_ids(kind=KIND, query="囲碁", now=now + timedelta(days=7)) == [2, 1]


def test_kinds_are_searched_apart(catalogue: None) -> None:
    search_index_update(kind="communities.group", object_id=1, title="卓球サークル")
    assert search_ids(kind="communities.group", query="卓球", now=timezone.now()) == [1]
    assert found("サークル") == set()


def test_updating_an_entry_replaces_what_it_was_found_by(catalogue: None) -> None:
    add(8, "囲碁教室")
    assert found("卓球") == set()
    assert found("囲碁") == {8}
    search_index_remove(kind=KIND, object_id=8)
    assert found("囲碁") == set()


def test_the_index_changes_with_the_callers_transaction() -> None:
    def save_programme_and_fail() -> None:
        with transaction.atomic():
            add(1, "囲碁入門")
            raise RuntimeError("the programme could not be saved")

    with pytest.raises(RuntimeError):
        save_programme_and_fail()
    assert found("囲碁") == set()


def test_a_rebuild_replaces_the_kind_from_the_rows_given(catalogue: None) -> None:
    written = search_index_rebuild(KIND, [SearchDocument(20, "将棋教室", "駒の動かし方", "保谷駅前公民館")])
    assert written == 1
    assert found("卓球") == set()
    assert found("将棋") == {20}
    # The dictionary reads 保谷 as ほや; the city says ほうや.
    assert found("ほうや") == {20}


def test_the_rebuild_command_rebuilds_every_registered_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_sources", {})
    search.search_source_register(KIND, lambda: [SearchDocument(30, "書道教室")])
    add(31, "俳句の会")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "programs.program: 1 entries\n"
    assert found("書道") == {30}
    assert found("俳句") == set()


def test_the_snippet_marks_matches_by_their_normalised_form() -> None:
    assert search_snippet("ひらがなの本", "ヒラガナ") == "<mark>ひらがな</mark>の本"
    assert search_snippet("糖尿病を防ぐ", "とうにょうびょう") == "<mark>糖尿病</mark>を防ぐ"
    assert search_snippet("はじめてのスマートフォン", "スマホ") == "はじめての<mark>スマートフォン</mark>"
    assert search_snippet("ひばりが丘で", "ひばり") == "<mark>ひばり</mark>が丘で"


def test_the_snippet_escapes_the_text_and_cuts_long_texts_around_the_match() -> None:
    assert search_snippet("<b>卓球</b>", "卓球") == "&lt;b&gt;<mark>卓球</mark>&lt;/b&gt;"
    long_text = "あ" * 300 + "卓球" + "い" * 300
    snippet = search_snippet(long_text, "卓球", length=40)
    assert "<mark>卓球</mark>" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(snippet) < 80
    assert search_snippet("卓球", "") == "卓球"


def test_a_limited_search_is_the_head_of_the_full_ranking() -> None:
    # Reading stops early once `limit` ids are certain: every cut must agree with the full order.
    now = timezone.now()
    for n in range(6):
        add(100 + n, f"囲碁の会{n}", starts_at=now + timedelta(days=n + 1))
        add(200 + n, "集い", f"囲碁もあります{n}", starts_at=now + timedelta(days=n + 1, hours=1))
        add(300 + n, "会", "", f"囲碁室{n}", starts_at=now - timedelta(days=n + 1))
        add(400 + n, f"囲碁大会{n}", starts_at=now - timedelta(days=n + 2))
    add(500, "囲碁の日", starts_at=None)
    full = search_ids(kind=KIND, query="囲碁", now=timezone.now())
    assert full[:8] == [100, 101, 102, 103, 104, 105, 500, 200]
    assert full[-6:] == [300, 301, 302, 303, 304, 305]
    assert len(full) == 25
    for limit in range(1, 27):
        assert search_ids(kind=KIND, query="囲碁", now=timezone.now(), limit=limit) == full[:limit]


def test_moving_an_entrys_start_changes_its_place() -> None:
    now = timezone.now()
    add(1, "囲碁入門", starts_at=now - timedelta(days=7))
    add(2, "囲碁教室", starts_at=now + timedelta(days=5))
    assert search_ids(kind=KIND, query="囲碁", now=timezone.now()) == [2, 1]
    assert search.search_index_move(kind=KIND, starts={1: now + timedelta(days=1)}) == 1
    assert search_ids(kind=KIND, query="囲碁", now=timezone.now()) == [1, 2]


QUERIES = [
    "教室",
    "教室 こども",
    "pc",
    "歴史",
    "西東京",
    "ひばりが丘",
    "ひばり",
    "卓",
    "公民",
    "京都",
    "ダンス",
    "存在しない",
    "・・",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_exact_match_condition_selects_what_the_unlimited_ranking_finds(catalogue: None, query: str) -> None:
    search_index_update(kind="communities.group", object_id=8, title="卓球サークル 教室 歴史")
    subquery, params = search_match_sql(kind=KIND, query=query)
    with connection.cursor() as cursor:
        cursor.execute(subquery, params)
        selected = {row[0] for row in cursor.fetchall()}
    assert selected == set(search_ids(kind=KIND, query=query, now=timezone.now()))


def test_the_index_in_memory_ranks_as_the_database_at_every_moment(catalogue: None) -> None:
    # The catalogue ranks from the entries held in memory: at each moment, and with any filter, it
    # must give search_ids' order, tiers, ties and undated entries included, and substrings only
    # where no entry holds the words.
    base = timezone.now().replace(second=0, microsecond=0)
    for n in range(5):
        add(100 + n, f"囲碁の会{n}", starts_at=base + timedelta(hours=n * 6))
        add(200 + n, "集い", f"囲碁もあります{n}", starts_at=base + timedelta(hours=n * 6))  # same moments
        add(300 + n, "会", "", f"囲碁室{n}", starts_at=base - timedelta(hours=n * 6))
        add(400 + n, f"囲碁大会{n}", starts_at=base - timedelta(days=2))  # five past ones at one moment
    add(500, "囲碁の日", starts_at=None)
    add(501, "碁盤の囲碁", "教室", starts_at=None)
    search_index_update(kind=KIND, object_id=502, title="囲碁の本", starts_at=None)  # undated
    search_index_update(kind="communities.group", object_id=8, title="囲碁サークル 京都")
    index = search_memory.term_index_build(KIND)
    for query in (*QUERIES, "囲碁", "囲碁 会", "碁", "公民 歴史", "民館", "ばりが 北口", "囲 会"):
        tiers = search_memory.query_tiers(index, query)
        odd_bits = search_memory.bits_of_positions(
            (position for pk, position in index.position.items() if pk % 2), index.size
        )
        for hours in (-72, -13, -6, 0, 1, 6, 7, 18, 25, 100):
            now = base + timedelta(hours=hours)
            expected = search_ids(kind=KIND, query=query, now=now)
            assert search_memory.ranked_ids(index, tiers, now, limit=1000) == expected, (query, hours)
            odd = [pk for pk in expected if pk % 2]
            assert search_memory.ranked_ids(index, tiers, now, allowed=odd_bits, limit=3) == odd[:3], (query, hours)
    assert len(search_memory.ranked_ids(index, search_memory.query_tiers(index, "囲碁"), base, limit=100)) == 23


def test_a_rare_terms_bits_kept_for_the_next_query_give_the_same_ranking(
    catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A word held by fewer than one entry in 128 is kept as positions and made bits when a query asks;
    # the bits are kept for the next query within a byte budget, and never change an answer.
    base = timezone.now().replace(second=0, microsecond=0)
    for n in range(300):
        add(1000 + n, f"集会{n}", starts_at=base + timedelta(hours=n))
    add(700, "盆栽の会", starts_at=base + timedelta(hours=3))
    add(701, "盆栽教室", starts_at=base + timedelta(hours=5))
    index = search_memory.term_index_build(KIND)
    assert not isinstance(index.fields[0]["盆栽"], int)
    expected = search_ids(kind=KIND, query="盆栽", now=base)
    assert expected == [700, 701]
    first = search_memory.ranked_ids(index, search_memory.query_tiers(index, "盆栽"), base, limit=100)
    assert index.recent.get((0, "盆栽")) is not None
    again = search_memory.ranked_ids(index, search_memory.query_tiers(index, "盆栽"), base, limit=100)
    assert first == again == expected

    monkeypatch.setattr(search_memory, "TERM_BITS_KEPT_BYTES", 0)
    index.recent.clear()
    made: list[int] = []
    bits_of_positions = search_memory.bits_of_positions
    monkeypatch.setattr(
        search_memory, "bits_of_positions", lambda held, size: made.append(len(held)) or bits_of_positions(held, size)
    )
    assert search_memory.ranked_ids(index, search_memory.query_tiers(index, "盆栽"), base, limit=100) == expected
    assert index.recent.get((0, "盆栽")) is None  # over the budget: not kept
    # Nothing kept between queries, a query still makes each term's bits once, though its tiers ask
    # the title's terms again across fields and as beginnings of words.
    assert made == [2]


def test_the_most_recently_asked_terms_are_the_ones_kept() -> None:
    recent = search_memory._RecentBits()
    one = (1 << 800) | 1  # 101 bytes
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_memory, "TERM_BITS_KEPT_BYTES", 250)
        recent.put((0, "a"), one)
        recent.put((0, "b"), one << 1)
        assert recent.get((0, "a")) == one  # asked again: now the most recent
        recent.put((0, "c"), one << 2)
        assert recent.get((0, "b")) is None
        assert recent.get((0, "a")) == one
        assert recent.get((0, "c")) == one << 2
