"""Booking a frame: who may, the limits, fees and exemptions, cancelling, reminders and erasure."""

from collections.abc import Callable
from datetime import date, time, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import user_delete
from manabiba.core.models import AuditEntry
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Room, TimeFrame
from manabiba.venues import services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, UserGroup
from manabiba.venues.services import FrameUnavailableError, booking_cancel, booking_create, frame_set
from tests.conftest import SmtpServer
from tests.venues.conftest import NOW, SATURDAY, Place, at

pytestmark = pytest.mark.django_db


def _book(actor: User, group: UserGroup, place: Place, **overrides: object) -> Booking:
    fields: dict[str, object] = {
        "actor": actor,
        "group": group,
        "room": place.room,
        "day": SATURDAY,
        "frame": place.evening,
        "purpose": "郷土史の勉強会",
        "attendees": 12,
        "now": NOW,
    }
    fields.update(overrides)
    return booking_create(**fields)  # type: ignore[arg-type]


def test_an_approved_group_books_a_free_frame_and_is_mailed_in_its_language(
    place: Place, group: UserGroup, group_owner: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(group_owner, group, place)
    assert (booking.fee, booking.amount_due, booking.channel, booking.source) == (1200, 1200, "online", "first_come")
    assert booking.starts_at == at(SATURDAY, 18)
    entry = AuditEntry.objects.get(action="venues.booking.created")
    assert entry.actor_id == group_owner.pk
    assert entry.data["on_behalf"] is False
    (message,) = smtp_server.to("circle@example.jp")
    assert smtp_server.subject(message) == "施設予約の確定：講座室 2026年12月12日（土）"
    assert "代表 花子 様" in smtp_server.body(message)
    assert "18:00–21:00" in smtp_server.body(message)


def test_the_same_frame_cannot_be_booked_twice(place: Place, group: UserGroup, group_owner: User) -> None:
    _book(group_owner, group, place)
    other = UserGroupFactory()
    with pytest.raises(FrameUnavailableError):
        _book(other.owner, other, place)
    assert _book(other.owner, other, place, frame=place.afternoon).frame == place.afternoon


@pytest.mark.parametrize(("exemption", "due"), [("half", 600), ("full", 0)])
def test_an_exemption_reduces_the_amount_due(
    place: Place, group: UserGroup, group_owner: User, exemption: str, due: int
) -> None:
    booking = _book(group_owner, group, place, exemption=getattr(place, exemption))
    assert (booking.fee, booking.exemption_percent, booking.amount_due) == (
        1200,
        getattr(place, exemption).percent,
        due,
    )


def test_a_group_not_yet_approved_cannot_book(place: Place, group: UserGroup, group_owner: User) -> None:
    group.status = UserGroup.Status.PENDING
    group.save()
    with pytest.raises(ValidationError):
        _book(group_owner, group, place)
    assert not Booking.objects.exists()


def test_no_one_books_for_a_group_that_is_not_theirs(
    place: Place, group: UserGroup, make_persona: Callable[..., User]
) -> None:
    stranger = make_persona(Role.RESIDENT, email="stranger@example.jp")
    with pytest.raises(PermissionDenied):
        _book(stranger, group, place)


def test_closed_over_and_not_yet_open_frames_are_refused(place: Place, group: UserGroup, group_owner: User) -> None:
    for day in [date(2026, 12, 30), date(2026, 12, 1), date(2027, 3, 6)]:
        with pytest.raises(FrameUnavailableError):
            _book(group_owner, group, place, day=day)


def test_attendees_must_fit_the_room(place: Place, group: UserGroup, group_owner: User) -> None:
    with pytest.raises(ValidationError) as raised:
        _book(group_owner, group, place, attendees=41)
    assert "attendees" in raised.value.message_dict


def test_a_group_holds_a_limited_number_of_frames(place: Place, group: UserGroup, group_owner: User) -> None:
    # Eight days from here are open and within first come (February opens after its lottery).
    first = date(2027, 1, 12)
    for offset in range(services.MAX_UPCOMING_PER_GROUP):
        _book(group_owner, group, place, day=first + timedelta(days=offset))
    with translation.override("en"), pytest.raises(ValidationError, match="already holds 8 frames"):
        _book(group_owner, group, place, day=first + timedelta(days=10))


def test_desk_staff_book_for_a_caller_under_the_same_limits_and_are_audited(
    place: Place, group: UserGroup, desk_staff: User
) -> None:
    booking = _book(desk_staff, group, place, channel=Booking.Channel.PHONE)
    assert (booking.channel, booking.booked_by) == ("phone", desk_staff)
    entry = AuditEntry.objects.get(action="venues.booking.created")
    assert (entry.actor_id, entry.data["channel"], entry.data["on_behalf"]) == (desk_staff.pk, "phone", True)
    with pytest.raises(ValidationError):
        _book(desk_staff, group, place, frame=place.afternoon, channel=Booking.Channel.ONLINE)


def test_facility_staff_book_only_at_their_own_facility(place: Place, group: UserGroup, facility_staff: User) -> None:
    assert _book(facility_staff, group, place, channel=Booking.Channel.COUNTER).booked_by == facility_staff
    elsewhere = FacilityFactory(name="よその公民館")
    room = RoomFactory(facility=elsewhere, bookable=True)
    frame = TimeFrameFactory(facility=elsewhere)
    with pytest.raises(PermissionDenied):
        _book(facility_staff, group, place, room=room, frame=frame, channel=Booking.Channel.COUNTER)


def test_the_group_cancels_and_the_frame_is_free_again(
    place: Place, group: UserGroup, group_owner: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    booking = _book(group_owner, group, place)
    stranger = UserGroupFactory()
    with pytest.raises(PermissionDenied):
        booking_cancel(actor=stranger.owner, booking=booking, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=group_owner, booking=booking, now=NOW)
    assert booking.status == Booking.Status.CANCELLED
    assert AuditEntry.objects.filter(action="venues.booking.cancelled", actor_id=group_owner.pk).exists()
    # Held back for the hold-off, then free for others (never again for the group that cancelled it).
    with pytest.raises(FrameUnavailableError):
        _book(stranger.owner, stranger, place)
    later = NOW + timedelta(hours=25)
    with pytest.raises(FrameUnavailableError):
        _book(group_owner, group, place, now=later)
    assert _book(stranger.owner, stranger, place, now=later).group == stranger
    assert [smtp_server.subject(m) for m in smtp_server.to("circle@example.jp")][-1].startswith("施設予約の取消")


def test_a_started_frame_cannot_be_cancelled(place: Place, group: UserGroup, group_owner: User) -> None:
    booking = _book(group_owner, group, place)
    with pytest.raises(ValidationError):
        booking_cancel(actor=group_owner, booking=booking, now=at(SATURDAY, 18, 5))


def test_reminders_go_out_once_the_day_before(
    place: Place, group: UserGroup, group_owner: User, smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    _book(group_owner, group, place)
    assert services.booking_reminders_send(now=at(SATURDAY, 8)) == 0, "not on the day itself"
    friday = at(SATURDAY - timedelta(days=1), 7)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_reminders_send(now=friday) == 1
    assert services.booking_reminders_send(now=friday) == 0
    subjects = [smtp_server.subject(m) for m in smtp_server.to("circle@example.jp")]
    assert subjects[-1] == "明日の施設予約：講座室 2026年12月12日（土）"


def test_deleting_the_account_cancels_coming_bookings_and_removes_the_contact_details(
    place: Place, group: UserGroup, group_owner: User
) -> None:
    booking = _book(group_owner, group, place)
    with time_machine.travel(NOW, tick=False):
        user_delete(actor=group_owner, user=group_owner)
    booking.refresh_from_db()
    group.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (group.owner, group.representative_name, group.email, group.phone, group.address) == (None, "", "", "", "")
    assert group.status == UserGroup.Status.REJECTED


def test_the_reminder_command_mails_in_the_applicants_language(
    place: Place,
    make_persona: Callable[..., User],
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = make_persona(Role.RESIDENT, email="alex@example.jp", full_name="Alex Brown", language="en")
    group = UserGroupFactory(name="Nishitokyo English Book Club", owner=owner, email=owner.email)
    # Reference names in English: the room and the frame read in the applicant's language.
    Room.objects.filter(pk=place.room.pk).update(name_en="Lecture room")
    TimeFrame.objects.filter(pk=place.evening.pk).update(name_en="Evening")
    _book(owner, group, place)
    with (
        time_machine.travel(at(SATURDAY - timedelta(days=1), 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = StringIO()
        call_command("venues_reminders", stdout=out)
    assert out.getvalue().strip() == "reminders sent: 1"
    (message,) = [m for m in smtp_server.to(owner.email) if "Reminder" in smtp_server.subject(m)]
    assert smtp_server.subject(message) == "Reminder: Lecture room tomorrow, Sat 12 December 2026"
    assert "Amount due: 1,200 yen" in smtp_server.body(message)
    assert "Lecture room" in smtp_server.body(message)
    assert "Evening 18:00–21:00" in smtp_server.body(message)


def test_staff_change_a_frames_times_and_the_booking_keeps_its_own(
    place: Place, group: UserGroup, group_owner: User, facility_staff: User
) -> None:
    booking = _book(group_owner, group, place)
    frame_set(
        actor=facility_staff,
        facility=place.facility,
        name="夜間",
        starts_at=time(18, 30),
        ends_at=time(21, 30),
        frame=place.evening,
    )
    booking.refresh_from_db()
    assert booking.starts_at == at(SATURDAY, 18)
    with pytest.raises(ValidationError):
        frame_set(actor=facility_staff, facility=place.facility, name="夕方", starts_at=time(16), ends_at=time(18, 45))
    with pytest.raises(PermissionDenied):
        frame_set(actor=group_owner, facility=place.facility, name="早朝", starts_at=time(7), ends_at=time(8))
