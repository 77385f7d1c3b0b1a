"""A resident's whole account life in Chromium: sign up, confirm by mail, log in, look, export, leave."""

import json
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from manabiba.accounts.models import User
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

PASSWORD = "hibari-ga-oka 2026"


def _wait_for_mail(smtp: SmtpServer, address: str, page: Page) -> str:
    for _attempt in range(50):
        mails = smtp.to(address)
        if mails:
            return SmtpServer.body(mails[-1])
        page.wait_for_timeout(100)
    raise AssertionError(f"no mail reached {address}")


def test_sign_up_confirm_log_in_export_and_delete(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    page.goto("/accounts/signup/")
    axe_check(page)
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("お名前").fill("西東 花子")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_label(re.compile("利用規約")).check()
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("メールを確認してください")
    axe_check(page)

    body = _wait_for_mail(live_server_mail, "hanako@example.jp", page)
    link = re.search(r"https?://\S+/accounts/verify/\S+", body)
    assert link, body
    page.goto(urlsplit(link.group(0)).path)
    expect(page.locator(".message")).to_contain_text("確認")

    login(page, "hanako@example.jp", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    expect(page.locator("main")).to_contain_text("hanako@example.jp")
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("データをすべてダウンロード")).click()
    exported = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert exported["account"]["full_name"] == "西東 花子"

    page.get_by_role("link", name="アカウントを削除").click()
    axe_check(page)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="アカウントを削除する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("アカウントを削除しました")
    assert not User.objects.filter(email="hanako@example.jp").exists()

    login(page, "hanako@example.jp", PASSWORD)
    expect(page.locator(".error-summary")).to_be_visible()
    console_log.assert_no_errors()
