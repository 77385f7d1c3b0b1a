"""A citizen-proposal lecture end to end in Chromium: a group drafts a proposal naming a talent from the
bank, sees the call's checks, submits; the coordinator assigns two committee members, who score blind;
the coordinator accepts and schedules it, and the draft programme waits in the catalogue's review
queue. axe finds nothing on the way; screenshots in Japanese and English land in /tmp."""

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import Area
from manabiba.facilities.factories import FacilityFactory
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Program
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalReport, Review, SurveyInvitation
from tests.browser.conftest import ConsoleLog
from tests.conftest import SmtpServer
from tests.proposals.after import held_in_the_past
from tests.proposals.conftest import call_fields, group_create, talent_create

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()


def _click(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=Path(tempfile.gettempdir()) / f"proposals_{name}.png", full_page=True)


def test_a_group_proposes_reviewers_score_and_the_coordinator_schedules_it(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    category = CategoryFactory(major="芸術・文化", minor="書道")
    area = Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0]
    group_owner = make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 一郎")
    group = group_create(group_owner, coordinator, category, area)
    talent = talent_create(make_persona(Role.RESIDENT, email="sumiko@example.jp"), coordinator, category, area)
    call = services.call_create(actor=coordinator, **call_fields())
    first, second = (
        make_persona(Role.REVIEWER, email="committee1@example.jp", full_name="委員 一"),
        make_persona(Role.REVIEWER, email="committee2@example.jp", full_name="委員 二"),
    )
    facility = FacilityFactory(name="田無公民館")

    # The group drafts a proposal naming the talent, with too few members for the call.
    login(page, group_owner.email, DEFAULT_PASSWORD)
    page.goto(f"/proposals/calls/{call.pk}/")
    axe_check(page)
    _click(page, f"a[href='/proposals/calls/{call.pk}/propose/']")
    form = page.locator("main form.form")
    form.locator("input[name='kind'][value='group']").check()
    form.locator("#id_group").select_option(str(group.pk))
    form.locator("#id_representative").fill("代表 一郎")
    form.locator("#id_contact_name").fill("連絡 花子")
    form.locator("#id_contact_email").fill("hanako@example.jp")
    form.locator("#id_members_count").fill("3")
    form.locator("#id_members_in_city").fill("3")
    form.locator("#id_title").fill("はじめての書道")
    form.locator("#id_aim").fill("書を通じて地域の高齢者が交流する。")
    form.locator("#id_lecturer_talent").select_option(str(talent.pk))
    form.locator("#id_honorarium_planned").fill("15000")
    form.locator("#id_fee_per_person").fill("300")
    form.locator("#id_capacity").fill("20")
    form.locator("#id_outline").fill("筆の持ち方：道具と姿勢\n楷書：基本の点画\n作品づくり：書き初め")
    axe_check(page)
    _shoot(page, "form_ja")
    _click(page, "main form.form button[type='submit']")
    proposal = Proposal.objects.get()
    # The checks say what is wrong, in Japanese, and there is no submit button yet.
    expect(page.locator(".error-summary")).to_contain_text("会員5人以上")
    expect(page.locator(f"form[action='/proposals/{proposal.pk}/submit/']")).to_have_count(0)
    axe_check(page)
    _shoot(page, "checks_ja")
    _click(page, f"a[href='/proposals/{proposal.pk}/edit/']")
    page.locator("#id_members_count").fill("12")
    page.locator("#id_members_in_city").fill("10")
    _click(page, "main form.form button[type='submit']")
    _click(page, f"form[action='/proposals/{proposal.pk}/submit/'] button")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    expect(page.locator("main")).to_contain_text(proposal.reference)
    _log_out(page)

    # The coordinator assigns two committee members.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    for reviewer in (first, second):
        page.goto(f"/staff/proposals/{proposal.pk}/")
        page.locator("#id_reviewer").select_option(str(reviewer.pk))
        _click(page, "button[name='action'][value='assign']")
    axe_check(page)
    _log_out(page)

    # Each scores; the second sees the first's scores only after submitting.
    for reviewer, scores in ((first, ("4", "5", "3")), (second, ("3", "4", "4"))):
        login(page, reviewer.email, DEFAULT_PASSWORD)
        page.goto("/proposals/reviews/")
        axe_check(page)
        _click(page, "main a[href^='/proposals/reviews/']")
        expect(page.locator("main table")).to_have_count(0)
        for name, value in zip(("pioneering", "public_benefit", "feasibility"), scores, strict=True):
            page.locator(f"input[name='{name}'][value='{value}']").check()
        page.locator("#id_comment").fill("地域性が高い企画です。")
        axe_check(page)
        _click(page, "main form.form button[type='submit']")
        expect(page.locator("main table")).to_contain_text("12" if reviewer == first else "11")
        axe_check(page)
        _log_out(page)
    assert Review.objects.filter(submitted_at__isnull=False).count() == 2

    # The coordinator sees the table, accepts and schedules; the programme waits for review.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto(f"/staff/proposals/{proposal.pk}/")
    expect(page.locator("main table")).to_contain_text("11.5")
    axe_check(page)
    _shoot(page, "decide_ja")
    page.locator("input[name='decision'][value='accept']").check()
    page.locator("#id_reason").fill("地域性と公益性が高い。")
    _click(page, "button[name='action'][value='decide']")
    day = call.lectures_from.isoformat()
    page.locator("#id_dates").fill(f"{day} 10:00-12:00\n{day} 14:00-16:00")
    page.locator("#id_facility").select_option(str(facility.pk))
    page.locator("#id_capacity").fill("20")
    page.locator("#id_min_participants").fill("8")
    axe_check(page)
    _click(page, "button[name='action'][value='schedule']")
    program = Program.objects.get()
    assert program.citizen_proposal
    assert program.status == Program.Status.SUBMITTED
    assert page.url.endswith(f"/staff/programs/{program.pk}/")
    page.goto("/staff/programs/")
    expect(page.locator("main")).to_contain_text("はじめての書道")
    axe_check(page)

    # The same pages in English.
    page.goto(f"/staff/proposals/{proposal.pk}/")
    _click(page, "header button[name='language'][value='en']")
    expect(page.locator("main")).to_contain_text("Scores")
    axe_check(page)
    _shoot(page, "decided_en")
    page.goto(f"/proposals/calls/{call.pk}/")
    expect(page.locator("main")).to_contain_text("はじめての書道")
    _shoot(page, "call_en")
    _log_out(page)
    login(page, group_owner.email, DEFAULT_PASSWORD)
    page.goto(f"/proposals/calls/{call.pk}/propose/")
    _shoot(page, "form_en")
    console_log.assert_no_errors()


def test_after_the_lecture_a_participant_answers_the_group_reports_and_the_round_summary_shows_it(
    page: Page,
    live_server_mail: SmtpServer,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    make_persona: Callable[..., User],
    coordinator: User,
    console_log: ConsoleLog,
) -> None:
    category = CategoryFactory(major="芸術・文化", minor="書道")
    area = Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0]
    group_owner = make_persona(Role.RESIDENT, email="owner@example.jp", full_name="代表 一郎")
    group = group_create(group_owner, coordinator, category, area)
    talent = talent_create(make_persona(Role.RESIDENT, email="sumiko@example.jp"), coordinator, category, area)
    reviewers = [
        make_persona(Role.REVIEWER, email="committee1@example.jp", full_name="委員 一"),
        make_persona(Role.REVIEWER, email="committee2@example.jp", full_name="委員 二"),
    ]
    held = held_in_the_past(
        coordinator=coordinator,
        group_owner=group_owner,
        group=group,
        talent=talent,
        reviewers=reviewers,
        make_persona=make_persona,
    )
    assert services.surveys_send_due() == 2
    token = SurveyInvitation.objects.order_by("pk").values_list("token", flat=True)[0]

    # A participant answers the survey from the mailed link, without signing in.
    page.goto(f"/proposals/survey/{token}/")
    axe_check(page)
    page.locator("input[name='satisfaction'][value='5']").check()
    page.locator("input[name='join_again'][value='yes']").check()
    page.locator("input[name='would_teach'][value='maybe']").check()
    page.locator("#id_comment").fill("楽しく学べました。")
    _click(page, "main form.form button[type='submit']")
    expect(page.locator("main")).to_contain_text("ご回答ありがとうございました")
    axe_check(page)
    _shoot(page, "survey_ja")

    # The group files the report: the participants come from the attendance records.
    login(page, group_owner.email, DEFAULT_PASSWORD)
    page.goto(f"/proposals/{held.proposal.pk}/")
    _click(page, f"a[href='/proposals/{held.proposal.pk}/report/']")
    expect(page.locator("main")).to_contain_text("参加者数（出欠の記録から）")
    axe_check(page)
    page.locator("#id_content").fill("全2回、筆の持ち方から作品づくりまで。")
    page.locator("#id_outcomes").fill("参加者が書き初めの作品を仕上げた。")
    page.locator("#id_income").fill("600")
    page.locator("#id_spending").fill("15600")
    page.locator("input[name='self_evaluation'][value='4']").check()
    page.locator("#id_next_steps").fill("サークルを立ち上げる。")
    _click(page, "main form.form button[type='submit']")
    report = ProposalReport.objects.get()
    assert (report.participants_confirmed, report.participants_attended, report.attendances) == (3, 2, 4)
    axe_check(page)
    _shoot(page, "report_ja")
    _log_out(page)

    # The coordinator reads it beside the survey and accepts it.
    login(page, coordinator.email, DEFAULT_PASSWORD)
    page.goto("/staff/")
    expect(page.locator("main")).to_contain_text("確認待ちの実施報告")
    page.goto(f"/staff/proposals/{held.proposal.pk}/report/")
    expect(page.locator("main")).to_contain_text("楽しく学べました。")
    axe_check(page)
    _click(page, "button[name='action'][value='accept']")
    report.refresh_from_db()
    assert report.status == ProposalReport.Status.ACCEPTED
    page.goto("/staff/reports/loop/")
    expect(page.locator("main svg.chart").first).to_be_visible()
    axe_check(page)
    _shoot(page, "loop_ja")
    _log_out(page)

    # The round's public summary shows the lecture held and the report, with no personal data.
    page.goto(f"/proposals/calls/{held.proposal.call_id}/")
    _click(page, f"a[href='/proposals/calls/{held.proposal.call_id}/summary/']")
    main = page.locator("main")
    expect(main).to_contain_text("参加者が書き初めの作品を仕上げた。")
    expect(main).not_to_contain_text("楽しく学べました。")
    expect(main).not_to_contain_text("hanako@example.jp")
    axe_check(page)
    _shoot(page, "summary_ja")
    _click(page, "header button[name='language'][value='en']")
    expect(main).to_contain_text("Lectures adopted")
    axe_check(page)
    _shoot(page, "summary_en")
    # The talent's page lists the lecture given.
    page.goto(f"/talents/{talent.pk}/")
    expect(page.locator("main")).to_contain_text("はじめての書道")
    axe_check(page)
    console_log.assert_no_errors()
