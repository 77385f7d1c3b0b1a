"""Signing in and out through the real forms in a browser."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from manabiba.accounts.models import User
from tests.browser.conftest import ConsoleLog
from tests.conftest import PERSONA_PASSWORD


def test_resident_logs_in_sees_an_accessible_profile_and_logs_out(
    page: Page,
    resident: User,
    login: Callable[[Page, str, str], None],
    axe_check: Callable[[Page], None],
    console_log: ConsoleLog,
) -> None:
    login(page, resident.email, PERSONA_PASSWORD)

    assert page.url.endswith("/accounts/profile/")
    logout = page.locator("header form[action$='/accounts/logout/'] button")
    expect(logout).to_be_visible()
    axe_check(page)

    with page.expect_navigation():
        logout.click()
    expect(page.locator("header a[href$='/accounts/login/']")).to_be_visible()
    console_log.assert_no_errors()


def test_wrong_password_keeps_the_visitor_on_an_accessible_login_page(
    page: Page, resident: User, login: Callable[[Page, str, str], None], axe_check: Callable[[Page], None]
) -> None:
    login(page, resident.email, "not the password")

    assert "/accounts/login/" in page.url
    expect(page.locator("input[name='email']")).to_have_value(resident.email)
    expect(page.locator("header a[href$='/accounts/login/']")).to_be_visible()
    axe_check(page)
