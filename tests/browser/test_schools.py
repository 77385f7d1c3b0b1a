"""Schools in Chromium: school staff block a date for a school event and post a volunteer project; a
resident offers to help and the school accepts, and the resident is mailed the details. Axe-clean."""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import OutboxMessage
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Facility
from manabiba.programs.factories import ProgramFactory
from manabiba.venues import school_services
from manabiba.venues.models import Booking, ProjectVolunteer, SchoolBlock, SchoolProject
from tests.browser.conftest import ConsoleLog
from tests.conftest import PERSONA_PASSWORD


def _school(staff: User) -> Facility:
    school = FacilityFactory(name="けやき小学校", kind=Facility.Kind.SCHOOL_ELEMENTARY, phone="042-000-1111")
    for name, starts, ends in [("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 21)]:
        TimeFrameFactory(facility=school, name=name, starts_at=time(starts), ends_at=time(ends))
    RoomFactory(facility=school, name="体育館", capacity=150, bookable=True)
    school.staff.add(staff)
    return school


def _a_saturday_next_month() -> date:
    today = timezone.localdate()
    day = (today.replace(day=1) + timedelta(days=32)).replace(day=10)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _language(page: Page, live_server: LiveServer, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def test_a_school_blocks_a_date_and_posts_a_volunteer_project(
    page: Page,
    live_server: LiveServer,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="keyaki@example.jp", full_name="教頭 一郎")
    school = _school(staff)
    sports_day = _a_saturday_next_month()
    _language(page, live_server, "en")
    login(page, staff.email, PERSONA_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/venues/schools/")
    page.get_by_role("link", name="けやき小学校").click()
    axe_check(page)
    page.get_by_label("Day", exact=True).fill(sports_day.isoformat())
    page.get_by_label("School event").fill("運動会")
    page.get_by_role("button", name="Block this day").click()
    expect(page.locator("main")).to_contain_text("The day is blocked for the school event.")
    assert SchoolBlock.objects.get().day == sports_day

    # Residents see the day closed, with the event, in Japanese.
    _language(page, live_server, "ja")
    gym = school.rooms.get(name="体育館")
    page.goto(f"/venues/rooms/{gym.pk}/{sports_day.year}/{sports_day.month}/")
    label = f"{sports_day.year}年{sports_day.month}月{sports_day.day}日（土）"
    row = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text=label))
    expect(row).to_contain_text("学校行事：運動会")
    expect(row.locator("td").nth(2)).to_contain_text("休館")
    axe_check(page)

    _language(page, live_server, "en")
    page.goto(f"/staff/venues/schools/{school.pk}/")
    page.get_by_role("link", name="Post a project").click()
    page.get_by_label("volunteers wanted for school support").check()
    page.get_by_label("Title").fill("朝の読み聞かせボランティア")
    page.get_by_label("What it is", exact=True).fill("朝の15分、低学年の教室で絵本を読みます。")
    page.get_by_label("First day").fill((sports_day + timedelta(days=7)).isoformat())
    page.get_by_label("Last day").fill((sports_day + timedelta(days=60)).isoformat())
    page.get_by_label("When", exact=True).fill("毎週水曜 8:30–8:45")
    page.get_by_label("For whom").fill("1〜3年生")
    page.get_by_label("Helpers needed").fill("3")
    page.get_by_label("Skills wanted").fill("読み聞かせ")
    page.get_by_label("Details for accepted volunteers").fill("正門の受付で名札を受け取ってください。")
    axe_check(page)
    page.get_by_role("button", name="Post the project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("朝の読み聞かせボランティア")
    expect(page.locator("main")).to_contain_text("The project is posted.")
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    project = SchoolProject.objects.get()
    assert (project.school, project.kind, project.helpers_needed) == (school, "volunteers", 3)
    page.goto("/venues/projects/")
    expect(page.get_by_role("link", name="朝の読み聞かせボランティア")).to_be_visible()
    axe_check(page)

    # The school's rooms in the utilisation figures: chart, table and CSV link.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/venues/utilisation/")
    expect(page.locator("svg.chart")).to_be_attached()
    expect(page.get_by_role("table")).to_contain_text("体育館")
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()
    axe_check(page)
    console_log.assert_no_errors()


def test_a_resident_volunteers_and_is_accepted(
    page: Page,
    live_server: LiveServer,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="keyaki@example.jp", full_name="教頭 一郎")
    school = _school(staff)
    first = _a_saturday_next_month()
    project = school_services.school_project_create(
        actor=staff,
        school=school,
        kind=SchoolProject.Kind.VOLUNTEERS,
        title="学校花壇づくりサポーター",
        description="花壇の植え替えを子どもたちと行います。",
        first_day=first,
        last_day=first + timedelta(days=60),
        schedule="月1回 土曜 9:30–11:00",
        audience="4年生",
        helpers_needed=2,
        skills="園芸",
        details_for_volunteers="軍手と帽子をお持ちください。",
    )
    resident = make_persona(Role.RESIDENT, email="hanako@example.jp", full_name="市民 花子", language="ja")

    _language(page, live_server, "ja")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/venues/projects/")
    page.get_by_role("link", name="学校花壇づくりサポーター").click()
    axe_check(page)
    page.get_by_role("link", name="ログインして協力を申し出る").click()
    login(page, resident.email, PERSONA_PASSWORD)
    page.goto(f"/venues/projects/{project.pk}/")
    expect(page.get_by_label("お名前")).to_have_value("市民 花子")
    page.get_by_label("電話番号").fill("090-1111-2222")
    page.get_by_label("できること").fill("家庭菜園を20年続けています。")
    axe_check(page)
    page.get_by_role("button", name="協力を申し出る").click()
    expect(page.locator("main")).to_contain_text("学校からメールで回答があります")
    volunteer = ProjectVolunteer.objects.get()
    assert (volunteer.user, volunteer.status) == (resident, "offered")

    page.context.clear_cookies()
    _language(page, live_server, "en")
    login(page, staff.email, PERSONA_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/")
    page.get_by_role("link", name=re.compile("Offers to help with school projects to answer")).click()
    page.get_by_role("link", name="けやき小学校").click()
    page.get_by_role("link", name="学校花壇づくりサポーター").click()
    expect(page.locator("main")).to_contain_text("090-1111-2222")
    axe_check(page)
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Answer 市民 花子").click()
    expect(page.locator("main")).to_contain_text("Accepted. The volunteer has been sent the details by e-mail.")
    volunteer.refresh_from_db()
    assert volunteer.status == "accepted"
    mail = OutboxMessage.objects.filter(to=resident.email).order_by("pk").last()
    assert mail is not None
    assert "軍手と帽子をお持ちください。" in mail.body
    assert "受け入れました" in mail.subject
    console_log.assert_no_errors()


def test_an_organiser_holds_a_room_for_a_session(
    page: Page,
    live_server: LiveServer,
    make_persona: Callable[..., User],
    axe_check: Callable[[Page], None],
    login: Callable[[Page, str, str], None],
    console_log: ConsoleLog,
) -> None:
    facility = FacilityFactory(name="谷戸公民館")
    for name, starts, ends in [("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 21)]:
        TimeFrameFactory(facility=facility, name=name, starts_at=time(starts), ends_at=time(ends))
    room = RoomFactory(facility=facility, name="講座室", capacity=40, bookable=True)
    lecturer = make_persona(Role.TALENT, email="lecturer@example.jp", full_name="講師 太郎")
    saturday = _a_saturday_next_month()
    program = ProgramFactory(
        title="郷土史講座",
        facility=facility,
        created_by=lecturer,
        starts_at=timezone.make_aware(datetime.combine(saturday, time(18, 30))),
        session_minutes=120,
    )
    _language(page, live_server, "en")
    login(page, lecturer.email, PERSONA_PASSWORD)
    page.goto(f"/venues/programmes/{program.pk}/rooms/")
    axe_check(page)
    page.get_by_role("button", name="Hold 講座室, 夜間 18:00–21:00").click()
    expect(page.locator("main")).to_contain_text("Holds 谷戸公民館 講座室, 夜間 18:00–21:00")
    axe_check(page)
    booking = Booking.objects.get()
    assert (booking.program, booking.room, booking.day) == (program, room, saturday)
    page.goto(f"/venues/rooms/{room.pk}/{saturday.year}/{saturday.month}/")
    row = page.locator("table.frames tbody tr").filter(has=page.locator("th", has_text=f"Sat {saturday.day} "))
    expect(row.locator("td").nth(2)).to_contain_text("Booked")
    console_log.assert_no_errors()
