"""A community group end to end in Chromium: a resident signs it up, the coordinator asks for a change,
the group fixes it and is approved, posts a recruitment and an event; another resident finds it by a
hiragana search, follows it and writes to it. The group gets the message by SMTP; the resident never
sees the group's address. axe finds nothing on any page on the way."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.models import ActivityPost, CommunityGroup, Follow
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Program
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE_ADDRESS = "secret-contact@example.jp"


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


def test_group_signs_up_is_reviewed_posts_and_is_found_followed_and_contacted(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    music = CategoryFactory(major="芸術・文化", minor="")
    CategoryFactory(major="スポーツ・レクリエーション", minor="")
    founder = make_persona(Role.RESIDENT, email="founder@example.jp", full_name="創設 一郎")
    visitor = make_persona(Role.RESIDENT, email="visitor@example.jp", full_name="訪問 花子")

    # A resident applies for the group: step 1, the application.
    login(page, founder.email, DEFAULT_PASSWORD)
    page.goto("/groups/register/")
    axe_check(page)
    form = page.locator("main form.form")
    form.locator("#id_name").fill("緑町ハーモニカ同好会")
    form.locator("#id_name_kana").fill("みどりちょうはーもにかどうこうかい")
    form.locator("#id_kind").select_option("culture")
    form.locator(f"input[name='categories'][value='{music.pk}']").check()
    form.locator("input[name='activity_days'][value='3']").check()
    form.locator("#id_activity_place").fill("公民館の音楽室")
    form.locator("#id_purpose").fill("ハーモニカの合奏を楽しむ会です。")
    form.locator("#id_activities").fill("毎週木曜の練習と、年に一度の演奏会。")
    form.locator("#id_representative_name").fill("創設 一郎")
    form.locator("#id_contact_name").fill("連絡 係")
    form.locator("#id_contact_email").fill(PRIVATE_ADDRESS)
    _submit(page)
    # Step 2, the posting rules.
    assert page.url.endswith("/groups/register/rules/")
    axe_check(page)
    page.locator("#id_agree").check()
    _submit(page)
    group = CommunityGroup.objects.get()
    assert group.status == CommunityGroup.Status.PENDING
    assert page.url.endswith(f"/groups/{group.pk}/manage/")
    axe_check(page)
    _log_out(page)

    # The coordinator asks for a change.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/groups/")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"main a[href$='/staff/groups/{group.pk}/']").click()
    axe_check(page)
    page.locator("#id_reason").fill("活動場所の名前を正確に書いてください。")
    _submit(page, button="button[name='action'][value='request_changes']")
    group.refresh_from_db()
    assert group.status == CommunityGroup.Status.CHANGES_REQUESTED
    _log_out(page)

    # The group reads the request, fixes the application and sends it again.
    _wait_for_mail(live_server_mail, founder.email, "活動場所の名前を正確に書いてください。", page)
    login(page, founder.email, DEFAULT_PASSWORD)
    page.goto(f"/groups/{group.pk}/manage/")
    expect(page.locator("#status-reason")).to_contain_text("活動場所の名前を正確に書いてください。")
    page.goto(f"/groups/{group.pk}/manage/edit/")
    axe_check(page)
    page.locator("#id_activity_place").fill("田無公民館 音楽室")
    _submit(page)
    with page.expect_navigation():
        page.locator("button[name='action'][value='resubmit']").click()
    group.refresh_from_db()
    assert group.status == CommunityGroup.Status.PENDING
    assert group.activity_place == "田無公民館 音楽室"
    _log_out(page)

    # The coordinator approves.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto(f"/staff/groups/{group.pk}/")
    with page.expect_navigation():
        page.locator("button[name='action'][value='approve']").click()
    group.refresh_from_db()
    assert group.status == CommunityGroup.Status.APPROVED
    _log_out(page)

    # The group posts a recruitment and an event.
    login(page, founder.email, DEFAULT_PASSWORD)
    page.goto(f"/groups/{group.pk}/manage/posts/new/?kind=recruitment")
    axe_check(page)
    page.locator("#id_title").fill("ハーモニカ仲間を募集します")
    page.locator("#id_body").fill("楽器は貸し出します。初心者歓迎。")
    page.locator("#id_who").fill("市内にお住まいの方")
    _submit(page)
    assert ActivityPost.objects.get().status == ActivityPost.Status.PUBLISHED
    page.goto(f"/groups/{group.pk}/manage/events/new/")
    axe_check(page)
    starts = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=14, minute=0)
    page.locator("#id_title").fill("ハーモニカ体験会")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_venue_name").fill("田無公民館")
    page.locator("#id_application").select_option("site")
    _submit(page)
    event = Program.objects.get(title="ハーモニカ体験会")
    assert event.status == Program.Status.PUBLISHED
    assert event.organizer == group.organizer
    _log_out(page)

    # Another resident finds the group by a hiragana search, follows it and writes to it.
    login(page, visitor.email, DEFAULT_PASSWORD)
    page.goto("/groups/")
    axe_check(page)
    page.locator("#id_q").fill("はーもにか")
    _submit(page, form_selector="main form[role='search']")
    results = page.locator("#results")
    expect(results).to_contain_text("緑町ハーモニカ同好会")
    axe_check(page)
    with page.expect_navigation():
        results.get_by_role("link", name="緑町ハーモニカ同好会").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("緑町ハーモニカ同好会")
    expect(page.locator("main")).to_contain_text("ハーモニカ仲間を募集します")
    expect(page.locator("main")).to_contain_text("ハーモニカ体験会")
    axe_check(page)
    with page.expect_navigation():
        page.locator(f"form[action$='/groups/{group.pk}/follow/'] button").click()
    assert Follow.objects.filter(group=group, user=visitor).exists()
    contact = page.locator("#contact-form")
    contact.locator("#id_subject").fill("見学について")
    contact.locator("#id_body").fill("来週の練習を見学できますか。")
    with page.expect_navigation():
        contact.locator("button[type='submit']").click()
    expect(page.locator(".messages")).to_be_visible()
    axe_check(page)
    assert PRIVATE_ADDRESS not in page.content()

    # The group's editor receives the message by SMTP, with the resident's address to reply to.
    body = _wait_for_mail(live_server_mail, founder.email, "来週の練習を見学できますか。", page)
    assert visitor.email in body
    # Nothing the resident received carries the group's private address.
    assert all(PRIVATE_ADDRESS not in SmtpServer.body(m) for m in live_server_mail.to(visitor.email))
    console_log.assert_no_errors()


def test_every_other_page_of_the_station_passes_axe(
    page: Page,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    category = CategoryFactory(major="芸術・文化", minor="")
    owner = make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 一郎")
    group = services.group_apply(
        actor=owner,
        agreed_to_rules=True,
        categories=[category],
        name="谷戸町将棋クラブ",
        name_kana="やとちょうしょうぎくらぶ",
        kind=CommunityGroup.Kind.CULTURE,
        purpose="将棋を楽しむ会です。",
        activities="**毎週**の対局と大会。",
        representative_name="代表 一郎",
        contact_name="連絡 係",
        contact_email=PRIVATE_ADDRESS,
        recruiting=True,
    )
    group = services.group_approve(group=group, actor=coordinator)
    post = services.post_create(group=group, actor=owner, kind="report", title="大会の報告", body="- 優勝\n- 準優勝")
    with override_settings(COMMUNITIES_POSTS_NEED_MODERATION=True):
        services.post_create(group=group, actor=owner, title="審査待ちの投稿", body="…")
    services.contact_message_send(
        group=group,
        sender=None,
        sender_name="市民",
        sender_email="someone@example.jp",
        subject="質問",
        body="初心者でも大丈夫ですか。",
        client_ip="192.0.2.1",
    )
    services.abuse_report_create(group=group, actor=None, reason="宣伝ではありませんか", post=post)
    services.invitation_create(group=group, actor=owner, email="helper@example.jp")

    for path in (
        "/groups/print/",
        f"/groups/{group.pk}/posts/{post.pk}/",
        f"/groups/{group.pk}/report/",
        "/groups/?recruiting=on&kind=culture",
    ):
        page.goto(path)
        axe_check(page)
    login(page, owner.email, DEFAULT_PASSWORD)
    for path in (
        "/groups/mine/",
        f"/groups/{group.pk}/manage/",
        f"/groups/{group.pk}/manage/members/",
        f"/groups/{group.pk}/manage/inbox/",
    ):
        page.goto(path)
        axe_check(page)
    expect(page.locator("main")).to_contain_text("初心者でも大丈夫ですか。")
    _log_out(page)
    login(page, coordinator.email, DEFAULT_PASSWORD)
    for path in ("/staff/groups/moderation/", "/staff/groups/stale/", f"/staff/groups/{group.pk}/"):
        page.goto(path)
        axe_check(page)
    expect(page.locator("main")).to_contain_text(PRIVATE_ADDRESS)  # the coordinator sees the application
    console_log.assert_no_errors()
