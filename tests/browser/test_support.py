"""Issue 12's acceptance for support requests, in Chromium: a group asks once for a venue, publicity and
safety advice; the coordinator splits the request to three departments; each department answers its
own part; the group sees one request with each part's state and one conversation. Every page is axe-clean."""

import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD, DepartmentFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import OutboxMessage
from manabiba.support.models import SupportRequest
from tests.browser.conftest import ConsoleLog
from tests.communities.conftest import areas, categories, make_group

__all__ = ["areas", "categories", "make_group"]

SHOTS = Path(tempfile.gettempdir()) / "manabiba-support-shots"
ANSWERS = {
    "施設管理課": "西原公園の使用を8月1日に許可しました。",
    "秘書広報課": "市報7月15日号の催し欄に掲載します。",
    "危機管理課": "熱中症対策として日陰と給水所を設けてください。",
}


def _as(page: Page, login: Callable[[Page, str, str], None], user: User) -> None:
    page.context.clear_cookies()
    login(page, user.email, DEFAULT_PASSWORD)


def test_a_request_split_to_three_departments_reads_as_one_request_and_one_thread(
    page: Page,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    make_group: Callable[..., CommunityGroup],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    owner = make_persona(email="chokai@example.jp", full_name="町会 代表")
    group = make_group(owner=owner, name="ひばりが丘北町会", kind=CommunityGroup.Kind.NEIGHBOURHOOD)
    departments = {name: DepartmentFactory(name=name) for name in ANSWERS}
    staff = {
        name: make_persona(Role.DEPARTMENT_STAFF, email=f"dept{n}@example.jp", department=department)
        for n, (name, department) in enumerate(departments.items())
    }

    # The group asks once, for three kinds of help.
    _as(page, login, owner)
    page.goto("/support/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("支援の依頼")
    axe_check(page)
    form = page.locator("main form[method='post']")
    form.locator(f"input[name='group'][value='{group.pk}']").check()
    form.locator("input[name='title']").fill("夏の子ども祭り")
    for kind in ("venue", "publicity", "safety"):
        form.locator(f"input[name='kinds'][value='{kind}']").check()
    form.locator("textarea[name='description']").fill(
        "8月1日に公園で子ども祭りを開きます。会場、広報、安全の助言をお願いします。"
    )
    form.locator("input[name='starts_on']").fill("2027-08-01")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    request = SupportRequest.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(request.reference)
    axe_check(page)

    # The coordinator finds it among the requests to split and passes a part to each department.
    _as(page, login, coordinator)
    page.goto("/staff/")
    page.locator("a[href$='?view=to_split']").first.click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=request.reference).click()
    split = page.locator("form[action$='/split/']")
    for row, (name, kind) in enumerate(zip(ANSWERS, ("venue", "publicity", "safety"), strict=True), start=1):
        split.locator(f"select[name='department_{row}']").select_option(str(departments[name].pk))
        split.locator(f"select[name='kind_{row}']").select_option(kind)
    with page.expect_navigation():
        split.locator("button[type='submit']").click()
    for name in ANSWERS:
        expect(page.locator(f"tr[data-part='{name}']")).to_contain_text("未対応")
    axe_check(page)
    page.screenshot(path=SHOTS / "staff-split.png", full_page=True)
    for name, person in staff.items():
        assert OutboxMessage.objects.filter(to=person.email, subject__contains=request.reference).exists(), name

    # Each department answers its own part, and only its own.
    for name, person in staff.items():
        _as(page, login, person)
        page.goto("/staff/support/?view=department_open")
        expect(page.locator("tr[data-row]")).to_have_count(1)
        axe_check(page)
        with page.expect_navigation():
            page.get_by_role("link", name=request.reference).click()
        forms = page.locator("form[action*='/staff/support/tasks/']")
        expect(forms).to_have_count(1)
        forms.locator("input[type='radio'][value='done']").check()
        forms.locator("textarea").fill(ANSWERS[name])
        with page.expect_navigation():
            forms.locator("button[type='submit']").click()
        expect(page.locator(f"tr[data-part='{name}']")).to_contain_text("完了")
        axe_check(page)

    # The group sees one request: each part's state, and one conversation with every answer.
    _as(page, login, owner)
    page.goto(f"/support/{request.pk}/")
    for name, answer in ANSWERS.items():
        expect(page.locator(f"tr[data-part='{name}']")).to_contain_text("完了")
        expect(page.locator("#thread")).to_contain_text(answer)
    expect(page.locator("main .support-status")).to_have_text("すべて回答済み")
    axe_check(page)
    page.screenshot(path=SHOTS / "group-request.png", full_page=True)
    thread = page.locator("main form[action$='/message/']")
    thread.locator("textarea[name='body']").fill("皆さまありがとうございました。")
    with page.expect_navigation():
        thread.locator("button[type='submit']").click()
    expect(page.locator("#thread")).to_contain_text("皆さまありがとうございました。")
    axe_check(page)
    console_log.assert_no_errors()
