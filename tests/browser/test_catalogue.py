"""Finding a programme in a real browser: search from the home page, filter in place, open it, take it home."""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.core.holidays import is_day_off
from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import SessionTimes, program_create, program_publish
from tests.browser.conftest import ConsoleLog

pytestmark = pytest.mark.django_db(transaction=True)


def next_day(*, weekend: bool, days_ahead: int = 3) -> date:
    """A day at least ``days_ahead`` away that is a weekend day (or a plain working day)."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    while is_day_off(day) != weekend or (weekend and day.weekday() < 5):
        day += timedelta(days=1)
    return day


def publish(title: str, day: date, **fields: object) -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
    program = program_create(
        actor=None,
        title=title,
        organizer=organizer,
        sessions=[SessionTimes(starts, starts + timedelta(hours=2))],
        **fields,
    )
    return program_publish(program=program, actor=None)


@pytest.fixture
def programmes() -> dict[str, Program]:
    saturday = next_day(weekend=True)
    weekday = next_day(weekend=False)
    return {
        "weekend_free": publish("週末の親子ヨガ教室", saturday, summary="ヨガで体をほぐします。"),
        "weekend_paid": publish(
            "週末の陶芸教室", saturday, summary="ろくろを回します。", fee=Program.Fee.PAID, fee_amount=800
        ),
        "weekday_free": publish("平日の朝ヨガ", weekday, summary="朝のヨガです。"),
    }


def result_titles(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#results .program-card__title").all_inner_texts()]


def test_find_filter_open_add_to_calendar_and_read_with_furigana(
    page: Page,
    programmes: dict[str, Program],
    axe_check: Callable[[Page], None],
    console_log: ConsoleLog,
) -> None:
    page.goto("/")
    axe_check(page)

    # Search from the home page.
    page.get_by_role("searchbox").first.fill("ヨガ")
    with page.expect_navigation():
        page.locator("form.home-search button[type='submit']").click()
    assert re.search(r"/programs/\?q=", page.url)
    assert sorted(result_titles(page)) == sorted(["週末の親子ヨガ教室", "平日の朝ヨガ"])
    expect(page.locator("#results mark").first).to_be_visible()
    axe_check(page)

    # Filter by weekend and free: htmx updates the results in place and keeps the URL bookmarkable.
    page.goto("/programs/")
    assert len(result_titles(page)) == 3
    page.locator("#f-when-weekend").check()
    expect(page.locator("#results .program-card")).to_have_count(2)
    page.locator("#f-free-1").check()
    expect(page.locator("#results .program-card")).to_have_count(1)
    assert result_titles(page) == ["週末の親子ヨガ教室"]
    expect(page).to_have_url(re.compile(r"when=weekend.*free=1|free=1.*when=weekend"))
    expect(page.locator("#result-count")).to_contain_text("1")
    expect(page.locator("#count-free-0")).to_have_text("（1）")
    axe_check(page)

    # The bookmarked URL gives the same list without JavaScript's help.
    page.reload()
    assert result_titles(page) == ["週末の親子ヨガ教室"]
    expect(page.locator("#f-when-weekend")).to_be_checked()

    # Open the programme.
    with page.expect_navigation():
        page.get_by_role("link", name="週末の親子ヨガ教室").click()
    assert page.url.endswith(f"/programs/{programmes['weekend_free'].pk}/")
    expect(page.locator("h1")).to_have_text("週末の親子ヨガ教室")
    axe_check(page)

    # Add it to a calendar: the link gives an iCalendar file.
    ics_link = page.locator("a[href$='.ics']").first
    href = ics_link.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text()

    # Switch furigana on: readings appear over the kanji of the title, and the choice is shown.
    expect(page.locator("h1 ruby")).to_have_count(0)
    with page.expect_navigation():
        page.locator("button[name='furigana']").click()
    expect(page.locator("h1 ruby").first).to_be_visible()
    expect(page.locator("button[name='furigana']")).to_have_attribute("aria-pressed", "true")
    axe_check(page)

    console_log.assert_no_errors()


@pytest.mark.parametrize("path", ["/programs/calendar/", "/programs/day/{day}/"])
def test_calendar_and_day_list_are_accessible(
    page: Page, programmes: dict[str, Program], path: str, axe_check: Callable[[Page], None]
) -> None:
    response = page.goto(path.format(day=next_day(weekend=True).isoformat()))

    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    axe_check(page)
