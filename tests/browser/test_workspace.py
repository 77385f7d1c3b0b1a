"""The coordinator's morning in Chromium: log in, land on the workspace, follow the overdue card to the queue."""

import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from tests.browser.conftest import ConsoleLog
from tests.workspace.conftest import build_work, make_office


def test_the_coordinator_lands_on_the_workspace_and_follows_the_overdue_card_to_the_queue(
    page: Page,
    live_server: LiveServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
    tmp_path: Path,
) -> None:
    """Screenshots (Japanese and English, desktop and phone) are left in ``tmp_path`` to look at."""
    office = make_office(make_persona)
    build_work(office, 2)

    login(page, office.coordinator.email, DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="今日の業務")).to_be_visible()
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        page.screenshot(path=tmp_path / f"workspace-ja-{width}.png", full_page=True)

    overdue = page.locator("[data-card='consultations.overdue'] a")
    expect(overdue).to_contain_text("期限超過の相談")
    expect(overdue).to_contain_text("4件")
    with page.expect_navigation():
        overdue.click()
    expect(page).to_have_url(re.compile(r"/staff/consultations/\?view=overdue$"))
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.get_by_label("表示")).to_have_value("overdue")
    axe_check(page)
    page.screenshot(path=tmp_path / "workspace-queue-ja-390.png", full_page=True)

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto("/staff/")
    expect(page.get_by_role("heading", name="Today's work")).to_be_visible()
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        page.screenshot(path=tmp_path / f"workspace-en-{width}.png", full_page=True)
    console_log.assert_no_errors()
