"""The coordinator's reports in Chromium: the current fiscal year, the previous one, the workbook, print."""

import io
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.core.figures import fiscal_year_of
from tests.browser.conftest import ConsoleLog
from tests.reports.conftest import City, build_city, city  # noqa: F401 — the fixture


def test_the_coordinator_reads_switches_years_downloads_the_workbook_and_prints(
    page: Page,
    live_server: LiveServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
    city: City,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Screenshots (Japanese and English, desktop and phone, and print) are left in ``tmp_path`` to look at."""
    build_city(city)
    from django.utils import timezone

    current = fiscal_year_of(timezone.localdate()).year

    login(page, city.coordinator.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="報告・統計（年度の数値）").click()
    expect(page).to_have_url(re.compile(r"/staff/reports/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{current}年度の報告")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        page.screenshot(path=tmp_path / f"reports-ja-{width}.png", full_page=True)
        # On a wide screen the three filters share a line, so the figures start on the first screen.
        tops = {
            round(box["y"])
            for box in (select.bounding_box() for select in page.locator("form.filter select").all())
            if box
        }
        assert len(tops) == (1 if width == 1280 else 3), tops

    with page.expect_navigation():
        page.get_by_role("link", name=f"{current - 1}年度").click()
    expect(page).to_have_url(re.compile(rf"/staff/reports/{current - 1}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{current - 1}年度の報告")

    with page.expect_download() as download:
        page.get_by_role("link", name="報告全体をダウンロード（Excelブック）").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["開催した事業"]
    assert sheet["A1"].value == f"開催した事業 — {current - 1}年度"
    # Cell by cell against the page's first table (programmes held per month).
    table = page.locator("[data-figure='programs.by_month'] table tr")
    rows = [[cell.strip() for cell in table.nth(i).locator("th, td").all_inner_texts()] for i in range(table.count())]
    cells = [[str(cell.value) for cell in row[:3]] for row in sheet.iter_rows(min_row=4, max_row=3 + len(rows))]
    assert cells == rows

    page.emulate_media(media="print")
    expect(page.locator(".report__printed")).to_be_visible()
    expect(page.locator(".report__years")).to_be_hidden()
    breaks = page.locator(".report__section").evaluate_all("els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks[0] == "auto"
    assert set(breaks[1:]) == {"page"}
    page.screenshot(path=tmp_path / "reports-print-ja.png", full_page=True)
    page.emulate_media(media="screen")

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto("/staff/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reports for FY{current}")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        page.screenshot(path=tmp_path / f"reports-en-{width}.png", full_page=True)
    console_log.assert_no_errors()
