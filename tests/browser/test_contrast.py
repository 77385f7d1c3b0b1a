"""High contrast (白黒反転): one press turns every page light-on-black, and the pages stay accessible."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from manabiba.programs.factories import ProgramFactory
from tests.browser.conftest import ConsoleLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("width", [1280, 390])
def test_high_contrast_turns_pages_light_on_black_and_they_stay_accessible(
    page: Page, width: int, axe_check: Callable[[Page], None], console_log: ConsoleLog
) -> None:
    program = ProgramFactory(published=True, title="やさしいヨガ教室")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    switch = page.get_by_role("button", name="白黒反転")
    expect(switch).to_have_attribute("aria-pressed", "false")

    switch.click()

    expect(page.locator("html")).to_have_class("text-normal contrast-high")
    for path in ["/", "/programs/", f"/programs/{program.pk}/", "/facilities/", "/desk/", "/consultations/"]:
        page.goto(path)
        expect(page.get_by_role("button", name="白黒反転")).to_have_attribute("aria-pressed", "true")
        colours = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('h1')).color,"
            " getComputedStyle(document.querySelector('main a, footer a')).color]"
        )
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"], path
        axe_check(page)

    page.get_by_role("button", name="白黒反転").click()
    expect(page.locator("html")).to_have_class("text-normal")
    console_log.assert_no_errors()
