"""The public grid and day view, the API and iCalendar, booking pages and staff pages."""

import re
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from icalendar import Calendar

from manabiba.accounts.models import User
from manabiba.core.models import AuditEntry
from manabiba.facilities.factories import FacilityFactory
from manabiba.facilities.models import Closure
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, UserGroup
from manabiba.venues.services import booking_create
from tests.conftest import PERSONA_PASSWORD
from tests.venues.conftest import NOW, SATURDAY, Place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client: Client, user: User, language: str = "en") -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.login(email=user.email, password=PERSONA_PASSWORD)
    return client


def _booked(place: Place, group: UserGroup) -> Booking:
    return booking_create(
        actor=group.owner, group=group, room=place.room, day=SATURDAY, frame=place.evening, purpose="例会", attendees=9
    )


def _row(html: str, label: str) -> str:
    """The table row whose header names ``label``."""
    rows = [row for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S) if '<th scope="row"' in row]
    (row,) = [row for row in rows if label in re.search(r"<th scope=\"row\".*?</th>", row, re.S).group(0)]  # type: ignore[union-attr]
    return row


def test_the_month_grid_is_a_table_with_headers_and_states_in_words(client: Client, place: Place) -> None:
    _booked(place, UserGroupFactory())
    html = client.get(f"/venues/rooms/{place.room.pk}/").content.decode()
    assert "<caption>" in html
    assert html.count('<th scope="col">') == 4  # the date and three frames
    assert html.count('<th scope="row"') == 31
    assert "2026年12月12日（土）" in html
    saturday = _row(html, "2026年12月12日（土）")
    assert saturday.count("空き") == 2
    assert saturday.count("予約済") == 1
    assert f'href="/venues/rooms/{place.room.pk}/book/2026-12-12/{place.morning.pk}/"' in saturday
    assert "休館" in _row(html, "2026年12月30日（水）")
    assert "年末年始" in _row(html, "2026年12月30日（水）")
    for word in ["空き", "予約済", "抽選受付中", "休館"]:
        assert word in html.split('id="legend"')[1], word
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]


def test_the_grid_in_english(client: Client, place: Place) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/venues/rooms/{place.room.pk}/2027/1/").content.decode()
    row = _row(html, "Sat 16 January 2027")
    assert row.count("Free") == 3
    assert "Closed" in _row(html, "Fri 1 January 2027")


def test_months_outside_the_range_are_not_found(client: Client, place: Place) -> None:
    for url in ["2026/13/", "2025/1/", "2028/1/", "9999/1/"]:
        assert client.get(f"/venues/rooms/{place.room.pk}/{url}").status_code == 404, url
    assert client.get("/venues/rooms/999999/").status_code == 404


def test_the_day_view_shows_every_room(client: Client, place: Place) -> None:
    Closure.objects.create(facility=place.facility, day=date(2026, 12, 15), note="設備点検")
    html = client.get(f"/venues/facilities/{place.facility.pk}/2026-12-12/").content.decode()
    assert "講座室" in _row(html, "講座室")
    assert "和室" in _row(html, "和室")
    assert client.get(f"/venues/facilities/{place.facility.pk}/?day=2026-12-15").content.decode().count("休館") >= 6
    assert client.get(f"/venues/facilities/{place.facility.pk}/2026-02-30/").status_code == 404


def test_the_api_lists_facilities_and_a_rooms_month(client: Client, place: Place) -> None:
    _booked(place, UserGroupFactory())
    (facility,) = client.get("/api/v1/facilities").json()
    assert [frame["name"] for frame in facility["frames"]] == ["午前", "午後", "夜間"]
    assert {room["name"]: room["equipment"] for room in facility["rooms"]} == {"和室": ["tatami"], "講座室": []}
    assert [(row["name"], row["percent"]) for row in facility["exemptions"]] == [
        ("社会教育関係団体", 50),
        ("市との共催", 100),
    ]
    body = client.get(f"/api/v1/rooms/{place.room.pk}/availability?month=2026-12").json()
    saturday = next(day for day in body["days"] if day["date"] == "2026-12-12")
    assert [cell["state"] for cell in saturday["frames"]] == ["free", "free", "booked"]
    assert saturday["frames"][2]["starts_at"] == "2026-12-12T18:00:00+09:00"
    assert "group" not in str(saturday), "the API never says who holds a frame"
    assert client.get(f"/api/v1/rooms/{place.room.pk}/availability?month=2026-13").status_code == 422
    assert client.get("/api/v1/rooms/999999/availability").status_code == 404


def test_the_icalendar_file(client: Client, place: Place) -> None:
    _booked(place, UserGroupFactory())
    response = client.get(f"/venues/rooms/{place.room.pk}/2026/12/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    saturday = [str(e["summary"]) for e in events if e.decoded("dtstart").date() == SATURDAY]
    assert saturday == ["午前 ○ 空き", "午後 ○ 空き", "夜間 × 予約済"]
    assert not [e for e in events if e.decoded("dtstart").date() == date(2026, 12, 30)]


def test_booking_needs_a_login_and_an_approved_group(client: Client, place: Place, resident: User) -> None:
    url = f"/venues/rooms/{place.room.pk}/book/2026-12-12/{place.evening.pk}/"
    assert client.get(url).status_code == 302
    html = signed_in(client, resident).get(url).content.decode()
    assert "Register a group as a room user" in html
    assert "<form" not in html.split("<main", 1)[-1].replace('form method="get"', "")


def test_a_group_books_on_the_page_and_sees_the_amount_due(
    client: Client, place: Place, group: UserGroup, group_owner: User
) -> None:
    url = f"/venues/rooms/{place.room.pk}/book/2026-12-12/{place.evening.pk}/"
    response = signed_in(client, group_owner).post(
        url, {"group": group.pk, "purpose": "郷土史の例会", "attendees": "15", "exemption": place.half.pk}
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/venues/bookings/{booking.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "600 yen" in html
    assert "Sat 12 December 2026" in html
    again = client.post(url, {"group": group.pk, "purpose": "x", "attendees": "5"}).content.decode()
    assert "cannot be booked now" in again


def test_too_many_attendees_is_said_on_the_form(
    client: Client, place: Place, group: UserGroup, group_owner: User
) -> None:
    url = f"/venues/rooms/{place.room.pk}/book/2026-12-12/{place.evening.pk}/"
    html = signed_in(client, group_owner).post(url, {"group": group.pk, "purpose": "例会", "attendees": "99"})
    assert "holds at most 40 people" in html.content.decode()
    assert not Booking.objects.exists()


def test_desk_staff_book_for_a_caller_on_the_same_page(
    client: Client, place: Place, group: UserGroup, desk_staff: User
) -> None:
    url = f"/venues/rooms/{place.room.pk}/book/2026-12-12/{place.evening.pk}/"
    html = signed_in(client, desk_staff).get(url).content.decode()
    assert "by phone" in html
    assert group.name in html
    client.post(url, {"group": group.pk, "channel": "phone", "purpose": "例会", "attendees": "10"})
    booking = Booking.objects.get()
    assert (booking.channel, booking.booked_by, booking.group) == ("phone", desk_staff, group)


def test_the_group_cancels_on_its_booking_page(
    client: Client, place: Place, group: UserGroup, group_owner: User, resident: User
) -> None:
    booking = _booked(place, group)
    assert signed_in(Client(), resident).get(f"/venues/bookings/{booking.pk}/").status_code == 404
    assert signed_in(Client(), resident).post(f"/venues/bookings/{booking.pk}/cancel/").status_code == 404
    signed_in(client, group_owner).post(f"/venues/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_staff_see_duplicates_on_the_approval_page_and_the_report(
    client: Client, coordinator: User, resident: User
) -> None:
    first = UserGroupFactory(name="最初の会", phone="042-999-0000")
    second = UserGroupFactory(name="二番目の会", phone="0429990000", status=UserGroup.Status.PENDING)
    assert signed_in(Client(), resident).get(f"/staff/venues/groups/{second.pk}/").status_code == 403
    staff = signed_in(client, coordinator)
    assert "1 possible duplicate" in staff.get("/staff/venues/").content.decode()
    html = staff.get(f"/staff/venues/groups/{second.pk}/").content.decode()
    assert "Possible duplicates" in html
    assert "最初の会" in html
    assert "same phone" in html
    assert AuditEntry.objects.filter(action="venues.personal_data.viewed", actor_id=coordinator.pk).exists()
    report = staff.get("/staff/venues/duplicates/").content.decode()
    assert "最初の会" in report
    assert "二番目の会" in report
    staff.post(f"/staff/venues/groups/{second.pk}/", {"decision": "reject", "note": "最初の会と同じ団体です"})
    second.refresh_from_db()
    assert second.status == UserGroup.Status.REJECTED
    assert first.status == UserGroup.Status.APPROVED


def test_facility_staff_manage_only_their_facility(client: Client, place: Place, facility_staff: User) -> None:
    other = FacilityFactory(name="よその公民館")
    staff = signed_in(client, facility_staff)
    assert staff.get(f"/staff/venues/facilities/{other.pk}/").status_code == 404
    staff.post(
        f"/staff/venues/facilities/{place.facility.pk}/",
        {"add_closure": "1", "closure-day": "2026-12-21", "closure-note": "床の張り替え"},
    )
    assert Closure.objects.get(facility=place.facility).note == "床の張り替え"
    refused = staff.post(
        f"/staff/venues/facilities/{place.facility.pk}/",
        {"add_frame": "1", "frame-name": "早朝", "frame-starts_at": "08:00", "frame-ends_at": "09:30"},
    )
    assert "overlaps another frame" in refused.content.decode()
    assert place.facility.frames.filter(name="早朝").count() == 0, "08:00–09:30 overlaps 午前 9–12"


def test_the_facility_page_links_each_bookable_rooms_free_frames(client: Client, place: Place) -> None:
    html = client.get(f"/facilities/{place.facility.pk}/").content.decode()
    assert f'href="/venues/rooms/{place.room.pk}/"' in html
    assert f'href="/venues/facilities/{place.facility.pk}/"' in html


def test_a_resident_registers_a_group_on_the_form(client: Client, resident: User) -> None:
    page = signed_in(client, resident)
    fields = {
        "name": "ひばり合唱団",
        "representative_name": "歌 好子",
        "address": "ひばりが丘一丁目2番3号",
        "phone": "042-111-2222",
        "email": "hibari@example.jp",
        "members_count": "20",
        "members_in_city": "18",
        "purpose": "合唱の練習",
        "declaration": "on",
    }
    refused = page.post("/venues/groups/register/", {**fields, "members_in_city": "21"})
    assert "This cannot be more than the number of members." in refused.content.decode()
    assert not UserGroup.objects.exists()
    assert page.post("/venues/groups/register/", fields)["Location"] == "/venues/groups/"
    listing = page.get("/venues/groups/").content.decode()
    assert "ひばり合唱団" in listing
    assert "waiting for approval" in listing


def test_staff_remove_a_frame_without_bookings_and_a_closure(
    client: Client, place: Place, group: UserGroup, facility_staff: User
) -> None:
    _booked(place, group)
    staff = signed_in(client, facility_staff)
    staff.post(f"/staff/venues/frames/{place.evening.pk}/remove/")
    assert place.facility.frames.filter(pk=place.evening.pk).exists(), "the evening has a booking"
    staff.post(f"/staff/venues/frames/{place.morning.pk}/remove/")
    assert not place.facility.frames.filter(pk=place.morning.pk).exists()
    closure = Closure.objects.create(facility=place.facility, day=date(2026, 12, 21))
    staff.post(f"/staff/venues/closures/{closure.pk}/remove/")
    assert not Closure.objects.exists()
    assert AuditEntry.objects.filter(action="venues.frame.removed").count() == 1
    assert AuditEntry.objects.filter(action="venues.closure.removed").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/venues/rooms/99999999999999999999/",
        "/venues/facilities/99999999999999999999/",
        "/venues/rooms/1/book/2026-12-12/99999999999999999999/",
        "/api/v1/rooms/99999999999999999999/availability",
    ],
)
def test_numbers_no_database_can_hold_are_not_found(client: Client, place: Place, resident: User, url: str) -> None:
    signed_in(client, resident)
    assert client.get(url).status_code in {404, 422}
