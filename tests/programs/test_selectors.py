"""The catalogue's one selector: filters, time facets, counts and order."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from manabiba.core.models import Area
from manabiba.programs import selectors
from manabiba.programs.catalogue_index import catalogue_index
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.selectors import (
    ProgramFilters,
    catalogue_version,
    program_facets,
    program_search,
    programs_on,
    sessions_in_month,
)
from manabiba.programs.services import (
    SessionTimes,
    program_cancel,
    program_create,
    program_publish,
    programs_finish_past,
)

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)  # a Wednesday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def organizer() -> Organizer:
    return Organizer.objects.create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")


def make(organizer: Organizer, title: str, *starts: datetime, publish: bool = True, **fields: object) -> Program:
    program = program_create(
        actor=None,
        title=title,
        organizer=organizer,
        sessions=[SessionTimes(s, s + timedelta(hours=2)) for s in starts],
        **fields,
    )
    return program_publish(program=program, actor=None) if publish else program


def titles(filters: ProgramFilters) -> list[str]:
    return [p.title for p in program_search(filters, now=NOW).programs]


def test_only_published_upcoming_programmes_are_listed_by_date(organizer: Organizer) -> None:
    make(organizer, "後の講座", at(date(2026, 12, 10), 10))
    make(organizer, "先の講座", at(date(2026, 12, 1), 10))
    make(organizer, "下書き", at(date(2026, 12, 2), 10), publish=False)
    make(organizer, "終わった講座", at(date(2026, 11, 1), 10))
    assert titles(ProgramFilters()) == ["先の講座", "後の講座"]
    assert "終わった講座" in titles(ProgramFilters(include_past=True))
    assert "下書き" not in titles(ProgramFilters(include_past=True))


def test_weekend_includes_national_holidays_and_weekday_evening_excludes_them(organizer: Organizer) -> None:
    make(organizer, "土曜の午前", at(date(2026, 11, 28), 10))
    make(organizer, "月曜の夜", at(date(2027, 11, 22), 18))
    make(organizer, "勤労感謝の日の講座", at(date(2027, 11, 23), 10))  # a Tuesday holiday
    make(organizer, "水曜の夜", at(date(2026, 12, 2), 19))
    make(organizer, "水曜の午後", at(date(2026, 12, 2), 14))
    assert titles(ProgramFilters(when=("weekend",))) == ["土曜の午前", "勤労感謝の日の講座"]
    assert titles(ProgramFilters(when=("weekday_evening",))) == ["水曜の夜", "月曜の夜"]
    assert titles(ProgramFilters(when=("afternoon",))) == ["水曜の午後"]


def test_session_filters_apply_to_the_same_session(organizer: Organizer) -> None:
    # A course meeting on a Saturday in December and a Wednesday evening in January.
    make(organizer, "連続講座", at(date(2026, 12, 5), 10), at(date(2027, 1, 13), 19))
    assert titles(ProgramFilters(when=("weekend",), date_from=date(2026, 12, 1), date_to=date(2026, 12, 31))) == [
        "連続講座"
    ]
    assert titles(ProgramFilters(when=("weekend",), date_from=date(2027, 1, 1))) == []
    assert titles(ProgramFilters(weekdays=(2,), date_from=date(2027, 1, 1))) == ["連続講座"]


def test_filters_combine_and_facets_count_with_the_other_filters_kept(organizer: Organizer) -> None:
    yoga = Category.objects.create(major="体育・レクリエーション", minor="", sort_order=1)
    history = Category.objects.create(major="人文・社会科学", minor="歴史・地理", sort_order=2)
    seniors = Audience.objects.create(name="高齢者", sort_order=1)
    tanashi = Area.objects.create(name="田無町")
    saturday = at(date(2026, 11, 28), 10)
    make(organizer, "無料ヨガ", saturday, categories=[yoga], audiences=[seniors], area=tanashi)
    make(organizer, "有料ヨガ", saturday, categories=[yoga], fee=Program.Fee.PAID, fee_amount=500)
    make(organizer, "郷土史", at(date(2026, 12, 2), 10), categories=[history], childcare_available=True)
    filters = ProgramFilters(categories=(yoga.pk,), free=True, when=("weekend",))
    assert titles(filters) == ["無料ヨガ"]
    facets = program_facets(filters, now=NOW)
    by_value = {facet: {v.value: v.count for v in values} for facet, values in facets.items()}
    # Choosing history instead of yoga, with free + weekend kept, would give nothing.
    assert by_value["categories"][str(yoga.pk)] == 1
    assert by_value["categories"][str(history.pk)] == 0
    # Paid programmes in yoga at the weekend: one.
    assert by_value["free"] == {"1": 1, "0": 1}
    assert by_value["when"]["weekend"] == 1
    assert by_value["areas"][str(tanashi.pk)] == 1
    assert [v.selected for v in facets["free"]] == [True, False]
    assert titles(ProgramFilters(childcare=True)) == ["郷土史"]
    assert titles(ProgramFilters(areas=(tanashi.pk,), audiences=(seniors.pk,))) == ["無料ヨガ"]


def test_open_now_and_deadline_sort(organizer: Organizer) -> None:
    make(
        organizer,
        "締切が遅い",
        at(date(2026, 12, 20), 10),
        application=Program.Application.PHONE,
        applications_close_at=at(date(2026, 12, 15), 17),
    )
    make(
        organizer,
        "締切が早い",
        at(date(2026, 12, 21), 10),
        application=Program.Application.SITE,
        applications_close_at=at(date(2026, 12, 1), 17),
    )
    make(
        organizer,
        "締切済み",
        at(date(2026, 12, 22), 10),
        application=Program.Application.SITE,
        applications_close_at=at(date(2026, 11, 20), 17),
    )
    make(organizer, "申込不要", at(date(2026, 12, 23), 10))
    assert titles(ProgramFilters(open_now=True, sort="deadline")) == ["締切が早い", "締切が遅い"]
    assert titles(ProgramFilters(sort="deadline"))[-1] == "申込不要"


def test_cancelled_and_finished_programmes(organizer: Organizer) -> None:
    cancelled = make(organizer, "中止", at(date(2026, 12, 3), 10))
    program_cancel(program=cancelled, actor=None, reason="講師の体調不良のため")
    past = make(organizer, "昨日の講座", at(date(2026, 11, 24), 10))
    assert titles(ProgramFilters()) == []
    assert programs_finish_past(now=NOW) == 1
    past.refresh_from_db()
    assert past.status == Program.Status.FINISHED


def test_day_list_and_month_calendar(organizer: Organizer) -> None:
    make(organizer, "月初め", at(date(2026, 12, 1), 10), at(date(2026, 12, 8), 10))
    make(organizer, "同じ日", at(date(2026, 12, 1), 14))
    assert [p.title for p in programs_on(date(2026, 12, 1))] == ["月初め", "同じ日"]
    assert sessions_in_month(2026, 12) == {date(2026, 12, 1): 2, date(2026, 12, 8): 1}


def test_the_listing_reads_a_fixed_number_of_queries(organizer: Organizer, django_assert_num_queries: object) -> None:
    for n in range(12):
        make(organizer, f"講座{n}", at(date(2026, 12, 1) + timedelta(days=n), 10))
    # The catalogue's bitsets are read once per catalogue version (tests/programs/test_catalogue_index.py);
    # then the page's ids, the programmes and their three prefetches; the count comes from the bitsets.
    catalogue_index(catalogue_version())
    with django_assert_num_queries(5):  # type: ignore[operator]
        page = program_search(ProgramFilters(), now=NOW, limit=10)
        assert len(page.programs) == 10
        assert page.count == 12


def test_a_cached_page_gives_each_caller_programmes_of_its_own(organizer: Organizer) -> None:
    # Under a threaded server two requests must never share (and so change) the same objects.
    make(organizer, "講座", at(date(2026, 12, 1), 10))
    first = program_search(ProgramFilters(), now=NOW).programs[0]
    first.title = "one request's change"
    again = program_search(ProgramFilters(), now=NOW).programs[0]
    assert again is not first
    assert again.title == "講座"


def test_keyword_search_finds_by_reading_and_ranks_titles_first(organizer: Organizer) -> None:
    make(organizer, "健康づくり講座", at(date(2026, 12, 1), 10), description="糖尿病の予防について学びます。")
    make(organizer, "糖尿病基礎講座", at(date(2026, 12, 10), 10))
    make(organizer, "料理教室", at(date(2026, 12, 2), 10))
    assert titles(ProgramFilters(q="とうにょうびょう")) == ["糖尿病基礎講座", "健康づくり講座"]
    assert titles(ProgramFilters(q="とうにょうびょう", sort="date")) == ["健康づくり講座", "糖尿病基礎講座"]
    assert titles(ProgramFilters(q="存在しない言葉")) == []


def test_search_index_follows_the_status(organizer: Organizer) -> None:
    program = make(organizer, "防災講座", at(date(2026, 12, 1), 10))
    assert titles(ProgramFilters(q="防災")) == ["防災講座"]
    program_cancel(program=program, actor=None, reason="台風のため")
    assert titles(ProgramFilters(q="防災", include_past=True)) == []


def test_a_keyword_with_more_matches_than_the_ranking_reads_gives_exact_results(
    organizer: Organizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eleven programmes match 講座, more than the ranking reads here (3): filters, counts, pages
    # and facets must still see every one of them.
    tanashi = Area.objects.create(name="田無町")
    first = date(2026, 12, 1)
    for n in range(9):
        make(organizer, f"講座{n}", at(first + timedelta(days=7 * n), 10), area=tanashi if n % 2 else None)
    make(organizer, "春の集い", at(date(2027, 3, 1), 10), description="講座もあります")
    make(organizer, "夏の集い", at(date(2027, 6, 1), 10), description="講座もあります", area=tanashi)
    make(organizer, "料理教室", at(date(2027, 1, 5), 10))
    everything = ProgramFilters(q="講座")
    expected_order = [f"講座{n}" for n in range(9)] + ["春の集い", "夏の集い"]

    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 3)
    assert titles(everything) == expected_order
    assert program_search(everything, now=NOW).count == 11
    # Two months ahead: none of the three soonest matches is left, yet three programmes are.
    later = ProgramFilters(q="講座", date_from=date(2027, 1, 25))
    assert titles(later) == ["講座8", "春の集い", "夏の集い"]
    assert program_search(later, now=NOW).count == 3
    by_date = ProgramFilters(q="講座", areas=(tanashi.pk,), sort="date")
    assert titles(by_date) == ["講座1", "講座3", "講座5", "講座7", "夏の集い"]
    assert program_search(by_date, now=NOW).count == 5
    # Every page of the relevance order, deep pages included, is the full ranking's.
    pages = [program_search(everything, now=NOW, offset=offset, limit=2) for offset in range(0, 12, 2)]
    assert [p.title for page in pages for p in page.programs] == expected_order
    assert {page.count for page in pages} == {11}
    narrowed = ProgramFilters(q="講座", areas=(tanashi.pk,))
    assert [p.title for p in program_search(narrowed, now=NOW, offset=2, limit=2).programs] == ["講座5", "講座7"]
    facets_cut = program_facets(narrowed, now=NOW)

    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2000)
    cache.clear()
    assert program_facets(narrowed, now=NOW) == facets_cut
    assert {v.value: v.count for v in facets_cut["areas"]}[str(tanashi.pk)] == 5
