"""The catalogue on a phone: the results come first, the filters wait behind a 「絞り込み」 disclosure,
the filters in force show as removable chips, and Back brings the ticked filters back."""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.core.models import Area
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.services import SessionTimes, program_create, program_publish
from tests.browser.conftest import PHONE, ConsoleLog

pytestmark = pytest.mark.django_db(transaction=True)


def _publish(title: str, day: date, index: int) -> Program:
    organizer, _ = Organizer.objects.get_or_create(kind=Organizer.Kind.DEPARTMENT, name="社会教育課")
    starts = timezone.make_aware(datetime.combine(day, time(10 + index % 6, 0)))
    areas = list(Area.objects.order_by("pk"))
    program = program_create(
        actor=None,
        title=title,
        summary="どなたでも参加できます。",
        organizer=organizer,
        area=areas[index % len(areas)],
        fee=Program.Fee.FREE if index % 2 else Program.Fee.PAID,
        fee_amount=None if index % 2 else 500,
        sessions=[SessionTimes(starts, starts + timedelta(hours=2))],
        categories=list(Category.objects.order_by("pk"))[index::7],
        audiences=list(Audience.objects.order_by("pk"))[index::3],
    )
    return program_publish(program=program, actor=None)


@pytest.fixture
def catalogue() -> list[Program]:
    """The city's reference fields, audiences and areas, and programmes spread over many of them, so that
    the filters are as long as the real catalogue's."""
    call_command("load_reference", stdout=StringIO())
    first = timezone.localdate() + timedelta(days=3)
    return [_publish(f"講座その{index + 1}", first + timedelta(days=index), index) for index in range(14)]


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_open_from_a_disclosure(
    page: Page, catalogue: list[Program], axe_check: Callable[[Page], None], console_log: ConsoleLog
) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/programs/")

    # The whole title of the first result shows without scrolling.
    first = page.locator("#results .program-card__title").first
    expect(first).to_have_text("講座その1")
    box = first.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], f"the first result's title ends {box['y']:.0f} px down"
    toggle = page.locator("summary", has_text="絞り込み")
    expect(toggle).to_be_visible()
    expect(page.locator("#f-free-1")).to_be_hidden()
    expect(page.locator("#result-count")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#result-count")).to_contain_text("14")
    axe_check(page)

    # The disclosure opens from the keyboard.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#f-free-1")).to_be_visible()
    axe_check(page)

    # A filter change updates the count in the live region and shows the filter as a chip.
    page.locator("#f-free-1").check()
    expect(page.locator("#result-count")).to_contain_text("7")
    chip = page.locator(".chips a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("無料")
    axe_check(page)

    # The chip is a link that removes its filter, and works as a plain link.
    with page.expect_navigation():
        chip.click()
    expect(page.locator("#result-count")).to_contain_text("14")
    expect(page.locator(".chips a.chip")).to_have_count(0)
    assert "free=" not in page.url
    console_log.assert_no_errors()


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(
    page: Page, catalogue: list[Program], axe_check: Callable[[Page], None], console_log: ConsoleLog
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/programs/?free=1&when=morning")

    expect(page.locator("#f-free-1")).to_be_visible()
    expect(page.locator("#f-free-1")).to_be_checked()
    expect(page.locator(".chips a.chip")).to_have_count(2)
    axe_check(page)
    console_log.assert_no_errors()


def test_without_javascript_the_disclosure_and_chips_still_work(
    phone_without_javascript: Page, catalogue: list[Program]
) -> None:
    page = phone_without_javascript
    page.goto("/programs/")
    page.locator("summary", has_text="絞り込み").click()
    page.locator("#f-free-1").check()
    with page.expect_navigation():
        page.locator("#catalogue-filter button[type='submit']").first.click()
    expect(page.locator("#result-count")).to_contain_text("7")
    expect(page.locator(".chips a.chip")).to_contain_text("無料")
    # The page opens with the results first again, the chosen filter counted on the toggle.
    expect(page.locator("summary", has_text="絞り込み")).to_contain_text("1")
    expect(page.locator("#f-free-1")).to_be_hidden()


def test_on_a_phone_without_javascript_a_keyword_is_searched_with_the_button_beside_it(
    phone_without_javascript: Page, catalogue: list[Program]
) -> None:
    # The form's other buttons are behind the closed disclosure: the keyword needs one of its own.
    page = phone_without_javascript
    page.goto("/programs/")
    keyword, button = page.get_by_label("キーワード"), page.get_by_role("button", name="検索", exact=True)
    expect(button).to_be_visible()
    box, beside = keyword.bounding_box(), button.bounding_box()
    assert box is not None
    assert beside is not None
    assert beside["x"] > box["x"] + box["width"] - 1, (box, beside)
    assert abs(beside["y"] - box["y"]) < 8, (box, beside)
    keyword.fill("講座その3")
    with page.expect_navigation():
        button.click()
    expect(page.locator(".chips a.chip")).to_contain_text("講座その3")
    expect(page.locator("#results .program-card__title").first).to_have_text("講座その3")
    expect(page.locator("#result-count")).not_to_contain_text("14")


# Each line of an element's text, as the browser laid it out.
LINES_OF = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const lines = [];
  let top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || !node.data[i].trim()) continue;
      if (top === null || rect.top > top + rect.height / 2) { lines.push(""); top = rect.top; }
      lines[lines.length - 1] += node.data[i];
    }
  }
  return lines;
}"""


def test_on_a_phone_a_long_title_breaks_between_phrases_and_no_line_starts_with_a_small_kana(
    page: Page, catalogue: list[Program]
) -> None:
    program = _publish("シニアのためのスマートフォン教室", timezone.localdate() + timedelta(days=30), 0)
    page.set_viewport_size(PHONE)
    page.goto(f"/programs/{program.pk}/")
    lines: list[str] = page.locator("h1").evaluate(LINES_OF)
    assert len(lines) > 1, lines  # too long for one line at this width
    assert "".join(lines) == "シニアのためのスマートフォン教室"
    # Not 「スマートフ／ォン教室」: the word stays whole, and no line starts with ォ, ッ, ー and the like.
    assert any("スマートフォン" in line for line in lines), lines
    assert not [line for line in lines if line[0] in "ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎー"], lines


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_back_and_forward_after_filtering_restore_the_ticked_filters_without_console_errors(
    page: Page,
    catalogue: list[Program],
    viewport: dict[str, int],
    axe_check: Callable[[Page], None],
    console_log: ConsoleLog,
) -> None:
    page.set_viewport_size(viewport)
    page.goto("/programs/")
    if viewport == PHONE:
        page.locator("summary", has_text="絞り込み").click()
    page.locator("#f-free-1").check()
    expect(page).to_have_url(re.compile(r"free=1"))
    expect(page.locator("#result-count")).to_contain_text("7")
    page.locator("#f-when-morning").check()
    expect(page).to_have_url(re.compile(r"when=morning"))
    # htmx's swaps leave no inline style behind (the CSP would refuse it).
    expect(page.locator("[style]")).to_have_count(0)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"when=morning"))
    expect(page.locator("#f-free-1")).to_be_checked()
    expect(page.locator("#f-when-morning")).not_to_be_checked()
    expect(page.locator("#result-count")).to_contain_text("7")
    expect(page.locator(".chips a.chip")).to_have_count(1)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"free=1"))
    expect(page.locator("#f-free-1")).not_to_be_checked()
    expect(page.locator("#f-free-any")).to_be_checked()
    expect(page.locator("#result-count")).to_contain_text("14")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"free=1"))
    expect(page.locator("#f-free-1")).to_be_checked()
    expect(page.locator("#result-count")).to_contain_text("7")
    expect(page.locator("[style]")).to_have_count(0)
    axe_check(page)
    console_log.assert_no_errors()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_the_print_view_and_share_links_are_accessible_and_need_no_other_sites_script(
    page: Page,
    catalogue: list[Program],
    viewport: dict[str, int],
    axe_check: Callable[[Page], None],
    console_log: ConsoleLog,
) -> None:
    page.set_viewport_size(viewport)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    program = catalogue[0]
    page.goto(f"/programs/{program.pk}/")
    expect(page.get_by_role("navigation", name="この講座・イベントを知らせる").get_by_role("link")).to_have_count(3)
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="この講座・イベントを印刷する（A4）").click()
    expect(page.locator("h1")).to_have_text(program.title)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")
    axe_check(page)
    assert all(url.startswith(page.url.split("/programs/")[0]) for url in requests), requests
    console_log.assert_no_errors()
