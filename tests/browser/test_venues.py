"""Room booking in Chromium: a resident finds a free evening frame without logging in, the group's
contact books it, and desk staff book another frame for a group on the phone; axe-clean at 1280 and
390 pixels wide."""

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import FeeExemption, Room
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking
from tests.browser.conftest import ConsoleLog
from tests.conftest import PERSONA_PASSWORD

SCREENSHOTS = Path("/tmp")  # noqa: S108 - for people to look at, not read back


def _room() -> Room:
    facility = FacilityFactory(name="ひばりが丘公民館")
    for name, starts, ends in [("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 21)]:
        TimeFrameFactory(facility=facility, name=name, starts_at=time(starts), ends_at=time(ends))
    FeeExemption.objects.create(facility=facility, name="社会教育関係団体", percent=50)
    RoomFactory(facility=facility, name="和室", capacity=16, bookable=True, is_tatami=True, fee_per_frame=500)
    return RoomFactory(
        facility=facility, name="講座室", capacity=40, bookable=True, has_projector=True, fee_per_frame=1100
    )


def _a_saturday_next_month() -> date:
    today = timezone.localdate()
    day = (today.replace(day=1) + timedelta(days=32)).replace(day=10)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _english(page: Page, live_server: LiveServer) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])


def test_a_resident_finds_a_free_evening_and_the_group_books_it(
    page: Page,
    live_server: LiveServer,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    room = _room()
    owner = make_persona(Role.RESIDENT, email="chorus@example.jp", full_name="歌 好子")
    group = UserGroupFactory(name="ひばり合唱団", owner=owner, email=owner.email)
    saturday = _a_saturday_next_month()
    label = f"{saturday.year}年{saturday.month}月{saturday.day}日（土）"

    # Japanese first, as a resident would arrive; the grid says each state in words.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/venues/")
    page.get_by_role("link", name="講座室").click()
    next_link = page.locator("a[rel='next']")
    next_link.focus()
    page.keyboard.press("Enter")
    row = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text=label))
    expect(row.locator("td").nth(2)).to_contain_text("空き")
    expect(page.locator("table.frames caption")).to_contain_text("講座室")
    expect(page.locator("#legend")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(SCREENSHOTS / "venues_grid_ja_1280.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    page.screenshot(path=str(SCREENSHOTS / "venues_grid_ja_390.png"), full_page=True)

    _english(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    evening = page.get_by_role("link", name=f"Book 夜間 on Sat {saturday.day} {saturday:%B} {saturday.year}")
    expect(evening).to_contain_text("Free")
    axe_check(page)
    page.screenshot(path=str(SCREENSHOTS / "venues_grid_en_1280.png"), full_page=False)
    evening.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    login(page, owner.email, PERSONA_PASSWORD)
    page.goto(f"/venues/rooms/{room.pk}/book/{saturday:%Y-%m-%d}/{room.facility.frames.get(name='夜間').pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("講座室")
    page.get_by_label("User group").select_option(str(group.pk))
    page.get_by_label("What the room is used for").fill("合唱の練習")
    page.get_by_label("Expected attendees").fill("18")
    page.get_by_label("Fee exemption").select_option(label="社会教育関係団体 (50%)")
    axe_check(page)
    page.get_by_role("button", name="Book this frame").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Room booking")
    expect(page.locator("main")).to_contain_text("550 yen")
    axe_check(page)
    booking = Booking.objects.get()
    assert (booking.group, booking.channel, booking.day) == (group, "online", saturday)

    page.goto(f"/venues/rooms/{room.pk}/{saturday.year}/{saturday.month}/")
    row = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text=f"Sat {saturday.day} "))
    expect(row.locator("td").nth(2)).to_contain_text("Booked")
    console_log.assert_no_errors()


def test_desk_staff_book_for_a_phone_caller(
    page: Page,
    live_server: LiveServer,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    room = _room()
    group = UserGroupFactory(name="歴史散歩の会")
    desk = make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 明子")
    saturday = _a_saturday_next_month()
    _english(page, live_server)
    login(page, desk.email, PERSONA_PASSWORD)
    page.goto(f"/venues/facilities/{room.facility.pk}/{saturday:%Y-%m-%d}/")
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    page.screenshot(path=str(SCREENSHOTS / "venues_day_en_390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    row = page.locator("table.frames tbody tr").filter(has=page.get_by_role("link", name="講座室"))
    row.get_by_role("link", name=f"Book 午後 on Sat {saturday.day} {saturday:%B} {saturday.year}").click()
    expect(page.locator("main")).to_contain_text("booking for a group that called")
    page.get_by_label("User group").select_option(str(group.pk))
    page.get_by_label("by phone").check()
    page.get_by_label("What the room is used for").fill("講演会")
    page.get_by_label("Expected attendees").fill("30")
    axe_check(page)
    page.get_by_role("button", name="Book this frame").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Room booking")
    booking = Booking.objects.get()
    assert (booking.group, booking.channel, booking.booked_by, booking.frame.name) == (group, "phone", desk, "午後")
    console_log.assert_no_errors()
