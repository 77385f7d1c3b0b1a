"""An exchange meeting end to end in Chromium: two groups apply to present, the coordinator accepts them and
builds the timetable, a presenter uploads slides and agrees to show them, a group registers eight members;
the programme's public page shows the timetable, and after the day the slides. axe finds nothing on the way."""

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.exchanges import services
from manabiba.exchanges.models import GroupAttendance, Material, Presentation
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Program
from manabiba.programs.selectors import catalogue_changed
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer
from tests.exchanges.conftest import exchange_program, make_group

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()


def _submit(page: Page, form_selector: str = "main form.form") -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type='submit']").first.click()


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=Path(tempfile.gettempdir()) / f"exchanges_{name}.png", full_page=True)


def _apply(page: Page, program: Program, title: str, minutes: str, generations: list[str]) -> None:
    page.goto(f"/exchanges/{program.pk}/present/")
    form = page.locator("main form.form")
    form.locator("#id_title").fill(title)
    form.locator("#id_summary").fill("一年の活動を写真で紹介します。")
    form.locator("#id_minutes_needed").fill(minutes)
    for code in generations:
        form.locator(f"input[name='generations'][value='{code}']").check()
    form.locator("#id_equipment").fill("プロジェクター")
    _submit(page)
    expect(page.locator(".messages, [role='status']").first).to_be_visible()


def _slot(page: Page, starts: str, ends: str, presentation: Presentation | None, label: str = "") -> None:
    form = page.locator("main form.form")
    form.locator("#id_starts").fill(starts)
    form.locator("#id_ends").fill(ends)
    if presentation is not None:
        form.locator("#id_presentation").select_option(str(presentation.pk))
    else:
        form.locator("#id_label").fill(label)
    _submit(page)


def test_two_groups_present_the_timetable_is_published_and_the_slides_follow_the_day(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    category = CategoryFactory(major="地域活動", minor="交流")
    area = Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0]
    owner_a = make_persona(Role.GROUP_ORGANISER, email="owner-a@example.jp", full_name="甲 太郎")
    owner_b = make_persona(Role.GROUP_ORGANISER, email="owner-b@example.jp", full_name="乙 花子")
    group_a = make_group(owner_a, coordinator, category, area, "子ども読書の会", "group-a@example.jp")
    group_b = make_group(owner_b, coordinator, category, area, "シニア囲碁クラブ", "group-b@example.jp")
    program = exchange_program()
    services.meeting_setup(program=program, actor=coordinator, format="meeting", stages="大ホール")

    # Two groups apply to present.
    login(page, owner_a.email, DEFAULT_PASSWORD)
    page.goto(f"/exchanges/{program.pk}/")
    axe_check(page)
    page.goto(f"/exchanges/{program.pk}/present/")
    axe_check(page)
    _apply(page, program, "読み聞かせの一年", "20", ["c", "o"])
    _log_out(page)
    login(page, owner_b.email, DEFAULT_PASSWORD)
    _apply(page, program, "囲碁で世代をつなぐ", "20", ["c", "o"])
    _log_out(page)
    first = Presentation.objects.get(group=group_a)
    second = Presentation.objects.get(group=group_b)

    # The coordinator accepts both and builds the timetable with a break.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto(f"/staff/exchanges/{program.pk}/")
    axe_check(page)
    for presentation in (first, second):
        row = page.locator(f"form[action='/staff/exchanges/presentations/{presentation.pk}/decide/']")
        row.locator("input[name='status'][value='accepted']").check()
        _submit(page, f"form[action='/staff/exchanges/presentations/{presentation.pk}/decide/']")
    assert set(Presentation.objects.values_list("status", flat=True)) == {"accepted"}
    page.goto(f"/staff/exchanges/{program.pk}/timetable/")
    axe_check(page)
    _slot(page, "10:00", "10:20", first)
    _slot(page, "10:20", "10:30", None, "休憩")
    _slot(page, "10:30", "10:50", second)
    # A slot over another on the same stage is refused with the error summary.
    _slot(page, "10:40", "11:00", None, "質疑")
    expect(page.locator(".error-summary, [role='alert']").first).to_be_visible()
    axe_check(page)
    _submit(page, f"form[action='/staff/exchanges/{program.pk}/publish/']")
    _shoot(page, "timetable_staff")
    _log_out(page)
    # The presenters are mailed their time.
    assert any("10:00〜10:20" in live_server_mail.body(m) for m in live_server_mail.to(owner_a.email))
    assert any("10:30〜10:50" in live_server_mail.body(m) for m in live_server_mail.to(owner_b.email))

    # A presenter uploads slides and agrees to show them; the group registers eight members.
    slides = Path(tempfile.gettempdir()) / "exchanges_slides.pdf"
    slides.write_bytes(b"%PDF-1.4\n%%EOF\n")
    login(page, owner_a.email, DEFAULT_PASSWORD)
    page.goto(f"/exchanges/presentations/{first.pk}/materials/")
    axe_check(page)
    page.locator("#id_title").fill("活動スライド")
    page.locator("#id_file").set_input_files(str(slides))
    _submit(page)
    page.locator(f"#consent-{first.pk}").check()
    _submit(page, f"form[action='/exchanges/presentations/{first.pk}/consent/']")
    page.goto(f"/exchanges/{program.pk}/attend/")
    axe_check(page)
    page.locator("#id_members").fill("8")
    page.locator("input[name='generations'][value='c']").check()
    page.locator("#id_consent").check()
    _submit(page)
    axe_check(page)
    _log_out(page)
    attendance = GroupAttendance.objects.get(group=group_a)
    assert attendance.registration is not None
    assert attendance.registration.party_size == 8
    assert attendance.registration.status == "confirmed"
    assert Material.objects.get().kind == "pdf"

    # The public page shows the timetable, not yet the slides.
    page.goto(f"/programs/{program.pk}/")
    timetable = page.locator("#exchange-timetable")
    expect(timetable).to_contain_text("読み聞かせの一年")
    expect(timetable).to_contain_text("休憩")
    expect(timetable).not_to_contain_text("活動スライド")
    axe_check(page)
    _shoot(page, "program_before")

    # After the day, the slides the presenter agreed to show are on the page.
    Program.objects.filter(pk=program.pk).update(last_ends_at=timezone.now() - timedelta(hours=2))
    catalogue_changed()
    page.goto(f"/programs/{program.pk}/")
    expect(page.locator("#exchange-timetable")).to_contain_text("活動スライド")
    axe_check(page)
    page.goto(f"/exchanges/{program.pk}/timetable/")
    expect(page.locator("#exchange-timetable")).to_contain_text("活動スライド")
    axe_check(page)
    _shoot(page, "timetable_after")
    assert CommunityGroup.objects.count() == 2
    console_log.assert_no_errors()
