"""New-programme mail end to end in Chromium: a visitor on a filtered list is led to log in and saves the
filters; signed in, a filter ticked (htmx) and saved with the list's own button; a new programme is
published and the weekly run mails it over SMTP, with its link and the List-Unsubscribe headers; the
link in the mail opens the programme, and the one-click link asks, then stops that saved search only.
axe finds nothing on any page on the way."""

import re
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.alerts.models import SavedSearch
from manabiba.alerts.services import alerts_send
from manabiba.core.models import Area
from manabiba.programs.factories import CategoryFactory, ProgramFactory
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_mail(smtp: SmtpServer, address: str, text: str, page: Page) -> EmailMessage:
    for _attempt in range(100):
        for message in smtp.to(address):
            if text in SmtpServer.body(message):
                return message
        page.wait_for_timeout(100)
    raise AssertionError(f"no mail with {text!r} reached {address}")


def _path(link: str) -> str:
    assert link.startswith(str(settings.SITE_URL))
    return link[len(str(settings.SITE_URL)) :]


def test_a_saved_search_mails_a_new_programme_and_stops_in_one_click(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
) -> None:
    yoga = CategoryFactory(major="健康・スポーツ", minor="ヨガ", name_en="Yoga")
    tanashi = Area.objects.get_or_create(name="田無町", defaults={"name_en": "Tanashi-cho", "kana": "たなしちょう"})[0]
    ProgramFactory(published=True, title="前からあるヨガ教室", categories=[yoga], area=tanashi)
    resident = make_persona(email="yoga-fan@example.jp", full_name="市民 花子")

    # A visitor on the filtered list is led to log in, and comes back to the conditions and a button.
    page.goto(f"/programs/?category={yoga.pk}")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="この条件で新着をメールで受け取る").click()
    assert "/accounts/login/" in page.url
    form = page.locator("main form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='email']").fill(resident.email)
    form.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    assert "/alerts/new/" in page.url
    expect(page.locator("main")).to_contain_text("ヨガ")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="この条件で新着をメールで受け取る").click()
    expect(page.locator(".messages")).to_contain_text("「ヨガ」を保存しました。")
    yoga_search = SavedSearch.objects.get(user=resident)
    assert yoga_search.query == f"category={yoga.pk}"
    axe_check(page)

    # Signed in: a filter ticked on the list (htmx updates the results and the button with them), then saved.
    page.goto("/programs/")
    page.locator(f"#f-area-{tanashi.pk}").check()
    expect(page.locator("#results .chips")).to_contain_text("田無町")
    expect(page.locator("#alert-signup input[name='query']")).to_have_value(re.compile(rf"(^|&)area={tanashi.pk}($|&)"))
    with page.expect_navigation():
        page.locator("#alert-signup button").click()
    expect(page.locator(".messages")).to_contain_text("「田無町」を保存しました。")
    assert SavedSearch.objects.filter(user=resident).count() == 2

    # My page lists both, with a delete button each.
    page.goto("/accounts/profile/")
    expect(page.locator("#alerts ~ .saved-searches li")).to_have_count(2)
    expect(page.locator(".saved-searches")).to_contain_text("ヨガ")
    axe_check(page)

    # A new yoga programme is published; the weekly run mails it over SMTP.
    new = ProgramFactory(published=True, title="朝のヨガ教室", categories=[yoga])
    assert alerts_send(now=timezone.now() + timedelta(minutes=1)) == 1
    mail = _wait_for_mail(live_server_mail, resident.email, "朝のヨガ教室", page)
    assert str(mail["Subject"]).strip() == "新着講座のお知らせ：ヨガ"
    body = SmtpServer.body(mail)
    assert body.startswith("市民 花子 様")
    assert "前からあるヨガ教室" not in body
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body
    program_link = next(line.strip() for line in body.splitlines() if f"/programs/{new.pk}/" in line)

    # The mail's links work in the browser: the programme, then the one-click link, which asks first.
    page.goto(_path(program_link))
    expect(page.locator("h1")).to_have_text("朝のヨガ教室")
    page.goto(_path(unsubscribe))
    expect(page.locator("main")).to_contain_text("ヨガ")
    assert SavedSearch.objects.filter(pk=yoga_search.pk).exists()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="配信を停止する").click()
    expect(page.locator("main")).to_contain_text("この条件のメールは今後届きません。")
    axe_check(page)
    assert not SavedSearch.objects.filter(pk=yoga_search.pk).exists()
    assert SavedSearch.objects.filter(user=resident).count() == 1
    console_log.assert_no_errors()
