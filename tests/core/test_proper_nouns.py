"""The city's proper nouns are single words: 西東京 is a place, not 西 and 東京 (issue 14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from manabiba.core.japanese import analyze, furigana, proper_nouns, query_terms
from manabiba.core.search import search_ids, search_index_update

KIND = "programs.program"


def surfaces(text: str) -> list[str]:
    return [token.surface for token in analyze(text) if token.is_content]


def test_place_names_are_one_word_and_hold_no_other_place() -> None:
    assert surfaces("西東京市民会館") == ["西東京", "市民", "会館"]
    assert "東京" not in {part.surface for token in analyze("西東京市民会館") for part in token.parts}
    # 西東京市 is one word where the text says it (but not in 西東京市民…: the words end elsewhere).
    assert surfaces("西東京市の講座")[0] == "西東京市"
    assert [t.reading for t in analyze("向台")] == ["むかいだい"]


def test_reference_names_are_registered_whole_with_their_words_as_parts() -> None:
    nouns = proper_nouns()
    assert nouns["西東京"] is False  # places
    assert nouns["田無町"] is False
    assert nouns["保谷駅前公民館"] is True  # a facility: found by its words too
    (token,) = [t for t in analyze("保谷駅前公民館で") if t.is_content]
    assert token.surface == "保谷駅前公民館"
    assert {"公民館", "保谷", "駅前"} & {part.surface for part in token.parts} >= {"公民館", "保谷"}
    assert [word.text for word in query_terms("保谷駅前公民館")] == ["保谷駅前公民館"]


def test_furigana_reads_the_place_as_one_name() -> None:
    assert ("西東京", "にしとうきょう") in furigana("西東京に住む")


@pytest.mark.django_db
def test_tokyo_does_not_find_nishitokyo_but_its_words_do() -> None:
    now = timezone.now()
    search_index_update(kind=KIND, object_id=1, title="西東京市民会館の催し", starts_at=now + timedelta(days=1))
    search_index_update(kind=KIND, object_id=2, title="東京の歴史を歩く", starts_at=now + timedelta(days=2))
    search_index_update(kind=KIND, object_id=3, title="保谷駅前公民館まつり", starts_at=now + timedelta(days=3))

    def found(query: str) -> list[int]:
        return search_ids(kind=KIND, query=query, now=now)

    assert found("東京") == [2]
    assert found("西東京") == [1]
    assert found("市民会館") == [1]
    assert found("公民館") == [3]
    assert found("保谷駅前公民館") == [3]
