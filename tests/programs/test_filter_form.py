"""The catalogue's filter form: bookmarked and shared URLs in, ProgramFilters out, never an error page."""

from datetime import date

from django.http import QueryDict

from manabiba.programs.forms import ProgramFilterForm
from manabiba.programs.selectors import ProgramFilters


def parse(query: str) -> ProgramFilterForm:
    return ProgramFilterForm(QueryDict(query) or None)


def test_no_parameters_means_everything_upcoming_by_date() -> None:
    form = parse("")

    assert form.filters() == ProgramFilters()
    assert form.page_number == 1
    assert not form.is_filtered


def test_every_parameter_reaches_the_filters() -> None:
    form = parse(
        "q=+ヨガ+&category=3&category=5&audience=2&area=7&organizer=group&kind=course"
        "&date_from=2026-12-01&date_to=2026-12-31&weekday=5&weekday=6&when=weekend&when=weekday_evening"
        "&free=1&open=on&wheelchair=on&childcare=on&sign_language=on&past=on&sort=deadline&page=3"
    )

    assert form.filters() == ProgramFilters(
        q="ヨガ",
        categories=(3, 5),
        audiences=(2,),
        areas=(7,),
        organizer_kinds=("group",),
        kinds=("course",),
        date_from=date(2026, 12, 1),
        date_to=date(2026, 12, 31),
        weekdays=(5, 6),
        when=("weekend", "weekday_evening"),
        free=True,
        open_now=True,
        wheelchair=True,
        childcare=True,
        sign_language=True,
        include_past=True,
        sort="deadline",
    )
    assert form.page_number == 3
    assert form.is_filtered


def test_paid_is_the_opposite_of_free_and_empty_means_either() -> None:
    assert parse("free=0").filters().free is False
    assert parse("free=").filters().free is None


def test_values_that_do_not_parse_are_dropped_and_the_rest_kept() -> None:
    form = parse(
        "category=abc&category=4&category=-1&category=4&when=midnight&when=morning&weekday=7&weekday=x&weekday=1"
        "&organizer=martians&date_from=2026-02-30&date_to=2026-03-01&free=maybe&sort=random&page=0"
    )

    filters = form.filters()
    assert filters.categories == (4,)
    assert filters.when == ("morning",)
    assert filters.weekdays == (1,)
    assert filters.organizer_kinds == ()
    assert filters.date_from is None
    assert filters.date_to == date(2026, 3, 1)
    assert filters.free is None
    assert filters.sort == ""
    assert form.page_number == 1


def test_dates_given_backwards_are_swapped() -> None:
    filters = parse("date_from=2026-12-31&date_to=2026-12-01").filters()

    assert (filters.date_from, filters.date_to) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_huge_page_number_is_refused_rather_than_queried() -> None:
    assert parse("page=100000000").page_number == 1


def test_sorting_alone_is_not_a_filter() -> None:
    assert not parse("sort=new&page=2").is_filtered
