"""A learning consultation end to end in Chromium: a guest asks and confirms by mail, the coordinator
routes it, the department answers with a programme, the resident replies by e-mail over SMTP."""

import re
import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD, DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation, Message
from manabiba.core.smtp_catcher import SmtpCatcher
from manabiba.programs.factories import ProgramFactory
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

GUEST = "yamada@example.jp"


@pytest.fixture
def inbound_server(tmp_path: Path) -> Iterator[tuple[SmtpCatcher, Path]]:
    folder = tmp_path / "inbound"
    catcher = SmtpCatcher(maildir=folder).start()
    try:
        yield catcher, folder
    finally:
        catcher.stop()


def _wait_for_mail(smtp: SmtpServer, address: str, page: Page, count: int) -> EmailMessage:
    for _attempt in range(80):
        mails = smtp.to(address)
        if len(mails) >= count:
            return mails[count - 1]
        page.wait_for_timeout(100)
    raise AssertionError(f"mail number {count} never reached {address}")


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()


def test_guest_asks_coordinator_routes_department_answers_resident_replies_by_mail(
    page: Page,
    live_server_mail: SmtpServer,
    inbound_server: tuple[SmtpCatcher, Path],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    sports = DepartmentFactory(name="スポーツ振興課")
    sports_staff = make_persona(
        Role.DEPARTMENT_STAFF, email="sports@example.jp", full_name="運動 太郎", department=sports
    )
    program = ProgramFactory(published=True, title="はじめての卓球教室")

    # A guest asks.
    page.goto("/consultations/")
    axe_check(page)
    main = page.locator("main form[method='post']")
    main.locator("input[name='topic'][value='learn']").check()
    main.locator("textarea[name='body']").fill("運動不足なので、初心者向けのスポーツを始めたいです。")
    main.locator("input[name='reply_channel'][value='email']").check()
    main.locator("input[name='preferred_times']").fill("土曜の午前")
    main.locator("input[name='name']").fill("山田 花子")
    main.locator("input[name='email']").fill(GUEST)
    with page.expect_navigation():
        main.locator("button[type='submit']").click()
    assert page.url.endswith("/consultations/check/")
    axe_check(page)
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").click()
    assert page.url.endswith("/consultations/check-your-mail/")
    axe_check(page)
    assert not Consultation.objects.filter(confirmed_at__isnull=False).exists()

    # The guest confirms the address through the mailed link and lands on the thread.
    confirm_mail = _wait_for_mail(live_server_mail, GUEST, page, 1)
    link = re.search(r"https?://\S+/consultations/confirm/\S+/", SmtpServer.body(confirm_mail))
    assert link, SmtpServer.body(confirm_mail)
    page.goto(urlsplit(link.group(0)).path)
    consultation = Consultation.objects.get(email=GUEST)
    expect(page.get_by_role("heading", level=1)).to_contain_text(consultation.reference)
    thread_path = urlsplit(page.url).path
    assert consultation.access_token in thread_path
    axe_check(page)

    # The coordinator sees it in the queue of new consultations and routes it to the sports department.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/consultations/?view=new")
    axe_check(page)
    page.get_by_role("link", name=consultation.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(consultation.reference)
    axe_check(page)
    route = page.locator("form[action$='/assign/']").filter(has=page.locator("select[name='department']"))
    route.locator("select[name='department']").select_option(str(sports.pk))
    route.locator("input[name='note']").fill("スポーツ教室の紹介をお願いします")
    with page.expect_navigation():
        route.locator("button[type='submit']").click()
    expect(page.locator("main dl")).to_contain_text("スポーツ振興課")
    _log_out(page)

    # The department answers with a programme from the catalogue.
    login(page, sports_staff.email, DEFAULT_PASSWORD)
    page.goto("/staff/consultations/?view=department")
    page.get_by_role("link", name=consultation.reference).click()
    expect(page.locator("main")).to_contain_text("スポーツ教室の紹介をお願いします")  # the coordinator's note
    reply = page.locator("form[action$='/reply/']")
    reply.locator("textarea[name='body']").fill("土曜午前の卓球教室はいかがでしょうか。")
    page.locator("input[name='program_q']").fill("卓球")
    with page.expect_navigation():
        page.locator("[role='search'] button[name='search']").click()
    # The search came back with the reply as typed.
    expect(reply.locator("textarea[name='body']")).to_have_value("土曜午前の卓球教室はいかがでしょうか。")
    reply.locator(f"input[name='programs'][value='{program.pk}']").check()
    axe_check(page)
    with page.expect_navigation():
        reply.locator("button[type='submit']:not([name='search'])").click()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED
    _log_out(page)

    # The answer reaches the resident by mail, with the programme and an address to reply to.
    answer = _wait_for_mail(live_server_mail, GUEST, page, 3)
    answer_body = SmtpServer.body(answer)
    assert f"/programs/{program.pk}/" in answer_body
    assert "スポーツ教室の紹介をお願いします" not in answer_body  # internal routing note
    reply_to = str(answer["Reply-To"] or "") or re.findall(r"reply\+\S+@\S+", answer_body)[-1]
    assert consultation.reply_token in reply_to

    # The resident's mail program replies over SMTP to the city's inbound server ...
    catcher, folder = inbound_server
    mail = EmailMessage()
    mail["From"] = GUEST
    mail["To"] = reply_to
    mail["Subject"] = "Re: " + SmtpServer.subject(answer)
    mail["Message-ID"] = "<reply-1@mail.example.jp>"
    mail.set_content("ありがとうございます。卓球教室に申し込みます。\n\n> 土曜午前の卓球教室はいかがでしょうか。\n")
    with smtplib.SMTP(catcher.host, catcher.port) as client:
        client.send_message(mail)
    # ... and the timer's fetch command puts the reply into the thread.
    out = StringIO()
    call_command("consultations_fetch_mail", source=str(folder), stdout=out)
    assert "1 added" in out.getvalue()

    page.goto(thread_path)
    thread = page.locator("ol.thread")
    expect(thread).to_contain_text("ありがとうございます。卓球教室に申し込みます。")
    expect(thread).to_contain_text("土曜午前の卓球教室はいかがでしょうか。")
    expect(thread.get_by_role("link", name="はじめての卓球教室")).to_have_attribute("href", f"/programs/{program.pk}/")
    expect(page.locator("main")).not_to_contain_text("スポーツ教室の紹介をお願いします")
    axe_check(page)
    assert consultation.messages.filter(kind=Message.Kind.RESIDENT, via=Message.Via.EMAIL).count() == 1
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.IN_PROGRESS
    console_log.assert_no_errors()


def test_staff_pages_for_logging_canned_replies_and_figures_pass_axe(
    page: Page,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    desk = make_persona(Role.DESK_STAFF, email="desk@example.jp")
    login(page, desk.email, DEFAULT_PASSWORD)
    page.goto("/staff/consultations/log/")
    axe_check(page)
    form = page.locator("main form[method='post']")
    form.locator("input[name='channel'][value='phone']").check()
    form.locator("input[name='topic'][value='facility']").check()
    form.locator("textarea[name='body']").fill("公民館の和室を借りたい")
    form.locator("input[name='reply_channel'][value='phone']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    axe_check(page)  # the error summary: the phone number is missing
    expect(page.locator(".error-summary")).to_be_visible()
    form.locator("input[name='phone']").fill("042-000-1111")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    consultation = Consultation.objects.get()
    assert consultation.channel == "phone"
    expect(page.get_by_role("heading", level=1)).to_contain_text(consultation.reference)
    _log_out(page)

    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/consultations/canned/new/")
    axe_check(page)
    page.locator("input[name='title']").fill("施設の予約")
    page.locator("textarea[name='body']").fill("施設の予約は施設予約のページからできます。")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()
    expect(page.locator("main table")).to_contain_text("施設の予約")
    axe_check(page)
    page.goto("/staff/consultations/figures/")
    expect(page.locator("main table").first).to_contain_text("1")
    assert page.locator("main svg rect").count() > 0
    axe_check(page)
    console_log.assert_no_errors()
