"""The talent bank end to end in Chromium: a resident registers as a talent, the coordinator asks for a
change, the resident resubmits and is approved; a school finds the talent by the hiragana reading of
its field, asks for an introduction, the office forwards it, the talent accepts through the link in
the mail, and the school sees the contact details and records the outcome. axe finds nothing."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.programs.factories import CategoryFactory
from manabiba.talents.models import IntroductionRequest, TalentProfile
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE_ADDRESS = "fude-private@example.jp"


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()


def _submit(page: Page, form_selector: str = "main form.form", button: str = "button[type='submit']") -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator(button).first.click()


def _wait_for_mail(smtp: SmtpServer, address: str, text: str, page: Page) -> str:
    for _attempt in range(100):
        for message in smtp.to(address):
            body = SmtpServer.body(message)
            if text in body:
                return body
        page.wait_for_timeout(100)
    raise AssertionError(f"no mail with {text!r} reached {address}")


def test_talent_registers_is_screened_introduced_and_the_outcome_recorded(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    calligraphy = CategoryFactory(major="芸術・文化", minor="書道")
    CategoryFactory(major="スポーツ・レクリエーション", minor="")
    resident = make_persona(Role.RESIDENT, email="fude@example.jp", full_name="筆野 墨子")
    school = make_persona(Role.FACILITY_STAFF, email="school@example.jp", full_name="教頭 先生")

    # A resident fills in the registration card.
    login(page, resident.email, DEFAULT_PASSWORD)
    page.goto("/talents/register/")
    axe_check(page)
    form = page.locator("main form.form")
    expect(form.locator("#id_name")).to_have_value("筆野 墨子")
    form.locator("#id_name_kana").fill("ふでの すみこ")
    form.locator(f"input[name='categories'][value='{calligraphy.pk}']").check()
    form.locator("#id_teaches").fill("初心者向けの書道。筆の持ち方から。")
    form.locator("input[name='days'][value='5']").check()
    form.locator("input[name='times'][value='weekend']").check()
    form.locator("#id_free_of_charge").check()
    form.locator("#id_contact_email").fill(PRIVATE_ADDRESS)
    form.locator("#id_declared_adult").check()
    form.locator("#id_declared_no_misuse").check()
    _submit(page)
    talent = TalentProfile.objects.get()
    assert talent.status == TalentProfile.Status.PENDING
    assert page.url.endswith("/talents/mine/")
    axe_check(page)
    _log_out(page)

    # The coordinator asks for a change.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/talents/")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"main a[href$='/staff/talents/{talent.pk}/']").click()
    axe_check(page)
    page.locator("#id_reason").fill("指導経験を書いてください。")
    _submit(page, button="button[name='action'][value='request_changes']")
    talent.refresh_from_db()
    assert talent.status == TalentProfile.Status.CHANGES_REQUESTED
    _log_out(page)

    # The resident reads the mail, changes the card and sends it again.
    _wait_for_mail(live_server_mail, resident.email, "指導経験を書いてください。", page)
    login(page, resident.email, DEFAULT_PASSWORD)
    page.goto("/talents/mine/")
    with page.expect_navigation():
        page.locator(f"main a[href$='/talents/mine/{talent.pk}/edit/']").click()
    expect(page.locator("main .banner")).to_contain_text("指導経験を書いてください。")
    axe_check(page)
    page.locator("#id_experience").fill("公民館の書道講座で10年。")
    _submit(page)
    talent.refresh_from_db()
    assert talent.status == TalentProfile.Status.PENDING
    assert talent.experience == "公民館の書道講座で10年。"
    _log_out(page)

    # The coordinator approves.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto(f"/staff/talents/{talent.pk}/")
    with page.expect_navigation():
        page.locator("button[name='action'][value='approve']").click()
    talent.refresh_from_db()
    assert talent.status == TalentProfile.Status.APPROVED
    _log_out(page)

    # A school finds the talent by the reading of the field and asks for an introduction.
    login(page, school.email, DEFAULT_PASSWORD)
    page.goto("/talents/?q=しょどう")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"#results a[href$='/talents/{talent.pk}/']").click()
    axe_check(page)
    expect(page.locator("main")).not_to_contain_text(PRIVATE_ADDRESS)
    with page.expect_navigation():
        page.locator(f"main a[href$='/talents/{talent.pk}/request/']").click()
    axe_check(page)
    form = page.locator("main form.form")
    form.locator("#id_requester_kind").select_option("school")
    form.locator("#id_organisation").fill("けやき小学校")
    form.locator("#id_purpose").fill("6年生の書き初め指導")
    form.locator("#id_dates").fill("1月の平日午前")
    form.locator("#id_audience").fill("小学6年生")
    form.locator("#id_expected_participants").fill("60")
    _submit(page)
    intro = IntroductionRequest.objects.get()
    assert intro.status == IntroductionRequest.Status.SUBMITTED
    axe_check(page)
    expect(page.locator("main")).not_to_contain_text(PRIVATE_ADDRESS)
    _log_out(page)

    # The office forwards it.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/talents/")
    with page.expect_navigation():
        page.locator(f"main a[href$='/staff/talents/introductions/{intro.pk}/']").click()
    axe_check(page)
    _submit(page, button="button[name='action'][value='forward']")
    intro.refresh_from_db()
    assert intro.status == IntroductionRequest.Status.FORWARDED
    _log_out(page)

    # The talent accepts with one click through the link in the mail, without logging in.
    body = _wait_for_mail(live_server_mail, resident.email, "/talents/answer/", page)
    link = re.search(r"https?://\S+/talents/answer/\S+/", body)
    assert link is not None
    page.goto("/talents/answer/" + link.group(0).split("/talents/answer/")[1])
    axe_check(page)
    with page.expect_navigation():
        page.locator("button[name='answer'][value='accept']").click()
    intro.refresh_from_db()
    assert intro.status == IntroductionRequest.Status.ACCEPTED
    axe_check(page)

    # The school sees the contact details, with the office's disclaimer, and records the outcome.
    _wait_for_mail(live_server_mail, school.email, PRIVATE_ADDRESS, page)
    login(page, school.email, DEFAULT_PASSWORD)
    page.goto(f"/talents/introductions/{intro.pk}/")
    expect(page.locator("#contact-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text(PRIVATE_ADDRESS)
    axe_check(page)
    page.locator("#id_held_0").check()
    page.locator("#id_participants").fill("58")
    page.locator("#id_satisfaction").select_option("5")
    page.locator("#id_comment").fill("子どもたちが楽しく学べました。")
    page.locator("#id_comment_public").check()
    _submit(page)
    intro.refresh_from_db()
    assert (intro.held, intro.participants, intro.satisfaction) == (True, 58, 5)
    page.goto(f"/talents/{talent.pk}/")
    expect(page.locator("#history-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("子どもたちが楽しく学べました。")
    axe_check(page)
    console_log.assert_no_errors()
