"""The searchable picker in Chromium, with JavaScript and without: the desk narrows the programmes
it registers a caller for, and the programme form narrows its co-hosts without losing what was typed.
axe checks the pages (in the run with script: axe itself is a script, and the pages are the same)."""

from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.factories import DEFAULT_PASSWORD, UserFactory
from manabiba.accounts.roles import Role
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
Login = Callable[[Page, str, str], None]


def _page(browser: Browser, live_server: LiveServer, *, javascript: bool) -> Page:
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo", java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    return context.new_page()


def _programmes() -> Program:
    for n in range(60):
        ProgramFactory(published=True, title=f"パソコン講座{n:02d}", title_kana=f"ぱそこんこうざ{n:02d}")
    return ProgramFactory(published=True, title="朝のヨガ", title_kana="あさのよが")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_the_desk_finds_the_programme_by_typing_part_of_its_name(
    browser: Browser, live_server: LiveServer, login: Login, axe_check: Callable[[Page], None], javascript: bool
) -> None:
    yoga = _programmes()
    desk = UserFactory(email="desk@example.jp", full_name="窓口 職員", roles=[Role.DESK_STAFF])
    page = _page(browser, live_server, javascript=javascript)
    login(page, desk.email, DEFAULT_PASSWORD)
    page.goto("/staff/registrations/register/")
    programme = page.get_by_label("Programme", exact=True)
    expect(programme.locator("option:not([value=''])")).to_have_count(50)
    expect(page.locator("#id_program_count")).to_contain_text("61 choices. The first 50 are listed")
    if javascript:  # axe runs as a script: the page without script is checked in the other run
        axe_check(page)
    search = page.get_by_label("Search the list: Programme")
    search.fill("ヨガ")
    if javascript:
        # htmx narrows the list as one types; the focus stays in the search box.
        expect(programme.locator("option:not([value=''])")).to_have_count(1)
        expect(search).to_be_focused()
    else:
        search.press("Enter")  # sends the form; the search not yet applied makes it a search
    expect(programme.locator("option:not([value=''])")).to_have_count(1)
    expect(page.locator("#id_program_count")).to_have_text("1 of 61 match “ヨガ”.")
    expect(page.get_by_label("Search the list: Programme")).to_have_value("ヨガ")
    if javascript:  # axe runs as a script: the page without script is checked in the other run
        axe_check(page)
    programme.select_option(str(yoga.pk))
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(f"{live_server.url}/staff/registrations/programs/{yoga.pk}/register/")
    page.context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_co_host_search_keeps_the_typed_programme(
    browser: Browser, live_server: LiveServer, login: Login, axe_check: Callable[[Page], None], javascript: bool
) -> None:
    library = OrganizerFactory(name="中央図書館", name_kana="ちゅうおうとしょかん", kind=Organizer.Kind.OTHER)
    OrganizerFactory(name="スポーツ振興課", name_kana="すぽーつしんこうか")
    OrganizerFactory(name="武蔵野市消防団", kind=Organizer.Kind.OTHER, outside_city=True)
    coordinator = UserFactory(email="co@example.jp", full_name="推進 担当", roles=[Role.COORDINATOR])
    page = _page(browser, live_server, javascript=javascript)
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/programs/new/")
    page.get_by_label("Title", exact=True).fill("typed before the search")
    hosts = page.locator("#id_co_organizers")
    expect(hosts).not_to_contain_text("武蔵野市消防団")
    search = page.get_by_label("Search the list: Co-hosts")
    search.fill("としょ")
    if javascript:
        expect(hosts.locator("input[type=checkbox]")).to_have_count(1)
    else:
        page.locator("#id_co_organizers_picker").get_by_role("button", name="Search").click()
    expect(hosts.locator("input[type=checkbox]")).to_have_count(1)
    expect(hosts).to_contain_text("中央図書館")
    expect(page.get_by_label("Title", exact=True)).to_have_value("typed before the search")
    expect(page.locator("#id_co_organizers_count")).to_have_text("1 of 2 match “としょ”.")
    assert not Program.objects.exists()
    page.get_by_label("中央図書館").check()
    if javascript:  # axe runs as a script: the page without script is checked in the other run
        axe_check(page)
    page.context.close()
    assert library.pk
