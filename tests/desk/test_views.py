"""Desk pages: the month's hours, the footer on every page, booking, and the staff pages."""

from collections.abc import Callable, Iterator
from datetime import date, time
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.desk.models import Appointment, Shift, SpecialDay, WeeklyHours
from manabiba.desk.services import appointment_book, special_day_set
from tests.conftest import PERSONA_PASSWORD
from tests.desk.conftest import at

pytestmark = pytest.mark.usefixtures("default_week")

NOW = at(date(2026, 11, 25), 16)  # Wednesday, an hour before the desk opens
SATURDAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signed_in(client: Client, user: User) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.login(email=user.email, password=PERSONA_PASSWORD)
    return client


def test_the_footer_of_every_page_says_when_the_desk_opens(english: Client) -> None:
    for url in ["/", "/programs/", "/facilities/"]:
        html = english.get(url).content.decode()
        assert "closed now" in html, url
        assert "opens Wed 25 Nov at 17:00" in html, url
    with time_machine.travel(at(date(2026, 11, 25), 18), tick=False):
        html = english.get("/facilities/").content.decode()
        assert "open now" in html
        assert "until 21:00" in html


def test_the_footer_is_in_japanese_by_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "11月25日（水）" in html
    assert "17:00" in html


def test_the_japanese_footer_uses_full_width_punctuation(client: Client) -> None:
    import re

    html = client.get("/").content.decode()
    status = re.search(r'<p class="desk-status">(.*?)</p>', html, re.DOTALL)
    assert status is not None
    text = re.sub(r"<[^>]+>", "", status.group(1))
    assert text.startswith("学習相談窓口：ただいま時間外、次回は11月25日（水）17:00から")
    assert "," not in text
    assert ": " not in text
    with time_machine.travel(at(date(2026, 11, 25), 18), tick=False):
        html = client.get("/facilities/").content.decode()
    status = re.search(r'<p class="desk-status">(.*?)</p>', html, re.DOTALL)
    assert status is not None
    assert re.sub(r"<[^>]+>", "", status.group(1)).startswith("学習相談窓口：ただいま開設中、21:00まで")


def test_a_change_to_the_hours_shows_in_the_footer_within_the_minute(
    english: Client, coordinator: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    assert "opens Wed 25 Nov at 17:00" in english.get("/facilities/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        special_day_set(actor=coordinator, day=date(2026, 11, 25), is_closed=True, note="研修")
    # The desk's own page shows it at once; other public pages are cached whole for the minute.
    assert "opens Thu 26 Nov at 17:00" in english.get("/desk/").content.decode()
    with time_machine.travel(at(date(2026, 11, 25), 16, 1), tick=False):
        assert "opens Thu 26 Nov at 17:00" in english.get("/facilities/").content.decode()


def test_the_month_page_lists_every_day_with_holidays_named(english: Client) -> None:
    SpecialDay.objects.create(day=date(2026, 11, 26), is_closed=True, note="館内点検のため休み")
    html = english.get("/desk/").content.decode()
    assert "<h1>" in html
    assert html.count("<h1") == 1
    assert "November 2026" in html
    assert html.count('<th scope="row"') == 30
    assert "Labour Thanksgiving Day" in html  # 勤労感謝の日, named in the reader's language
    assert "館内点検のため休み" in html
    assert "17:00–21:00" in html
    assert "9:00–12:00, 13:00–17:00" in html
    assert 'href="/desk/2026/12/"' in html
    december = english.get("/desk/2026/12/").content.decode()
    assert "Year-end and New Year closure" in december
    assert english.get("/desk/2026/13/").status_code == 404
    assert english.get("/desk/2030/1/").status_code == 404


def test_booking_needs_an_account(client: Client) -> None:
    response = client.get("/desk/book/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_resident_books_a_saturday_slot(client: Client, resident: User) -> None:
    signed_in(client, resident)
    days = client.get("/desk/book/").content.decode()
    assert 'href="/desk/book/2026-11-28/"' in days
    assert "/desk/book/2026-11-23/" not in days  # holiday
    form = client.get("/desk/book/2026-11-28/").content.decode()
    assert 'type="radio"' in form
    response = client.post(
        "/desk/book/2026-11-28/",
        {"starts_at": at(SATURDAY, 13, 30).isoformat(), "topic": "group", "note": "子育て中でも入れるサークル"},
    )
    appointment = Appointment.objects.get(resident=resident)
    assert response["Location"] == f"/desk/appointments/{appointment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Sat 28 November 2026 13:30–14:00" in page
    assert "Finding a group" in page
    assert OutboxMessage.objects.filter(to=resident.email).count() == 1
    # The slot is gone from the form.
    assert at(SATURDAY, 13, 30).isoformat() not in client.get("/desk/book/2026-11-28/").content.decode()


def test_a_taken_slot_says_so(client: Client, resident: User, make_persona: Callable[..., User]) -> None:
    signed_in(client, resident)
    client.get("/desk/book/2026-11-28/")
    other = make_persona(email="quick@example.jp")
    appointment_book(actor=other, resident=other, starts_at=at(SATURDAY, 9), topic="learning")
    response = client.post("/desk/book/2026-11-28/", {"starts_at": at(SATURDAY, 9).isoformat(), "topic": "learning"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "This time is no longer free. Please choose another." in response.content.decode()
    assert at(SATURDAY, 9).isoformat() not in response.content.decode()  # no raw timestamp in the message
    assert not Appointment.objects.filter(resident=resident).exists()


def test_a_refused_booking_keeps_what_the_resident_wrote(client: Client, resident: User) -> None:
    for hour in (9, 10, 11):
        appointment_book(actor=resident, resident=resident, starts_at=at(SATURDAY, hour), topic="learning")
    signed_in(client, resident)
    response = client.post(
        "/desk/book/2026-11-28/",
        {"starts_at": at(SATURDAY, 13).isoformat(), "topic": "group", "note": "子育て中でも入れるサークル"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You already have 3 appointments coming up." in html
    assert "子育て中でも入れるサークル" in html
    assert Appointment.objects.filter(resident=resident).count() == 3


def test_staff_keep_the_callers_details_when_the_slot_is_taken_meanwhile(
    client: Client, desk_staff: User, make_persona: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from manabiba.desk import services

    quicker = make_persona(email="quicker@example.jp")
    book = services.appointment_book

    def someone_books_first(**arguments: Any) -> Appointment:
        # Between the form's check and the booking, another person takes the same place.
        book(actor=quicker, resident=quicker, starts_at=arguments["starts_at"], topic="learning")
        return book(**arguments)

    monkeypatch.setattr(services, "appointment_book", someone_books_first)
    signed_in(client, desk_staff)
    response = client.post(
        "/staff/desk/book/2026-11-28/",
        {
            "starts_at": at(SATURDAY, 10).isoformat(),
            "name": "電話 花子",
            "phone": "042-111-2222",
            "email": "",
            "channel": "phone",
            "topic": "lecturer",
            "note": "講師登録について",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone has just booked this time. Please choose another." in html
    for typed in ("電話 花子", "042-111-2222", "講師登録について"):
        assert typed in html
    assert not Appointment.objects.filter(name="電話 花子").exists()


def test_only_the_resident_sees_and_cancels_their_appointment(
    client: Client, resident: User, make_persona: Callable[..., User]
) -> None:
    appointment = appointment_book(actor=resident, resident=resident, starts_at=at(SATURDAY, 9), topic="learning")
    stranger = make_persona(email="nosy@example.jp")
    signed_in(client, stranger)
    assert client.get(f"/desk/appointments/{appointment.pk}/").status_code == 404
    assert client.post(f"/desk/appointments/{appointment.pk}/cancel/").status_code == 404
    client.logout()
    signed_in(client, resident)
    client.post(f"/desk/appointments/{appointment.pk}/cancel/")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    with translation.override("en"):
        assert (
            "This appointment has been cancelled."
            in client.get(f"/desk/appointments/{appointment.pk}/").content.decode()
        )


def test_a_resident_cannot_cancel_an_appointment_that_is_over(client: Client, resident: User) -> None:
    appointment = appointment_book(actor=resident, resident=resident, starts_at=at(SATURDAY, 9), topic="learning")
    mails = OutboxMessage.objects.filter(to=resident.email).count()
    signed_in(client, resident)
    with time_machine.travel(at(SATURDAY, 10), tick=False):
        page = client.post(f"/desk/appointments/{appointment.pk}/cancel/", follow=True).content.decode()
    assert "This appointment is over and can no longer be cancelled." in page
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert OutboxMessage.objects.filter(to=resident.email).count() == mails  # no "cancelled" mail


def test_staff_list_of_appointments_is_audited(client: Client, resident: User, desk_staff: User) -> None:
    appointment_book(actor=resident, resident=resident, starts_at=at(SATURDAY, 9), topic="learning", note="書道")
    signed_in(client, resident)
    assert client.get("/staff/desk/").status_code == 403
    client.logout()
    signed_in(client, desk_staff)
    html = client.get("/staff/desk/").content.decode()
    assert resident.full_name in html
    assert "書道" in html
    entry = AuditEntry.objects.get(action="desk.personal_data.viewed")
    assert entry.actor == desk_staff


def test_desk_staff_book_for_a_caller_and_cancel(client: Client, desk_staff: User) -> None:
    signed_in(client, desk_staff)
    assert "/staff/desk/book/2026-11-28/" in client.get("/staff/desk/book/").content.decode()
    response = client.post(
        "/staff/desk/book/2026-11-28/",
        {
            "starts_at": at(SATURDAY, 10).isoformat(),
            "name": "電話 花子",
            "phone": "042-111-2222",
            "email": "",
            "channel": "phone",
            "topic": "lecturer",
            "note": "",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(name="電話 花子")
    assert appointment.channel == Appointment.Channel.PHONE
    client.post(f"/staff/desk/appointments/{appointment.pk}/cancel/")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_the_roster_page_flags_gaps_and_adds_shifts(
    client: Client, coordinator: User, desk_staff: User, make_persona: Callable[..., User]
) -> None:
    signed_in(client, desk_staff)
    assert client.get("/staff/desk/roster/").status_code == 403
    client.logout()
    signed_in(client, coordinator)
    html = client.get("/staff/desk/roster/?from=2026-11-28").content.decode()
    gaps = html.count("Gap 9:00–12:00")  # every Saturday and Sunday morning in four weeks
    assert gaps == 8
    client.post(
        "/staff/desk/roster/?from=2026-11-28",
        {"person": desk_staff.pk, "day": "2026-11-28", "starts": "09:00", "ends": "12:00", "note": ""},
    )
    shift = Shift.objects.get(person=desk_staff)
    assert shift.starts_at == at(SATURDAY, 9)
    html = client.get("/staff/desk/roster/?from=2026-11-28").content.decode()
    assert html.count("Gap 9:00–12:00") == gaps - 1
    client.post(f"/staff/desk/roster/{shift.pk}/remove/")
    assert not Shift.objects.exists()


def test_the_hours_page_adds_weekly_hours_and_special_days(client: Client, coordinator: User) -> None:
    signed_in(client, coordinator)
    assert client.get("/staff/desk/hours/").status_code == 200
    client.post(
        "/staff/desk/hours/",
        {"form": "weekly", "weekly-weekday": "0", "weekly-opens_at": "10:00", "weekly-closes_at": "12:00"},
    )
    assert WeeklyHours.objects.filter(weekday=0, opens_at=time(10)).exists()
    response = client.post(
        "/staff/desk/hours/",
        {"form": "weekly", "weekly-weekday": "0", "weekly-opens_at": "18:00", "weekly-closes_at": "19:00"},
    )
    assert "overlap" in response.content.decode()
    client.post(
        "/staff/desk/hours/",
        {"form": "special", "special-day": "2026-12-05", "special-is_closed": "on", "special-note": "選挙のため"},
    )
    assert SpecialDay.objects.get(day=date(2026, 12, 5)).is_closed


def test_permissions_of_the_staff_pages(client: Client, make_persona: Callable[..., User]) -> None:
    department = make_persona(Role.DEPARTMENT_STAFF, email="dept@example.jp")
    signed_in(client, department)
    for url in ["/staff/desk/", "/staff/desk/book/", "/staff/desk/roster/", "/staff/desk/hours/"]:
        assert client.get(url).status_code == 403, url


def test_api_hours_status_and_slots(client: Client) -> None:
    hours = client.get("/api/v1/desk/hours?month=2026-11").json()
    assert hours["month"] == "2026-11"
    days = {day["date"]: day for day in hours["days"]}
    assert days["2026-11-23"]["open"] is False
    assert days["2026-11-23"]["holiday"] == "勤労感謝の日"
    assert days["2026-11-28"]["hours"] == [{"opens": "09:00", "closes": "12:00"}, {"opens": "13:00", "closes": "17:00"}]
    wrong_month = client.get("/api/v1/desk/hours?month=2026-13", HTTP_ACCEPT_LANGUAGE="en")
    assert wrong_month.status_code == 422
    assert wrong_month.json()["errors"]["month"] == [
        "Give the month as YYYY-MM between 2000-01 and 2099-12, for example 2026-11."
    ]
    status = client.get("/api/v1/desk/status").json()
    assert status["open"] is False
    assert status["opens_at"].startswith("2026-11-25T17:00:00")
    slots = client.get("/api/v1/desk/slots?date=2026-11-28").json()
    assert slots["open"] is True
    assert len(slots["slots"]) == 14
    assert slots["slots"][0]["starts_at"].startswith("2026-11-28T09:00:00")
