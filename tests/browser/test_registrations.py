"""Registrations in Chromium: residents apply to a lottery, the coordinator runs the draw, the winner
confirms from the mail's link, someone cancels and the waiting list moves up, the desk registers a
phone caller, the roster prints. axe checks every page on the way.

The pages are read in English (the language cookie), so the test does not depend on the catalogue.
"""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.factories import DEFAULT_PASSWORD, UserFactory
from manabiba.accounts.roles import Role
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import PriorityRule, Registration, RegistrationSettings
from manabiba.registrations.services import MY_REGISTRATIONS_PATH, registration_settings_update
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

S = Registration.Status
Login = Callable[[Page, str, str], None]


def _english(context: BrowserContext, live_server: LiveServer) -> None:
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """Another person's browser: a fresh context (own cookies), in English."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo")
        context.set_default_timeout(10_000)
        _english(context, live_server)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _wait_for_mail(smtp: SmtpServer, address: str, page: Page, subject: str) -> str:
    for _attempt in range(100):
        for mail in smtp.to(address):
            if subject in SmtpServer.subject(mail):
                return SmtpServer.body(mail)
        page.wait_for_timeout(100)
    seen = [SmtpServer.subject(m) for m in smtp.to(address)]
    raise AssertionError(f"no mail with {subject!r} reached {address}; got {seen}")


def _lottery_program() -> Program:
    now = timezone.now()
    program = ProgramFactory(
        published=True,
        title="はじめての陶芸教室",
        capacity=2,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
        venue_name="市民会館",
    )
    registration_settings_update(
        program=program,
        actor=None,
        allocation=RegistrationSettings.Allocation.LOTTERY,
        confirm_within_days=3,
        priority_rules=[(PriorityRule.Criterion.CITY_RESIDENT, 1)],
    )
    return program


def _apply(page: Page, program: Program, axe_check: Callable[[Page], None]) -> None:
    page.goto(f"/programs/{program.pk}/")
    expect(page.locator(".registration-box")).to_contain_text("so far for 2 places")
    axe_check(page)
    page.get_by_role("link", name="Apply for this programme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply for")
    axe_check(page)
    page.get_by_role("button", name="Check my application").click()
    expect(page.locator(".error-summary")).to_contain_text("privacy notice")
    axe_check(page)
    page.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Check my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your application")
    axe_check(page)
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator(".banner")).to_contain_text("Applied: the places are drawn by lottery.")
    axe_check(page)


@pytest.mark.django_db(transaction=True)
def test_lottery_confirm_cancel_promote_desk_and_roster(
    page: Page,
    new_page: Callable[[], Page],
    live_server: LiveServer,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Login,
    console_log: ConsoleLog,
) -> None:
    _english(page.context, live_server)
    program = _lottery_program()
    assert program.organizer.department is not None
    # Mail goes out in each person's language: English here, like the pages.
    winner = UserFactory(
        email="winner@example.jp", full_name="当選 一子", full_name_kana="とうせん いちこ", language="en"
    )
    leaver = UserFactory(
        email="leaver@example.jp", full_name="辞退 二郎", full_name_kana="じたい じろう", language="en"
    )
    waiting = UserFactory(
        email="waiting@example.jp",
        full_name="待機 三子",
        full_name_kana="たいき みつこ",
        lives_in_city=False,
        language="en",
    )
    organiser = UserFactory(
        email="organiser@example.jp",
        full_name="社会教育 担当",
        roles=[Role.DEPARTMENT_STAFF],
        department=program.organizer.department,
    )
    desk = UserFactory(email="desk@example.jp", full_name="窓口 職員", roles=[Role.DESK_STAFF])

    # Three residents apply; the two living in the city are in priority tier 1.
    login(page, winner.email, DEFAULT_PASSWORD)
    _apply(page, program, axe_check)
    leaver_page = new_page()
    login(leaver_page, leaver.email, DEFAULT_PASSWORD)
    _apply(leaver_page, program, axe_check)
    waiting_page = new_page()
    login(waiting_page, waiting.email, DEFAULT_PASSWORD)
    _apply(waiting_page, program, axe_check)
    _wait_for_mail(live_server_mail, winner.email, page, "")

    # Applications close; the organiser presses the button.
    Program.objects.filter(pk=program.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    staff = new_page()
    login(staff, organiser.email, DEFAULT_PASSWORD)
    staff.goto("/staff/registrations/")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Registrations")
    expect(staff.locator("main")).to_contain_text("draw due")
    axe_check(staff)
    staff.get_by_role("link", name=program.title).first.click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Registrants of")
    axe_check(staff)
    staff.get_by_role("button", name="Run the draw").click()
    expect(staff.locator(".messages")).to_contain_text("The draw has run.")
    expect(staff.locator("main")).to_contain_text("Same result")
    axe_check(staff)
    staff.get_by_role("link", name="Waiting list").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Waiting list of")
    expect(staff.locator("main")).to_contain_text(waiting.full_name)
    axe_check(staff)
    staff.get_by_role("link", name="Settings", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Registration settings of")
    axe_check(staff)
    statuses = dict(Registration.objects.filter(program=program).values_list("user__email", "status"))
    assert statuses == {winner.email: S.OFFERED, leaver.email: S.OFFERED, waiting.email: S.WAITLISTED}

    # The public notice: seed and counts, no names.
    page.goto(f"/registrations/programs/{program.pk}/draw/")
    expect(page.locator("main")).to_contain_text("Counts per priority tier")
    expect(page.locator("main")).not_to_contain_text(winner.full_name)
    axe_check(page)

    # The winner's mail arrives over SMTP and leads to "my registrations", where they confirm.
    body = _wait_for_mail(live_server_mail, winner.email, page, "Lottery result")
    link = re.search(r"https?://\S+" + re.escape(MY_REGISTRATIONS_PATH), body)
    assert link, body
    page.goto(urlsplit(link.group(0)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("My registrations")
    expect(page.locator("main")).to_contain_text("A place is offered to you")
    axe_check(page)
    page.get_by_role("button", name=re.compile("Confirm my place")).click()
    expect(page.locator(".banner")).to_contain_text("Confirmed: you have a place.")
    axe_check(page)

    # The other winner cancels (with a confirmation step); the waiting list moves up at once.
    leaver_page.goto("/registrations/")
    leaver_page.get_by_role("link", name=re.compile("^Cancel")).click()
    expect(leaver_page.get_by_role("heading", level=1)).to_have_text("Cancel your registration")
    axe_check(leaver_page)
    leaver_page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(leaver_page.locator(".messages")).to_contain_text("Your registration is cancelled.")
    _wait_for_mail(live_server_mail, waiting.email, page, "A place has become free")
    waiting_page.goto("/registrations/")
    expect(waiting_page.locator("main")).to_contain_text("Confirmed: you have a place.")
    axe_check(waiting_page)

    # The desk registers someone who phoned; without e-mail, the slip is for printing.
    desk_page = new_page()
    login(desk_page, desk.email, DEFAULT_PASSWORD)
    desk_page.goto("/staff/registrations/register/")
    axe_check(desk_page)
    Program.objects.filter(pk=program.pk).update(capacity=3)
    desk_page.get_by_label("Programme", exact=True).select_option(str(program.pk))
    desk_page.get_by_role("button", name="Next").click()
    expect(desk_page.get_by_role("heading", level=1)).to_contain_text("Register someone for")
    axe_check(desk_page)
    desk_page.get_by_label("By phone").check()
    desk_page.locator("#id_full_name").fill("電話 花子")
    desk_page.get_by_label("Name in furigana").fill("でんわ はなこ")
    desk_page.get_by_role("textbox", name="Phone").fill("0721-55-1234")
    desk_page.get_by_label("Lives in the city").check()
    desk_page.get_by_label("The person agreed to the privacy notice").check()
    desk_page.get_by_role("button", name="Register", exact=True).click()
    expect(desk_page.get_by_role("heading", level=1)).to_contain_text("Registration slip")
    expect(desk_page.locator("main")).to_contain_text("print this slip")
    expect(desk_page.locator("main")).to_contain_text("Confirmed: you have a place.")
    axe_check(desk_page)
    caller = Registration.objects.get(program=program, full_name="電話 花子")
    assert caller.channel == Registration.Channel.PHONE
    assert caller.registered_by_id == desk.pk

    # The roster prints with every confirmed name, without the site's header.
    session = program.sessions.first()
    assert session is not None
    staff.goto(f"/staff/registrations/sessions/{session.pk}/roster/")
    axe_check(staff)
    staff.emulate_media(media="print")
    roster = staff.locator("table.roster")
    for name in (winner.full_name, waiting.full_name, "電話 花子"):
        expect(roster).to_contain_text(name)
    expect(roster).not_to_contain_text(leaver.full_name)
    expect(staff.locator(".site-header")).to_be_hidden()
    pdf = staff.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    staff.emulate_media(media="screen")

    # Check-in at the door by the short code.
    staff.goto(f"/staff/registrations/sessions/{session.pk}/check-in/")
    axe_check(staff)
    winner_code = Registration.objects.get(program=program, user=winner).check_in_code
    staff.get_by_label("Check-in code").fill(winner_code.lower())
    staff.get_by_role("button", name="Check in").click()
    expect(staff.locator(".messages")).to_contain_text("checked in")
    axe_check(staff)
    console_log.assert_no_errors()
