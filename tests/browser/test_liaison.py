"""One city across its departments, in Chromium: a department's editor is warned that a new programme
clashes with another department's (seeing that department's contact), acknowledges it with a note and
saves; the planning calendar shows the clash. The coordinator adds an action item at a liaison meeting;
it shows on the owner department's workspace until the department marks it done. axe finds nothing."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.services import department_contact_save
from manabiba.core.factories import AreaFactory
from manabiba.liaison.models import ActionItem
from manabiba.liaison.services import meeting_record
from manabiba.programs.factories import AudienceFactory
from manabiba.programs.models import ClashAcknowledgement, Program
from tests.browser.conftest import ConsoleLog
from tests.liaison.conftest import at, programme
from tests.workspace.conftest import make_office

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()


def _save(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form.form button[type='submit']").first.click()


def test_a_department_editor_is_warned_of_a_clash_and_acknowledges_it(
    page: Page,
    tmp_path: Path,
    live_server: LiveServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
) -> None:
    """Screenshots of the warning and the calendar are left in ``tmp_path`` to look at."""
    office = make_office(make_persona)
    area = AreaFactory(name="保谷町")
    families = AudienceFactory(name="親子")
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 14)
    programme(office.childcare, title="親子ふれあいひろば", starts_at=at(saturday, 10), area=area, audiences=[families])
    department_contact_save(
        department=office.childcare, actor=office.coordinator, name="子育て 葵", phone="042-000-0101", extension="3120"
    )

    login(page, office.sports_staff.email, DEFAULT_PASSWORD)
    page.goto("/staff/programs/new/")
    page.locator("#id_title").fill("親子でからだを動かそう")
    page.locator("#id_venue_name").fill("保谷町の体育館")
    page.locator("#id_area").select_option(str(area.pk))
    page.locator(f"input[name='audiences'][value='{families.pk}']").check()
    page.locator("#id_sessions-0-date").fill(saturday.isoformat())
    page.locator("#id_sessions-0-starts").fill("10:30")
    page.locator("#id_sessions-0-ends").fill("12:00")
    _save(page)

    warning = page.locator("#clashes")
    expect(warning.get_by_role("heading", level=2)).to_contain_text("重複")
    expect(warning).to_contain_text("親子ふれあいひろば")
    expect(warning).to_contain_text("子育て 葵")
    expect(warning).to_contain_text("042-000-0101")
    assert not Program.objects.filter(title="親子でからだを動かそう").exists()
    axe_check(page)
    page.screenshot(path=tmp_path / "clash-warning-ja.png", full_page=True)

    # Saving again without saying why is refused, and says so.
    page.get_by_label("重複する講座・行事を確認したうえで、計画どおり保存する").check()
    _save(page)
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page)

    page.get_by_label("重複する講座・行事を確認したうえで、計画どおり保存する").check()
    page.get_by_label("計画どおり実施できる理由").fill("子育て支援課と電話で調整済み。対象は小学生の親子。")
    _save(page)
    expect(page).to_have_url(re.compile(r"/staff/programs/\d+/$"))
    expect(page.locator("main")).to_contain_text("子育て支援課と電話で調整済み")
    axe_check(page)
    saved = Program.objects.get(title="親子でからだを動かそう")
    assert ClashAcknowledgement.objects.get(program=saved).note.startswith("子育て支援課と電話で調整済み")

    # The planning calendar shows both programmes and the clash, marked acknowledged.
    page.goto(f"/staff/liaison/calendar/?month={saturday:%Y-%m}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("事業計画カレンダー")
    clash_rows = page.locator("tr[data-row='clash']")
    expect(clash_rows).to_have_count(1)
    expect(clash_rows).to_contain_text("確認済み")
    expect(clash_rows).to_contain_text("子育て支援課と電話で調整済み")
    axe_check(page)
    page.screenshot(path=tmp_path / "planning-calendar-ja-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    page.screenshot(path=tmp_path / "planning-calendar-ja-390.png", full_page=True)

    # The same page in English.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning calendar")
    expect(page.locator("tr[data-row='clash']")).to_contain_text("Yes, with a note")
    axe_check(page)
    page.screenshot(path=tmp_path / "planning-calendar-en-1280.png", full_page=True)
    console_log.assert_no_errors()


def test_an_action_item_shows_on_the_owners_workspace_until_it_is_closed(
    page: Page,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
) -> None:
    office = make_office(make_persona)
    meeting = meeting_record(
        actor=office.coordinator,
        title="第2回 庁内地域施策連絡会議",
        held_on=timezone.localdate() - timedelta(days=3),
        departments=[office.sports, office.childcare],
        minutes="子育て行事の日程調整について協議した。",
    )

    # The coordinator adds the action item on the meeting's page.
    login(page, office.coordinator.email, DEFAULT_PASSWORD)
    page.goto(f"/staff/liaison/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("第2回 庁内地域施策連絡会議")
    axe_check(page)
    page.get_by_label("対応事項").fill("地域団体向けの支援窓口一覧を作る")
    page.get_by_label("担当課").select_option(str(office.sports.pk))
    page.get_by_label("期限").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    _save(page)
    expect(page.locator("main")).to_contain_text("地域団体向けの支援窓口一覧を作る")
    item = ActionItem.objects.get(title="地域団体向けの支援窓口一覧を作る")
    _log_out(page)

    # The owner department sees it on its workspace, follows the card and marks it done.
    login(page, office.sports_staff.email, DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    card = page.locator("[data-card='liaison.actions_open'] a")
    expect(card).to_contain_text("1件")
    axe_check(page)
    with page.expect_navigation():
        card.click()
    expect(page.locator("tbody tr")).to_have_count(1)
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="地域団体向けの支援窓口一覧を作る").click()
    axe_check(page)
    page.get_by_label("対応内容").fill("一覧を作成し、庁内に共有しました。")
    _save(page)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE

    page.goto("/staff/")
    expect(page.locator("[data-card='liaison.actions_open'] a")).to_contain_text("0件")
    console_log.assert_no_errors()
