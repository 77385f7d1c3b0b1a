"""Fair room allocation in Chromium: two groups enter the monthly lottery, the draw runs, the winner
confirms and the loser books first come when it opens; a group cancels late, gets a point and cannot
book that frame again. axe-clean on every page."""

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Room, TimeFrame
from manabiba.venues import services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, LotteryRound, LotteryWish, PenaltyPoint, UserGroup
from tests.browser.conftest import ConsoleLog
from tests.conftest import PERSONA_PASSWORD

TOKYO = ZoneInfo("Asia/Tokyo")
# Inside the entry period of February 2027's lottery (1–10 December 2026).
ENTRY_TIME = datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
FIRST_SATURDAY = date(2027, 2, 6)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    # The live server runs in this process, so it sees the same clock.
    with time_machine.travel(ENTRY_TIME, tick=True) as traveller:
        yield traveller


def _room() -> tuple[Room, TimeFrame]:
    facility = FacilityFactory(name="ひばりが丘公民館", closed_at_year_end=True)
    frames = [
        TimeFrameFactory(facility=facility, name=name, starts_at=time(starts), ends_at=time(ends))
        for name, starts, ends in [("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 21)]
    ]
    room = RoomFactory(facility=facility, name="講座室", capacity=40, bookable=True, fee_per_frame=1100)
    return room, frames[2]


def _group(make_persona: Callable[..., User], name: str, email: str) -> UserGroup:
    owner = make_persona(Role.RESIDENT, email=email, full_name=f"{name} 代表")
    return UserGroupFactory(name=name, owner=owner, email=email)


def _sign_in(page: Page, login: Callable[[Page, str, str], None], user: User | None) -> None:
    assert user is not None
    page.context.clear_cookies()
    login(page, user.email, PERSONA_PASSWORD)


def test_two_groups_enter_the_draw_runs_the_winner_confirms_and_the_loser_books_first_come(
    page: Page,
    clock: time_machine.Traveller,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    room, evening = _room()
    groups = [
        _group(make_persona, "ひばり合唱団", "hibari@example.jp"),
        _group(make_persona, "歴史散歩の会", "rekishi@example.jp"),
    ]
    services.venues_run_due()  # the timer opens the round when entries open
    round_ = LotteryRound.objects.get()
    page.set_viewport_size({"width": 1280, "height": 900})

    for group in groups:
        _sign_in(page, login, group.owner)
        page.goto("/venues/rounds/")
        axe_check(page)
        page.get_by_role("link", name="ひばりが丘公民館").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("2027年2月")
        expect(page.locator("main")).to_contain_text("月例抽選のしくみ")
        page.locator("select[name='group']").select_option(str(group.pk))
        page.locator("input[name='purpose']").fill("定例の活動")
        page.locator("input[name='attendees']").fill("12")
        page.locator("select[name='room_1']").select_option(str(room.pk))
        page.locator("input[name='day_1']").fill(FIRST_SATURDAY.isoformat())
        page.locator("select[name='frame_1']").select_option(str(evening.pk))
        axe_check(page)
        page.get_by_role("button", name="申込を保存する").click()
        expect(page.locator("main")).to_contain_text("抽選待ち")
        axe_check(page)

    services.venues_run_due(now=round_.closes_at)  # the timer draws at the deadline
    winner_wish = LotteryWish.objects.get(result=LotteryWish.Result.WON)
    winner = winner_wish.entry.group
    loser = next(g for g in groups if g != winner)

    _sign_in(page, login, winner.owner)
    page.goto(f"/venues/rounds/{round_.pk}/")
    expect(page.locator("main")).to_contain_text("抽選の公告")
    expect(page.locator("main")).to_contain_text(LotteryRound.objects.get().seed)
    axe_check(page)
    page.get_by_role("link", name="この当選を確定する").click()
    axe_check(page)
    page.get_by_role("button", name="この当選を確定する").click()
    expect(page.locator("main")).to_contain_text("当選を確定しました")
    booking = Booking.objects.get(group=winner)
    assert booking.confirmed_at is not None

    # The loser was told when first come opens; then it books a frame left open.
    clock.move_to(round_.first_come_at + timedelta(minutes=5))
    _sign_in(page, login, loser.owner)
    page.goto(f"/venues/rounds/{round_.pk}/")
    expect(page.locator("main")).to_contain_text("落選")
    expect(page.locator("main")).to_contain_text("先着順で予約できます")
    page.get_by_role("link", name="講座室").click()
    taken = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text="2027年2月6日（土）"))
    expect(taken.locator("td").nth(2)).to_contain_text("予約済")
    free = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text="2027年2月13日（土）"))
    expect(free.locator("td").nth(2)).to_contain_text("空き")
    axe_check(page)
    free.locator("td").nth(2).get_by_role("link").click()
    page.locator("select[name='group']").select_option(str(loser.pk))
    page.locator("input[name='purpose']").fill("定例の活動")
    page.locator("input[name='attendees']").fill("12")
    page.get_by_role("button", name="この枠を予約する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("施設予約")
    axe_check(page)
    assert Booking.objects.get(group=loser, source=Booking.Source.FIRST_COME).day == date(2027, 2, 13)
    console_log.assert_no_errors()


def test_a_group_cancels_late_gets_a_point_and_cannot_book_the_frame_again(
    page: Page,
    clock: time_machine.Traveller,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    room, evening = _room()
    group = _group(make_persona, "ひばり合唱団", "hibari@example.jp")
    day = date(2026, 12, 4)  # two days ahead: a cancellation now is late
    _sign_in(page, login, group.owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/venues/rooms/{room.pk}/book/{day:%Y-%m-%d}/{evening.pk}/")
    expect(page.locator("main")).to_contain_text("取消と違反点")
    page.locator("select[name='group']").select_option(str(group.pk))
    page.locator("input[name='purpose']").fill("合唱の練習")
    page.locator("input[name='attendees']").fill("12")
    page.get_by_role("button", name="この枠を予約する").click()
    expect(page.locator("main")).to_contain_text("直前の取消となり、違反点1点")
    axe_check(page)
    page.get_by_role("button", name="この予約を取り消す").click()
    expect(page.locator("main")).to_contain_text("直前の取消（違反点1点）")
    axe_check(page)
    assert PenaltyPoint.objects.get(group=group).points == 1
    page.goto("/venues/groups/")
    expect(page.locator("main")).to_contain_text("違反点 1点")
    axe_check(page)

    # After the hold-off the frame is free for others, but not for the group that cancelled it.
    clock.move_to(ENTRY_TIME + timedelta(hours=25))
    _sign_in(page, login, group.owner)
    page.goto(f"/venues/rooms/{room.pk}/book/{day:%Y-%m-%d}/{evening.pk}/")
    expect(page.locator("main")).to_contain_text("もう一度予約できません")
    page.locator("select[name='group']").select_option(str(group.pk))
    page.locator("input[name='purpose']").fill("合唱の練習")
    page.locator("input[name='attendees']").fill("12")
    page.get_by_role("button", name="この枠を予約する").click()
    expect(page.locator("main")).to_contain_text("もう一度予約することはできません")
    axe_check(page)
    assert not Booking.objects.filter(status=Booking.Status.BOOKED).exists()
    console_log.assert_no_errors()
