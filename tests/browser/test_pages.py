"""The public pages in a real browser: language, structure, keyboard use, accessibility, small screens."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ConsoleLog

PUBLIC_PAGES = [
    "/",
    "/pages/about/",
    "/pages/accessibility/",
    "/pages/privacy/",
    "/pages/terms/",
    "/accounts/login/",
    "/accounts/signup/",
]


def root_font_size(page: Page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_japanese_accessible_and_clean(
    page: Page, path: str, axe_check: Callable[[Page], None], console_log: ConsoleLog
) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200

    assert page.locator("html").get_attribute("lang") == "ja"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)
    axe_check(page)
    console_log.assert_no_errors()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_skip_link_comes_first_and_moves_focus_to_main(page: Page, path: str) -> None:
    page.goto(path)
    # A page may autofocus its first field, so the first Tab stop is checked in document order.
    first_focusable = page.evaluate(
        "document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]').className"
    )
    assert first_focusable == "skip-link"

    skip_link = page.locator("a.skip-link")
    skip_link.focus()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_page_fits_a_320px_wide_screen_without_horizontal_scrolling(page: Page, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)

    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320


def test_english_switch_changes_the_page_language_and_back(page: Page, console_log: ConsoleLog) -> None:
    page.goto("/pages/about/")

    with page.expect_navigation():
        page.locator("header button[name='language'][value='en']").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/pages/about/")
    expect(page.locator("h1")).to_have_count(1)

    with page.expect_navigation():
        page.locator("header button[name='language'][value='ja']").click()
    assert page.locator("html").get_attribute("lang") == "ja"
    console_log.assert_no_errors()


def test_english_page_passes_axe(page: Page, axe_check: Callable[[Page], None]) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.locator("header button[name='language'][value='en']").click()

    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)


def test_larger_text_enlarges_the_root_font_and_persists_across_pages(page: Page, console_log: ConsoleLog) -> None:
    page.goto("/")
    standard = root_font_size(page)

    with page.expect_navigation():
        page.locator("header button[name='size'][value='large']").click()
    large = root_font_size(page)
    assert large > standard
    expect(page.locator("header button[name='size'][value='large']")).to_have_attribute("aria-pressed", "true")

    with page.expect_navigation():
        page.locator("header button[name='size'][value='xlarge']").click()
    extra_large = root_font_size(page)
    assert extra_large > large

    page.goto("/pages/terms/")
    assert root_font_size(page) == extra_large
    expect(page.locator("header button[name='size'][value='xlarge']")).to_have_attribute("aria-pressed", "true")

    with page.expect_navigation():
        page.locator("header button[name='size'][value='normal']").click()
    assert root_font_size(page) == standard
    console_log.assert_no_errors()


def test_extra_large_text_still_fits_a_320px_screen(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    with page.expect_navigation():
        page.locator("header button[name='size'][value='xlarge']").click()

    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
