"""Two dead ends of issue 15 in Chromium, at desktop and phone widths: a resident without e-mail asks
for a call and gets a reference on screen (with the desk's phone beside it); the desk routes a case
to a department and can still open it from its "routed by me" view."""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD, DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.core.models import OutboxMessage
from manabiba.desk.reference import desk_contact_load
from tests.browser.conftest import ConsoleLog

# Screenshots to look at by eye (Japanese and English, both widths); nothing asserts on them.
SHOTS = Path(tempfile.gettempdir()) / "manabiba-deadends-shots"
WIDTHS = [pytest.param(1280, 900, id="desktop"), pytest.param(390, 844, id="phone")]


def _to_english(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/language/'] button[name='language']").click()


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_phone_only_resident_asks_and_gets_a_reference_to_quote(
    page: Page, width: int, height: int, axe_check: Callable[[Page], None], console_log: ConsoleLog
) -> None:
    desk_contact_load()
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/consultations/")
    expect(page.locator("main .desk-contact")).to_contain_text("042-464-1311")
    axe_check(page)
    form = page.locator("main form[method='post']")
    form.locator("input[name='topic'][value='learn']").check()
    form.locator("textarea[name='body']").fill("パソコン教室を探しています。メールは使っていません。")
    form.locator("input[name='reply_channel'][value='phone']").check()
    form.locator("input[name='preferred_times']").fill("平日の午前")
    form.locator("input[name='name']").fill("西東 一郎")
    form.locator("input[name='phone']").fill("042-111-2222")
    page.screenshot(path=SHOTS / f"ask-phone-ja-{width}.png", full_page=True)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    # 確認: what will be sent, nothing asked yet.
    assert page.url.endswith("/consultations/check/")
    expect(page.locator("[aria-current='step']")).to_contain_text("確認")
    expect(page.locator("main dl")).to_contain_text("042-111-2222")
    assert not Consultation.objects.exists()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="相談を送信する").click()

    consultation = Consultation.objects.get()
    expect(page.locator("[aria-current='step']")).to_contain_text("完了")
    assert page.url.endswith("/consultations/received/")
    expect(page.locator(".reference-box__number")).to_have_text(consultation.reference)
    expect(page.locator("main .desk-contact a[href^='tel:']")).to_have_attribute("href", "tel:0424641311")
    assert consultation.confirmed_at is not None
    assert consultation.email == ""
    assert not OutboxMessage.objects.exists()
    axe_check(page)
    page.screenshot(path=SHOTS / f"received-ja-{width}.png", full_page=True)

    _to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your question has reached us")
    expect(page.locator(".reference-box__number")).to_have_text(consultation.reference)
    axe_check(page)
    page.screenshot(path=SHOTS / f"received-en-{width}.png", full_page=True)
    console_log.assert_no_errors()


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_desk_routes_a_case_and_still_sees_it(
    page: Page,
    width: int,
    height: int,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    console_log: ConsoleLog,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    sports = DepartmentFactory(name="スポーツ振興課")
    sports_staff = make_persona(Role.DEPARTMENT_STAFF, email="sports@example.jp", department=sports)
    desk = make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 明子")
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/consultations/")
    form = page.locator("main form[method='post']")
    form.locator("input[name='topic'][value='group']").check()
    form.locator("textarea[name='body']").fill("卓球の仲間を探しています。")
    form.locator("input[name='reply_channel'][value='desk']").check()
    form.locator("input[name='phone']").fill("042-333-4444")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").click()
    consultation = Consultation.objects.get()

    login(page, desk.email, DEFAULT_PASSWORD)
    page.goto("/staff/consultations/?view=new")
    page.get_by_role("link", name=consultation.reference).click()
    route = page.locator("form[action$='/assign/']").filter(has=page.locator("select[name='department']"))
    route.locator("select[name='department']").select_option(str(sports.pk))
    with page.expect_navigation():
        route.locator("button[type='submit']").click()

    # Still open for the desk: it can tell a resident who calls what is happening, but not answer.
    expect(page.get_by_role("heading", level=1)).to_contain_text(consultation.reference)
    expect(page.locator("main dl")).to_contain_text("スポーツ振興課")
    expect(page.locator("form[action$='/reply/']")).to_have_count(0)
    axe_check(page)
    page.screenshot(path=SHOTS / f"routed-detail-ja-{width}.png", full_page=True)
    page.goto("/staff/consultations/?view=routed")
    expect(page.get_by_role("link", name=consultation.reference)).to_be_visible()
    axe_check(page)
    page.screenshot(path=SHOTS / f"routed-queue-ja-{width}.png", full_page=True)
    _to_english(page)
    expect(page.get_by_role("link", name=consultation.reference)).to_be_visible()
    page.screenshot(path=SHOTS / f"routed-queue-en-{width}.png", full_page=True)

    # Nobody was named, so the department's staff were told.
    assert OutboxMessage.objects.filter(to=sports_staff.email).exists()
    console_log.assert_no_errors()


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_home_page_leads_to_the_desk_and_a_coordinator_edits_its_address(
    page: Page,
    width: int,
    height: int,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    desk_contact_load()
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/")
    section = page.locator("section[aria-labelledby='desk-heading']")
    expect(section.get_by_role("link", name="窓口の開設時間・所在地・電話番号")).to_have_attribute("href", "/desk/")
    axe_check(page)
    section.screenshot(path=SHOTS / f"home-desk-ja-{width}.png")

    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/desk/contact/")
    axe_check(page)
    form = page.locator("main form[method='post']")
    form.locator("input[name='address']").fill("西東京市南町五丁目6番13号")
    form.locator("textarea[name='access']").fill("西武新宿線 田無駅南口から徒歩5分")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    page.goto("/desk/")
    contact = page.locator("main .desk-contact")
    expect(contact).to_contain_text("西武新宿線 田無駅南口から徒歩5分")
    expect(contact.get_by_role("link", name="地図")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/search\?query=")
    )
    axe_check(page)
    page.screenshot(path=SHOTS / f"desk-ja-{width}.png", full_page=True)
    console_log.assert_no_errors()
