"""The desk in Chromium: the footer says when it is open; a resident books a Saturday appointment."""

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.desk import selectors
from manabiba.desk.models import Appointment
from manabiba.desk.reference import weekly_hours_load
from manabiba.desk.selectors import bookable_days
from tests.browser.conftest import ConsoleLog
from tests.conftest import PERSONA_PASSWORD, SmtpServer


def _wait_for_mail(smtp: SmtpServer, address: str, page: Page) -> str:
    for _attempt in range(50):
        mails = smtp.to(address)
        if mails:
            return SmtpServer.body(mails[-1])
        page.wait_for_timeout(100)
    raise AssertionError(f"no mail reached {address}")


def test_a_resident_books_a_saturday_appointment(
    page: Page,
    live_server: LiveServer,
    live_server_mail: SmtpServer,
    resident: User,
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    weekly_hours_load()
    # The next Saturday the desk is open with a place free (holidays and the year-end are closed).
    saturday = next(
        day_hours.day for day_hours, free in bookable_days(limit=60) if day_hours.day.weekday() == 5 and free
    )
    # English, so that the test reads the words written here, whatever the Japanese catalogue says.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])

    page.goto("/")
    footer_status = page.locator("footer .desk-status")
    expect(footer_status).to_contain_text("Learning consultation desk")
    expect(footer_status).to_contain_text(re.compile(r"open now, until \d+:\d\d|closed now(, opens .+ at \d+:\d\d)?"))

    footer_status.get_by_role("link", name="Learning consultation desk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("opening hours")
    expect(page.locator("table.desk-hours tbody tr")).not_to_have_count(0)
    axe_check(page)

    login(page, resident.email, PERSONA_PASSWORD)
    page.goto("/desk/")
    page.get_by_role("link", name="Book an appointment at the desk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment at the desk")
    axe_check(page)

    page.locator(f"a[href='/desk/book/{saturday.isoformat()}/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sat")
    axe_check(page)
    times = page.get_by_role("group", name="Time")
    times.get_by_role("radio").first.check()
    first_time = times.get_by_role("radio").first.get_attribute("value")
    page.get_by_label("What would you like to talk about?").select_option("group")
    page.get_by_label("Note for the desk").fill("子育てしながら参加できるサークルを探しています")
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment at the desk")
    expect(page.locator(".messages")).to_contain_text("Your appointment is booked")
    expect(page.locator("main")).to_contain_text("Finding a group")
    axe_check(page)

    appointment = Appointment.objects.get(resident=resident)
    assert first_time is not None
    assert appointment.starts_at == datetime.fromisoformat(first_time)
    assert timezone.localtime(appointment.starts_at).date() == saturday

    body = _wait_for_mail(live_server_mail, resident.email, page)
    link = re.search(r"https?://\S+/desk/appointments/\d+/", body)
    assert link, body
    page.goto(urlsplit(link.group(0)).path)
    expect(page.get_by_role("button", name="Cancel this appointment")).to_be_visible()
    console_log.assert_no_errors()


def test_the_coordinator_staffs_the_desk_and_staff_book_for_a_caller(
    page: Page,
    live_server: LiveServer,
    coordinator: User,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    weekly_hours_load()
    desk_staff = make_persona(Role.DESK_STAFF, email="madoguchi@example.jp", full_name="窓口 明子")
    day = next(day_hours.day for day_hours, free in bookable_days(limit=60) if free)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])

    login(page, coordinator.email, PERSONA_PASSWORD)
    page.goto(f"/staff/desk/roster/?from={day.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk roster")
    expect(page.locator(".desk-gap").first).to_be_visible()
    axe_check(page)
    gaps_before = page.locator(".desk-gap").count()
    page.get_by_label("Staff member").select_option(label="窓口 明子")
    page.get_by_label("Date").fill(day.isoformat())
    hours = selectors.desk_hours_for_day(day)
    opens, closes = hours.ranges[0]
    page.get_by_label("From").fill(f"{opens:%H:%M}")
    page.get_by_label("Until").fill(f"{closes:%H:%M}")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".messages")).to_contain_text("Shift added.")
    expect(page.locator(".desk-gap")).to_have_count(gaps_before - 1)

    page.goto("/staff/desk/hours/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk opening hours")
    axe_check(page)

    page.get_by_role("button", name="Log out").click()
    login(page, desk_staff.email, PERSONA_PASSWORD)
    page.goto("/staff/desk/book/")
    axe_check(page)
    page.locator(f"a[href='/staff/desk/book/{day.isoformat()}/']").click()
    page.get_by_role("group", name="Time").get_by_role("radio").first.check()
    page.get_by_label("Caller's name").fill("電話 太郎")
    page.get_by_label("Phone").fill("042-000-1234")
    page.get_by_label("What would you like to talk about?").select_option("facility")
    axe_check(page)
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk appointments")
    expect(page.locator("main table")).to_contain_text("電話 太郎")
    axe_check(page)
    console_log.assert_no_errors()
