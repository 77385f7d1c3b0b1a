"""Programme sessions holding rooms through the bookings, and the room-utilisation figures."""

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.figures import FigureFilter, FiscalYear, report
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.facilities.models import Closure, Room
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import SessionTimes, program_update
from manabiba.venues import programme_selectors, school_services, selectors
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, UserGroup
from manabiba.venues.programme_services import program_room_book
from manabiba.venues.services import FrameUnavailableError, booking_create
from manabiba.venues.utilisation import utilisation
from tests.conftest import PERSONA_PASSWORD
from tests.venues.conftest import NOW, SATURDAY, TOKYO, Place

NEXT_SATURDAY = SATURDAY + timedelta(days=7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client: Client, user: User) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.login(email=user.email, password=PERSONA_PASSWORD)
    return client


def _program(place: Place, day: date = SATURDAY, **fields: Any) -> Program:
    """A programme by a citizen lecturer (who manages it) meeting 18:30–20:30 on ``day``."""
    return ProgramFactory(
        title="郷土史講座",
        facility=place.facility,
        capacity=20,
        starts_at=datetime.combine(day, time(18, 30), tzinfo=TOKYO),
        session_minutes=120,
        **fields,
    )


@pytest.fixture
def lecturer(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.TALENT, email="lecturer@example.jp", full_name="講師 太郎")


def test_a_session_holds_a_frame_and_no_group_can_book_it(place: Place, lecturer: User) -> None:
    program = _program(place, created_by=lecturer)
    booking = program_room_book(actor=lecturer, program=program, room=place.room, day=SATURDAY, frame=place.evening)
    assert (booking.program, booking.group, booking.source) == (program, None, Booking.Source.PROGRAMME)
    assert selectors.frame_state(place.room, day=SATURDAY, frame=place.evening) == selectors.State.BOOKED
    group = UserGroupFactory()
    with pytest.raises(FrameUnavailableError):
        booking_create(
            actor=group.owner,
            group=group,
            room=place.room,
            day=SATURDAY,
            frame=place.evening,
            purpose="例会",
            attendees=5,
            now=NOW,
        )
    with pytest.raises(FrameUnavailableError):
        program_room_book(actor=lecturer, program=program, room=place.room, day=SATURDAY, frame=place.evening)


def test_a_frame_a_group_holds_is_not_offered_and_cannot_be_taken(place: Place, lecturer: User) -> None:
    group = UserGroupFactory()
    booking_create(
        actor=group.owner,
        group=group,
        room=place.room,
        day=SATURDAY,
        frame=place.evening,
        purpose="例会",
        attendees=5,
        now=NOW,
    )
    program = _program(place, created_by=lecturer)
    (row,), orphans = programme_selectors.program_session_rooms(program, place.facility)
    assert [(o.room.name, o.frame.name) for o in row.options] == [("和室", "夜間")]
    assert orphans == []
    with pytest.raises(FrameUnavailableError):
        program_room_book(actor=lecturer, program=program, room=place.room, day=SATURDAY, frame=place.evening)


def test_only_frames_a_session_overlaps_and_only_its_managers(
    place: Place, lecturer: User, make_persona: Callable[..., User]
) -> None:
    program = _program(place, created_by=lecturer)
    with pytest.raises(ValidationError):
        program_room_book(actor=lecturer, program=program, room=place.room, day=SATURDAY, frame=place.morning)
    for role in (Role.RESIDENT, Role.DESK_STAFF, Role.FACILITY_STAFF, Role.DEPARTMENT_STAFF):
        with pytest.raises(PermissionDenied):
            program_room_book(
                actor=make_persona(role, email=f"{role.value}@example.jp"),
                program=program,
                room=place.room,
                day=SATURDAY,
                frame=place.evening,
            )


def test_a_programme_may_hold_a_frame_before_first_come_opens(place: Place, lecturer: User) -> None:
    april = date(2027, 4, 10)
    program = _program(place, day=april, created_by=lecturer)
    assert selectors.frame_state(place.room, day=april, frame=place.evening) == selectors.State.NOT_OPEN
    program_room_book(actor=lecturer, program=program, room=place.room, day=april, frame=place.evening)
    assert selectors.frame_state(place.room, day=april, frame=place.evening) == selectors.State.BOOKED


def test_the_rooms_page_holds_and_releases_frames_for_its_managers_only(
    client: Client, place: Place, lecturer: User, resident: User
) -> None:
    program = _program(place, created_by=lecturer)
    url = f"/venues/programmes/{program.pk}/rooms/"
    signed_in(client, resident)
    assert client.get(url).status_code == 404
    assert (
        client.post(f"{url}book/", {"room": place.room.pk, "frame": place.evening.pk, "day": "2026-12-12"}).status_code
        == 404
    )
    client.logout()
    signed_in(client, lecturer)
    html = client.get(url).content.decode()
    assert "Hold 講座室, 夜間 18:00–21:00" in html
    client.post(f"{url}book/", {"room": place.room.pk, "frame": place.evening.pk, "day": "2026-12-12"})
    booking = Booking.objects.get(program=program)
    assert "Holds テスト公民館 講座室, 夜間" in client.get(url).content.decode()
    client.post(f"{url}{booking.pk}/release/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert selectors.frame_state(place.room, day=SATURDAY, frame=place.evening) == selectors.State.FREE


def test_the_city_s_own_programmes_hold_rooms_free_and_others_pay_the_room_s_fee(
    client: Client, place: Place, lecturer: User
) -> None:
    department = _program(place, created_by=lecturer)
    commissioned = _program(place, created_by=lecturer, citizen_proposal=True, organizer=OrganizerFactory(citizen=True))
    group_run = _program(place, NEXT_SATURDAY, created_by=lecturer, organizer=OrganizerFactory(group=True))

    def hold(program: Program, room: Room, day: date) -> int:
        return program_room_book(actor=lecturer, program=program, room=room, day=day, frame=place.evening).amount_due

    assert hold(department, place.room, SATURDAY) == 0
    assert hold(commissioned, place.small_room, SATURDAY) == 0
    assert hold(group_run, place.room, NEXT_SATURDAY) == 1200
    kinds = {
        kind: programme_selectors.programme_pays_rooms(_program(place, organizer=OrganizerFactory(kind=kind)))
        for kind in Organizer.Kind
    }
    assert kinds == {
        Organizer.Kind.DEPARTMENT: False,
        Organizer.Kind.CENTER: False,
        Organizer.Kind.SCHOOL: False,
        Organizer.Kind.GROUP: True,
        Organizer.Kind.CITIZEN: True,
        Organizer.Kind.OTHER: False,
    }

    signed_in(client, lecturer)
    paying = client.get(f"/venues/programmes/{group_run.pk}/rooms/").content.decode()
    assert "pays each frame it holds at the room" in paying
    assert "夜間 18:00–21:00 (1,200 yen)" in paying
    free = client.get(f"/venues/programmes/{department.pk}/rooms/").content.decode()
    assert "The rooms this programme holds are free of charge." in free
    assert "1,200 yen" not in free


def test_a_held_frame_survives_editing_the_sessions_and_is_listed_when_no_session_falls_on_it(
    place: Place, lecturer: User, coordinator: User
) -> None:
    program = _program(place, created_by=lecturer)
    program_room_book(actor=lecturer, program=program, room=place.room, day=SATURDAY, frame=place.evening)
    sunday = datetime.combine(date(2026, 12, 13), time(18, 30), tzinfo=TOKYO)
    program_update(program=program, actor=coordinator, sessions=[SessionTimes(starts_at=sunday)])
    (row,), orphans = programme_selectors.program_session_rooms(program, place.facility)
    assert row.held == []
    assert [booking.day for booking in orphans] == [SATURDAY]


# --- utilisation -------------------------------------------------------------------------------------


def _book(place: Place, group: UserGroup, day: date, frame: Any) -> Booking:
    return Booking.objects.create(
        room=place.room,
        day=day,
        frame=frame,
        starts_at=selectors.at(day, frame.starts_at),
        ends_at=selectors.at(day, frame.ends_at),
        group=group,
        purpose="例会",
        attendees=5,
        fee=0,
        amount_due=0,
    )


def test_utilisation_counts_booked_frames_of_open_days_only(place: Place) -> None:
    group = UserGroupFactory()
    # January 2027: 31 days, 1–3 January closed at the year end, the 20th closed for maintenance.
    Closure.objects.create(facility=place.facility, day=date(2027, 1, 20), note="点検")
    for day in (date(2027, 1, 9), date(2027, 1, 16), date(2027, 1, 23)):
        _book(place, group, day, place.evening)
    _book(place, group, date(2027, 1, 9), place.morning)
    cancelled = _book(place, group, date(2027, 1, 30), place.morning)
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    found = utilisation([place.facility], date(2027, 1, 1), date(2027, 1, 31))
    room = next(row for row in found.rooms if row.room == place.room)
    assert (room.open, room.used) == (27 * 3, 4)
    assert (room.frames["夜間"].open, room.frames["夜間"].used, room.frames["夜間"].percent) == (27, 3, 11.1)
    assert room.under_target
    assert found.by_month[1].open == 27 * 3 * 2  # two rooms
    assert found.total.used == 4


def test_a_school_event_is_not_an_open_day(make_persona: Callable[..., User]) -> None:
    staff = make_persona(Role.FACILITY_STAFF, email="school@example.jp")
    school = FacilityFactory(name="学校", kind="school_elementary")
    school.staff.add(staff)
    from manabiba.facilities.factories import TimeFrameFactory

    TimeFrameFactory(facility=school, name="夜間", starts_at=time(18), ends_at=time(21))
    RoomFactory(facility=school, name="体育館", bookable=True)
    before = utilisation([school], date(2027, 2, 1), date(2027, 2, 28)).total.open
    school_services.school_block_set(actor=staff, school=school, day=date(2027, 2, 6), event="学芸会")
    assert utilisation([school], date(2027, 2, 1), date(2027, 2, 28)).total.open == before - 1


def test_the_utilisation_page_and_csv_show_only_the_staffs_own_facilities(
    client: Client, place: Place, facility_staff: User, coordinator: User
) -> None:
    other = FacilityFactory(name="よその公民館")
    RoomFactory(facility=other, name="よその部屋", bookable=True)
    _book(place, UserGroupFactory(), date(2026, 12, 12), place.evening)
    signed_in(client, facility_staff)
    html = client.get("/staff/venues/utilisation/?year=2026&month=12").content.decode()
    assert "講座室" in html
    assert "よその部屋" not in html
    assert "<svg" in html
    response = client.get("/staff/venues/utilisation/?year=2026&month=12&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Facility,Room,午前,午後,夜間,Open frames,Booked frames,Used (%)")
    assert any(line.startswith("テスト公民館,講座室,") and ",1," in line for line in lines)
    assert client.get("/staff/venues/utilisation/?month=13").status_code == 404
    client.logout()
    signed_in(client, coordinator)
    assert "よその部屋" in client.get("/staff/venues/utilisation/?year=2026").content.decode()


def test_the_reports_show_room_utilisation(place: Place) -> None:
    _book(place, UserGroupFactory(), date(2026, 12, 12), place.evening)
    sections = {section.key: section for section in report(FiscalYear(2026), FigureFilter())}
    figures = {found.key: found for found in sections["venues"].figures}
    december = next(row for row in figures["venues.booked_by_month"].rows if row.values[0])
    assert december.values[:1] == (1,)
    assert figures["venues.utilisation_by_room"].unit == "percent"
    assert report(FiscalYear(2026), FigureFilter(department_id=1)) is not None
    assert "venues" not in {s.key for s in report(FiscalYear(2026), FigureFilter(department_id=1))}


def test_utilisation_costs_the_same_queries_whatever_the_bookings(place: Place, django_assert_num_queries: Any) -> None:
    # Rooms, frames, the facility's closures (its closed days), and one aggregate of the bookings.
    group = UserGroupFactory()
    _book(place, group, date(2027, 1, 9), place.evening)
    with django_assert_num_queries(4):
        utilisation([place.facility], date(2027, 1, 1), date(2027, 3, 31))
    for day in range(10, 28):
        _book(place, group, date(2027, 1, day), place.morning)
    with django_assert_num_queries(4):
        found = utilisation([place.facility], date(2027, 1, 1), date(2027, 3, 31))
    assert found.total.used == 19
