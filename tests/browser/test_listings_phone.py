"""The groups' and the talent bank's listings on a phone, as the catalogue's: the keyword has its own
button, the other filters wait behind a 「絞り込み」 disclosure, and the results come first."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

LISTINGS = [pytest.param("/groups/", "団体", id="groups"), pytest.param("/talents/", "人材", id="talents")]


@pytest.mark.parametrize(("path", "heading"), LISTINGS)
def test_on_a_phone_the_results_come_first_and_the_filters_open_from_a_disclosure(
    page: Page, path: str, heading: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    count = page.locator(".result-count")
    box = count.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], f"the result count ends {box['y']:.0f} px down"
    expect(page.get_by_role("button", name="検索", exact=True)).to_be_visible()
    show = page.get_by_role("button", name="表示").first
    expect(show).to_be_hidden()
    page.locator("summary", has_text="絞り込み").click()
    expect(show).to_be_visible()
    with page.expect_navigation():
        show.click()
    expect(page.locator(".result-count")).to_be_visible()


@pytest.mark.parametrize(("path", "heading"), LISTINGS)
def test_without_javascript_a_keyword_is_searched_with_the_button_beside_it(
    phone_without_javascript: Page, path: str, heading: str
) -> None:
    page = phone_without_javascript
    page.goto(path)
    page.get_by_label("キーワード").fill("書道")
    with page.expect_navigation():
        page.get_by_role("button", name="検索", exact=True).click()
    assert "q=" in page.url
    expect(page.get_by_label("キーワード")).to_have_value("書道")
    # The page's title says what was searched.
    expect(page).to_have_title(re.compile(f"{heading}.*書道"))
