"""The catalogue's bitsets give exactly the database's results, counts and facet counts."""

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from manabiba.core.models import Area
from manabiba.programs import catalogue_index as catalogue_index_module
from manabiba.programs import selectors
from manabiba.programs.catalogue_index import catalogue_index, forget
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.selectors import (
    ProgramFilters,
    catalogue_version,
    program_facets,
    program_search,
)
from manabiba.programs.services import SessionTimes, program_create, program_publish

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)
WORDS = ["講座", "ヨガ", "防災", "こども"]


@pytest.fixture
def catalogue() -> dict[str, list[int]]:
    rng = random.Random(14)
    organizers = [
        Organizer.objects.create(kind=kind, name=f"主催{n}")
        for n, kind in enumerate([Organizer.Kind.DEPARTMENT, Organizer.Kind.CITIZEN, Organizer.Kind.SCHOOL])
    ]
    categories = [Category.objects.create(major=f"分野{n}", sort_order=n) for n in range(4)]
    audiences = [Audience.objects.create(name=f"対象{n}", sort_order=n) for n in range(3)]
    areas = [Area.objects.create(name=name) for name in ("田無町", "保谷町", "谷戸町")]
    for n in range(45):
        first = NOW + timedelta(days=rng.randint(-30, 60), hours=rng.choice([-3, 0, 2, 6, 8]))
        starts = [first + timedelta(days=7 * k) for k in range(rng.choice([1, 1, 2, 3]))]
        word = rng.choice(WORDS)
        program = program_create(
            actor=None,
            title=f"{word}の会{n}" if n % 3 else f"集い{n}",
            description=f"{rng.choice(WORDS)}について学びます。",
            organizer=rng.choice(organizers),
            sessions=[SessionTimes(s, s + timedelta(hours=2)) for s in starts],
            categories=rng.sample(categories, k=rng.choice([0, 1, 2])),
            audiences=rng.sample(audiences, k=rng.choice([0, 1])),
            area=rng.choice([*areas, None]),
            kind=rng.choice([Program.Kind.COURSE, Program.Kind.EVENT]),
            fee=rng.choice([Program.Fee.FREE, Program.Fee.PAID, Program.Fee.MATERIALS]),
            wheelchair_accessible=rng.random() < 0.5,
            childcare_available=rng.random() < 0.3,
        )
        if n % 9:
            program_publish(program=program, actor=None)
    return {
        "categories": [c.pk for c in categories],
        "audiences": [a.pk for a in audiences],
        "areas": [a.pk for a in areas],
    }


def random_filters(rng: random.Random, ids: dict[str, list[int]]) -> ProgramFilters:
    def some(values: list[object]) -> tuple[object, ...]:
        return tuple(rng.sample(values, k=rng.choice([0, 0, 0, 1, 2])))

    return ProgramFilters(
        q=rng.choice(["", "", *WORDS, "講座 防災", "ない言葉"]),
        categories=some(ids["categories"]),  # type: ignore[arg-type]
        audiences=some(ids["audiences"]),  # type: ignore[arg-type]
        areas=some(ids["areas"]),  # type: ignore[arg-type]
        organizer_kinds=some([k for k, _label in Organizer.Kind.choices]),  # type: ignore[arg-type]
        kinds=some([Program.Kind.COURSE, Program.Kind.EVENT]),  # type: ignore[arg-type]
        weekdays=some(list(range(7))),  # type: ignore[arg-type]
        when=some(["morning", "afternoon", "weekday_evening", "weekend"]),  # type: ignore[arg-type]
        free=rng.choice([None, None, True, False]),
        wheelchair=rng.random() < 0.2,
        childcare=rng.random() < 0.1,
        sort=rng.choice(["", "", "date", "deadline", "new"]),
    )


def answers(filters: ProgramFilters, now: datetime) -> tuple[int, list[int], dict[str, list[tuple[str, int]]]]:
    cache.clear()
    pages = [program_search(filters, now=now, offset=offset, limit=4) for offset in (0, 4, 8)]
    facets = program_facets(filters, now=now)
    return (
        pages[0].count,
        [p.pk for page in pages for p in page.programs],
        {name: [(v.value, v.count) for v in values] for name, values in facets.items()},
    )


@pytest.mark.parametrize("limit", [2000, 3])
def test_bitsets_give_the_databases_answers_for_a_random_mix_of_filters(
    catalogue: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    # Also with the database's ranking cut short, so that its deeper readings and exact match query
    # are used. The bitsets rank from the keyword's kept tiers, asked at several moments in turn.
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", limit)
    rng = random.Random(7)
    checked = 0
    for _case in range(60):
        filters = random_filters(rng, catalogue)
        now = NOW + timedelta(days=rng.choice([0, 0, 3, 20]))
        with monkeypatch.context() as database_only:
            database_only.setattr(selectors, "supports", lambda _filters: False)
            expected = answers(filters, now)
        assert answers(filters, now) == expected, filters
        checked += expected[0] > 0
    assert checked >= 10  # the mix is not all empty


def test_the_counts_equal_a_count_by_hand(catalogue: dict[str, list[int]]) -> None:
    area = catalogue["areas"][0]
    filters = ProgramFilters(q="講座", free=True)
    listed = [
        p
        for p in Program.objects.filter(status=Program.Status.PUBLISHED)
        if p.last_ends_at is not None and p.last_ends_at >= NOW and p.fee == Program.Fee.FREE
    ]
    matching = [p for p in listed if "講座" in p.title or "講座" in p.description]
    assert program_search(filters, now=NOW).count == len(matching)
    by_area = {v.value: v.count for v in program_facets(filters, now=NOW)["areas"]}
    assert by_area[str(area)] == len([p for p in matching if p.area_id == area])


def test_the_bitsets_follow_every_change_of_the_catalogue(catalogue: dict[str, list[int]]) -> None:
    organizer = Organizer.objects.first()
    assert organizer is not None
    before = program_search(ProgramFilters(q="陶芸"), now=NOW).count
    program = program_create(
        actor=None,
        title="陶芸講座",
        organizer=organizer,
        sessions=[SessionTimes(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2))],
    )
    program_publish(program=program, actor=None)
    assert program_search(ProgramFilters(q="陶芸"), now=NOW).count == before + 1
    # A change that bypassed the services is seen at the latest after MAX_AGE.
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CANCELLED)
    index = catalogue_index(catalogue_version())
    assert program.pk in index.ids_of(index.all_bits)
    assert program_search(ProgramFilters(q="陶芸"), now=NOW).count == before + 1
    forget()
    index = catalogue_index(catalogue_version())
    assert program.pk not in index.ids_of(index.all_bits)
    assert program_search(ProgramFilters(q="陶芸"), now=NOW + timedelta(minutes=1)).count == before


@override_settings(CATALOGUE_KEYWORD_CACHE=False)
def test_without_the_keyword_cache_the_answers_are_the_same(catalogue: dict[str, list[int]]) -> None:
    filters = ProgramFilters(q="講座", areas=(catalogue["areas"][1],))
    uncached = answers(filters, NOW)
    with override_settings(CATALOGUE_KEYWORD_CACHE=True):
        assert answers(filters, NOW) == uncached


@override_settings(CATALOGUE_KEYWORD_CACHE=False)
def test_without_the_keyword_cache_a_request_ranks_its_keyword_once_and_the_next_again(
    catalogue: dict[str, list[int]], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked: list[str] = []
    query_tiers = catalogue_index_module.query_tiers

    def counted(terms: Any, query: str) -> list[int]:
        ranked.append(query)
        return query_tiers(terms, query)

    monkeypatch.setattr(catalogue_index_module, "query_tiers", counted)
    assert client.get("/programs/?q=講座").status_code == 200
    assert ranked == ["講座"]  # the page and its facets share one ranking
    assert client.get("/programs/?q=講座&free=1").status_code == 200  # another URL: not the page cache
    assert ranked == ["講座", "講座"]  # nothing kept for the next request


def test_the_index_reads_the_catalogue_and_its_search_entries_in_six_queries(
    catalogue: dict[str, list[int]], django_assert_num_queries: object
) -> None:
    forget()
    with django_assert_num_queries(6):  # type: ignore[operator]
        catalogue_index(catalogue_version())
    with django_assert_num_queries(0):  # type: ignore[operator]
        catalogue_index(catalogue_version())


def test_each_build_gives_the_memory_it_freed_back_and_a_kept_index_does_not(
    catalogue: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rows a build reads are freed once the index is made; without giving their memory back, a
    # worker grew by hundreds of megabytes a build at 100,000 programmes (core.memory).
    released: list[str] = []
    monkeypatch.setattr(catalogue_index_module, "release_freed_memory", lambda: released.append("released"))
    forget()
    catalogue_index(catalogue_version())
    assert released == ["released"]
    catalogue_index(catalogue_version())
    assert released == ["released"]
    catalogue_index("another version")
    assert released == ["released", "released"]


def test_date_and_time_dependent_filters_are_left_to_the_database() -> None:
    assert not selectors.supports(ProgramFilters(q="講座", date_from=date(2026, 12, 1)))
    assert not selectors.supports(ProgramFilters(open_now=True))
    assert not selectors.supports(ProgramFilters(include_past=True))
    assert selectors.supports(ProgramFilters(q="講座", when=("weekend",), free=True))


def test_a_filter_the_bitsets_do_not_hold_goes_to_the_database(catalogue: dict[str, list[int]]) -> None:
    """Easy Japanese and the publication time (the new-programme mail's) are not in the bitsets: a
    search with them must not answer as if they were not set."""
    published = list(Program.objects.filter(status=Program.Status.PUBLISHED).order_by("pk"))
    Program.objects.filter(pk=published[0].pk).update(easy_summary="やさしい せつめい です。")
    Program.objects.filter(pk__in=[p.pk for p in published[:3]]).update(published_at=NOW - timedelta(days=30))
    Program.objects.exclude(pk__in=[p.pk for p in published[:3]]).update(published_at=NOW - timedelta(days=60))
    forget()
    cache.clear()

    easy = program_search(ProgramFilters(easy_japanese=True, include_past=False), now=NOW, limit=100)
    recent = program_search(ProgramFilters(published_after=NOW - timedelta(days=31)), now=NOW, limit=100)

    assert {p.pk for p in easy.programs} <= {published[0].pk}
    assert easy.count == len(easy.programs) <= 1
    assert {p.pk for p in recent.programs} <= {p.pk for p in published[:3]}
    assert not selectors.supports(ProgramFilters(easy_japanese=True))
    assert not selectors.supports(ProgramFilters(published_after=NOW))


def test_a_process_keeps_a_bounded_number_of_words(
    catalogue: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Words that match nothing are kept too: a stranger typing endless new words must not grow the
    # process without bound.
    monkeypatch.setattr(catalogue_index_module, "KEYWORDS_KEPT", 5)
    index = catalogue_index(catalogue_version())
    for n in range(12):
        assert program_search(ProgramFilters(q=f"ありえない言葉{n}"), now=NOW).count == 0
        assert len(index.keywords) <= 5
    assert program_search(ProgramFilters(q="講座"), now=NOW).count > 0
    assert "講座" in index.keywords


def test_a_process_keeps_a_bounded_size_of_matches(
    catalogue: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = catalogue_index(catalogue_version())
    one_word = catalogue_index_module.keyword_matches(index, "講座", keep=False).size
    monkeypatch.setattr(catalogue_index_module, "KEYWORD_BYTES_KEPT", one_word * 2)
    for word in WORDS:
        program_search(ProgramFilters(q=word), now=NOW)
        assert index.keywords.bytes == sum(kept.size for kept in index.keywords.values()) <= one_word * 2


def test_what_is_listed_follows_the_moment_asked_forwards_and_back(catalogue: dict[str, list[int]]) -> None:
    # What is listed depends on the moment asked, in any order of moments.
    index = catalogue_index(catalogue_version())
    moments = [NOW + timedelta(days=days) for days in (0, 20, 40, 70, 10, -40, 90, 5)]
    listed = [index.ids_of(index.visible(moment)) for moment in moments]
    for moment, ids in zip(moments, listed, strict=True):
        forget()
        fresh = catalogue_index(catalogue_version())
        assert fresh.ids_of(fresh.visible(moment)) == ids
        expected = set(
            Program.objects.filter(status=Program.Status.PUBLISHED, last_ends_at__gte=moment).values_list(
                "pk", flat=True
            )
        )
        assert set(ids) == expected
    assert len({len(ids) for ids in listed}) > 2
