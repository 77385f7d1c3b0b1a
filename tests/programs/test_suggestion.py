"""「もしかして」: a weak kana keyword is answered with the catalogue's own word for what was meant."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from manabiba.core.suggest import search_suggestion, sound
from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import SEARCH_KIND
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db


def publish(title: str, summary: str = "") -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = timezone.now() + timedelta(days=5)
    program = program_create(
        actor=None,
        title=title,
        summary=summary,
        organizer=organizer,
        sessions=[SessionTimes(starts, starts + timedelta(hours=2))],
    )
    return program_publish(program=program, actor=None)


@pytest.fixture
def catalogue() -> None:
    publish("週末の親子ヨガ教室", "ヨガで体をほぐします。")
    publish("朝のヨガ", "ようこそ。どなたでもどうぞ。")
    publish("陶芸入門", "ろくろを回しましょう。")
    publish("はじめての水彩画", "水彩で風景を描きます。")


def test_long_vowels_sound_short() -> None:
    assert sound("ようが") == sound("よが") == sound("よーが")
    assert sound("とうげい") == sound("とげ")


def test_a_weak_kana_keyword_gets_the_katakana_word_of_the_index(catalogue: None) -> None:
    assert search_suggestion(kind=SEARCH_KIND, query="ようが") == "ヨガ"
    assert search_suggestion(kind=SEARCH_KIND, query="ヨウガ") == "ヨガ"


def test_a_kana_keyword_gets_the_kanji_word_of_the_index(catalogue: None) -> None:
    assert search_suggestion(kind=SEARCH_KIND, query="とうげ") == "陶芸"
    assert search_suggestion(kind=SEARCH_KIND, query="すいさいが") is None  # 水彩画 is found as it is


def test_no_suggestion_for_a_word_the_index_has_or_one_that_sounds_like_nothing(catalogue: None) -> None:
    assert search_suggestion(kind=SEARCH_KIND, query="よが") is None
    assert search_suggestion(kind=SEARCH_KIND, query="ヨガ") is None
    assert search_suggestion(kind=SEARCH_KIND, query="ぱそこん") is None
    assert search_suggestion(kind=SEARCH_KIND, query="陶げい") is None  # not kana: typed on purpose


def test_the_listing_offers_the_suggestion_as_a_link_keeping_the_other_filters(client: Client, catalogue: None) -> None:
    page = client.get("/programs/?q=ようが&free=1", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "もしかして" in page
    assert 'href="?q=%E3%83%A8%E3%82%AC&amp;free=1">「ヨガ」</a>' in page or (
        'href="?free=1&amp;q=%E3%83%A8%E3%82%AC">「ヨガ」</a>' in page
    )

    followed = client.get("/programs/?q=ヨガ&free=1", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "もしかして" not in followed
    assert "週末の親子ヨガ教室" in followed


def test_a_new_word_is_suggested_once_the_shared_vocabulary_is_read_again(catalogue: None) -> None:
    # Each process keeps the vocabulary it read for as long as the shared cache holds the same one.
    from django.core.cache import cache

    assert search_suggestion(kind=SEARCH_KIND, query="ぴーらてぃす") is None
    publish("ピラティス入門")
    assert search_suggestion(kind=SEARCH_KIND, query="ぴーらてぃす") is None  # the kept vocabulary, for now
    cache.delete(f"search:vocabulary:{SEARCH_KIND}")
    cache.delete(f"search:vocabulary:{SEARCH_KIND}:stamp")  # as when the entry expires
    assert search_suggestion(kind=SEARCH_KIND, query="ぴーらてぃす") == "ピラティス"
