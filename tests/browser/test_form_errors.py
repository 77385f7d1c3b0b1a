"""A form sent wrong in Chromium, on a desktop and a phone: the focus lands on the error summary at the
top, its link takes the reader to the field, and axe finds nothing. Screenshots go to the
test's temporary directory for a look."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services as communities
from manabiba.programs.factories import CategoryFactory
from tests.browser.conftest import ConsoleLog
from tests.communities.conftest import group_fields

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [(1280, 900), (390, 844)]


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_group_contact_form_sent_empty_puts_the_focus_on_the_summary(
    page: Page,
    width: int,
    height: int,
    axe_check: Callable[[Page], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
    tmp_path: Path,
) -> None:
    owner = make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 一郎")
    group = communities.group_apply(
        actor=owner,
        agreed_to_rules=True,
        categories=[CategoryFactory(major="芸術・文化", minor="")],
        areas=[],
        **group_fields(),
    )
    communities.group_approve(group=group, actor=coordinator)
    page.set_viewport_size({"width": width, "height": height})

    page.goto(f"/groups/{group.pk}/")
    form = page.locator("#contact-form")
    form.locator("#id_sender_email").fill("not an address")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("入力内容を確認してください")
    assert page.title().startswith("エラー：")
    # The summary is at the top: in the first screen, though the form is far below.
    box = summary.bounding_box()
    assert box is not None
    assert box["y"] < height
    form_box = page.locator("#contact-form").bounding_box()
    assert form_box is not None
    assert form_box["y"] > height
    axe_check(page)
    page.screenshot(path=tmp_path / f"contact-ja-{width}.png", full_page=False)

    # A link of the summary takes the reader to the field, with its label in view.
    summary.locator("a[href='#id_sender_email']").click()
    expect(page.locator("#id_sender_email")).to_be_focused()
    expect(page.locator("label[for='id_sender_email']")).to_be_in_viewport()
    page.locator("#contact-form").screenshot(path=tmp_path / f"contact-form-ja-{width}.png")
    # The contact form answers a mistake with 400 on purpose, which Chromium logs; nothing else may be there.
    assert [message for message in console_log.errors if "status of 400" not in message] == []


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_consultation_form_sent_empty_in_english(
    page: Page,
    width: int,
    height: int,
    axe_check: Callable[[Page], None],
    console_log: ConsoleLog,
    tmp_path: Path,
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/consultations/")
    with page.expect_navigation():
        page.locator("form[action$='/language/'] button[name='language']").click()
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert page.title().startswith("Error: ")
    # The radio group's error links to its first radio, which exists and is described by the group.
    expect(summary.locator("a[href='#id_topic_0']")).to_have_count(1)
    expect(page.locator("fieldset:has(#id_topic_0)")).to_have_attribute("aria-describedby", "id_topic_error")
    axe_check(page)
    page.screenshot(path=tmp_path / f"ask-en-{width}.png", full_page=True)
    console_log.assert_no_errors()


def test_without_javascript_the_summary_still_takes_the_focus(browser: Browser, live_server: LiveServer) -> None:
    # The summary's autofocus does it: Chromium honours autofocus on any focusable element.
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/consultations/")
        with page.expect_navigation():
            page.locator("main form[method='post'] button[type='submit']").click()
        expect(page.locator("#error-summary")).to_be_focused()
    finally:
        context.close()
