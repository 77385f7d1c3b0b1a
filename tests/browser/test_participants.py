"""A resident applies for three named participants in Chromium, at desktop and phone widths, through
the three steps 入力 → 確認 → 完了: the number of rows follows the number of people without script,
a missing age is put right from the error summary, 「修正する」 brings every value back, and the
result page shows the reference. axe checks every page on the way; the pages are in Japanese."""

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD, UserFactory
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.registrations.services import registration_settings_update
from tests.browser.conftest import ConsoleLog

SHOTS = Path(tempfile.gettempdir()) / "manabiba-participants-shots"
WIDTHS = [pytest.param(1280, 900, id="desktop"), pytest.param(390, 844, id="phone")]


def _family_programme() -> Program:
    now = timezone.now()
    program = ProgramFactory(
        published=True,
        title="親子で楽しむ木工教室",
        capacity=12,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=5),
        venue_name="市民会館",
    )
    registration_settings_update(program=program, actor=None, max_party_size=4, asks_participant_age=True)
    return program


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_resident_applies_for_three_named_participants_through_a_confirmation_step(
    page: Page,
    width: int,
    height: int,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    program = _family_programme()
    resident = UserFactory(email="family@example.jp", full_name="木工 花子", language="ja")
    page.set_viewport_size({"width": width, "height": height})
    login(page, resident.email, DEFAULT_PASSWORD)

    # 入力: one row, the resident's own name in it; three people give three rows.
    page.goto(f"/registrations/programs/{program.pk}/apply/")
    expect(page.locator("[aria-current='step']")).to_contain_text("入力")
    expect(page.locator("fieldset.participant")).to_have_count(1)
    expect(page.locator("input[name='participants-0-name']")).to_have_value("木工 花子")
    axe_check(page)
    page.locator("select[name='party_size']").select_option("3")
    page.get_by_role("button", name="人数分の入力欄を表示する").click()
    expect(page.locator("fieldset.participant")).to_have_count(3)
    expect(page.locator("fieldset.participant legend").nth(2)).to_contain_text("参加者3")
    expect(page.locator("input[name='participants-0-name']")).to_have_value("木工 花子")
    page.locator("input[name='participants-0-age']").fill("38")
    page.locator("input[name='participants-1-name']").fill("木工 一郎")
    page.locator("input[name='participants-1-age']").fill("9")
    page.locator("input[name='participants-2-name']").fill("木工 二葉")
    page.get_by_label("個人情報の取り扱いに同意します").check()
    page.get_by_role("button", name="確認画面へ進む").click()

    # The third child's age is missing: the summary says so, links to the field, and nothing is sent.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("参加者3")
    assert page.title().startswith("エラー：")
    axe_check(page)
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#id_participants-2-age")
    page.locator("input[name='participants-2-age']").fill("6")
    page.screenshot(path=SHOTS / f"apply-{width}.png", full_page=True)
    page.get_by_role("button", name="確認画面へ進む").click()

    # 確認: everything as it will be sent; nothing is applied yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("申込内容の確認")
    expect(page.locator("[aria-current='step']")).to_contain_text("確認")
    people = page.locator("ol.participants li")
    expect(people).to_have_text(["木工 花子（38歳）", "木工 一郎（9歳）", "木工 二葉（6歳）"])
    expect(page.locator("main")).to_contain_text("3人")
    expect(page.locator("main")).to_contain_text("親子で楽しむ木工教室")
    assert not Registration.objects.exists()
    axe_check(page)
    page.screenshot(path=SHOTS / f"confirm-{width}.png", full_page=True)

    # 「修正する」 brings the form back with every value kept.
    page.get_by_role("link", name="修正する").click()
    expect(page.locator("fieldset.participant")).to_have_count(3)
    expect(page.locator("input[name='participants-1-name']")).to_have_value("木工 一郎")
    expect(page.locator("input[name='participants-2-age']")).to_have_value("6")
    page.locator("input[name='participants-1-name']").fill("木工 一樹")
    # Enter in a field goes on to the confirmation, as the main button does (not to "rows for each person").
    page.locator("input[name='participants-1-name']").press("Enter")
    expect(page.locator("ol.participants li").nth(1)).to_have_text("木工 一樹（9歳）")

    # 申し込む: 完了, with the result and the reference.
    page.get_by_role("button", name="申し込む", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("お申し込みを受け付けました")
    expect(page.locator("[aria-current='step']")).to_contain_text("完了")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.party_size == 3
    assert [(p.name, p.age) for p in registration.participants.all()] == [
        ("木工 花子", 38),
        ("木工 一樹", 9),
        ("木工 二葉", 6),
    ]
    expect(page.locator(".reference-box__number")).to_have_text(registration.check_in_code)
    expect(page.locator("ol.participants li")).to_have_count(3)
    axe_check(page)
    page.screenshot(path=SHOTS / f"complete-{width}.png", full_page=True)

    # The result page may be reloaded: it shows the same registration, and nothing is applied again.
    page.reload()
    expect(page.locator(".reference-box__number")).to_have_text(registration.check_in_code)
    assert Registration.objects.count() == 1
    console_log.assert_no_errors()
