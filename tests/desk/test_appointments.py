"""Appointments: free slots, booking, cancelling, mail, and the reminder sent exactly once."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.models import User
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.desk.demo import desk_demo_seed
from manabiba.desk.models import Appointment
from manabiba.desk.selectors import free_slots_for_day, roster_gaps, slots_for_day
from manabiba.desk.services import (
    SlotUnavailableError,
    appointment_book,
    appointment_cancel,
    appointment_reminders_send,
    shift_add,
)
from tests.desk.conftest import at

pytestmark = pytest.mark.usefixtures("default_week")

NOW = at(date(2026, 11, 25), 10)  # a Wednesday morning
SATURDAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def book(resident: User, hour: int, minute: int = 0, day: date = SATURDAY) -> Appointment:
    return appointment_book(
        actor=resident, resident=resident, starts_at=at(day, hour, minute), topic="learning", note="書道を始めたい"
    )


def test_slots_are_half_hours_within_opening_hours() -> None:
    slots = slots_for_day(SATURDAY)
    starts = [slot.starts_at for slot in slots]
    # 9:00–12:00 and 13:00–17:00: 6 + 8 half hours, none over lunch.
    assert len(slots) == 14
    assert starts[0] == at(SATURDAY, 9)
    assert at(SATURDAY, 11, 30) in starts
    assert at(SATURDAY, 12) not in starts
    assert starts[-1] == at(SATURDAY, 16, 30)
    assert slots[-1].ends_at == at(SATURDAY, 17)


def test_no_slots_on_closed_days_in_the_past_or_too_far_ahead() -> None:
    assert slots_for_day(date(2026, 11, 23)) == []  # national holiday
    assert slots_for_day(date(2026, 11, 24)) == []  # yesterday
    assert slots_for_day(NOW.date() + timedelta(days=90)) == []
    # Today: only the evening, which is still ahead.
    assert next(slot.starts_at for slot in slots_for_day(NOW.date())) == at(NOW.date(), 17)


def test_a_booked_slot_is_no_longer_free(resident: User, smtp_server: object) -> None:
    appointment = book(resident, 10)
    assert appointment.email == resident.email
    assert at(SATURDAY, 10) not in [slot.starts_at for slot in free_slots_for_day(SATURDAY)]
    with pytest.raises(SlotUnavailableError):
        book(resident, 10)


def test_booking_mails_a_confirmation_and_is_audited(resident: User) -> None:
    appointment = book(resident, 10)
    mail = OutboxMessage.objects.get(to=resident.email)
    assert "2026年11月28日（土）10:00" in mail.subject
    assert f"/desk/appointments/{appointment.pk}/" in mail.body
    assert AuditEntry.objects.filter(action="desk.appointment.booked", target_id=str(appointment.pk)).exists()


def test_a_time_that_is_not_a_slot_cannot_be_booked(resident: User) -> None:
    with pytest.raises(SlotUnavailableError):
        book(resident, 12, 0)  # lunch break
    with pytest.raises(SlotUnavailableError):
        book(resident, 10, 15)  # not on the half hour
    with pytest.raises(SlotUnavailableError):
        book(resident, 18, day=date(2026, 11, 23))  # holiday


def test_a_resident_cannot_book_for_someone_else(resident: User, make_persona: Callable[..., User]) -> None:
    other = make_persona(email="other@example.jp")
    with pytest.raises(PermissionDenied):
        appointment_book(actor=resident, resident=other, starts_at=at(SATURDAY, 10), topic="learning")


def test_desk_staff_book_for_a_phone_caller(desk_staff: User) -> None:
    appointment = appointment_book(
        actor=desk_staff,
        starts_at=at(SATURDAY, 14),
        topic="group",
        name="電話 太郎",
        phone="042-000-0000",
        channel=Appointment.Channel.PHONE,
    )
    assert appointment.resident is None
    assert appointment.booked_by == desk_staff
    assert not OutboxMessage.objects.exists()  # no e-mail address given, nothing to mail
    with pytest.raises(ValidationError):
        appointment_book(actor=desk_staff, starts_at=at(SATURDAY, 15), topic="group", name="名無し")


def test_cancelling_frees_the_slot_and_mails(
    resident: User, desk_staff: User, make_persona: Callable[..., User]
) -> None:
    appointment = book(resident, 10)
    stranger = make_persona(email="stranger@example.jp")
    with pytest.raises(PermissionDenied):
        appointment_cancel(actor=stranger, appointment=appointment)
    appointment_cancel(actor=resident, appointment=appointment)
    assert appointment.status == Appointment.Status.CANCELLED
    assert at(SATURDAY, 10) in [slot.starts_at for slot in free_slots_for_day(SATURDAY)]
    assert OutboxMessage.objects.filter(to=resident.email).count() == 2
    # Booked again by someone else, then cancelled by staff.
    again = book(stranger, 10)
    appointment_cancel(actor=desk_staff, appointment=again)
    assert again.cancelled_by == desk_staff


def test_capacity_follows_the_roster_when_configured(
    settings: SettingsWrapper, coordinator: User, desk_staff: User, resident: User, make_persona: Callable[..., User]
) -> None:
    settings.DESK_CAP_APPOINTMENTS_BY_ROSTER = True
    settings.DESK_APPOINTMENTS_PER_SLOT = 2
    assert slots_for_day(SATURDAY)[0].capacity == 0  # nobody on shift
    assert free_slots_for_day(SATURDAY) == []
    shift_add(actor=coordinator, person=desk_staff, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 12))
    shift_add(actor=coordinator, person=coordinator, starts_at=at(SATURDAY, 9), ends_at=at(SATURDAY, 10))
    capacities = {slot.starts_at: slot.capacity for slot in slots_for_day(SATURDAY)}
    assert capacities[at(SATURDAY, 9)] == 2
    assert capacities[at(SATURDAY, 10)] == 1
    assert capacities[at(SATURDAY, 13)] == 0
    first = book(resident, 9)
    second = book(make_persona(email="second@example.jp"), 9)
    assert {first.seat, second.seat} == {1, 2}
    with pytest.raises(SlotUnavailableError):
        book(make_persona(email="third@example.jp"), 9)


def test_reminders_go_out_the_day_before_and_only_once(resident: User, make_persona: Callable[..., User]) -> None:
    tomorrow = book(resident, 17, day=date(2026, 11, 26))
    book(make_persona(email="later@example.jp"), 10)  # Saturday: not yet
    cancelled = book(make_persona(email="gone@example.jp"), 18, day=date(2026, 11, 26))
    appointment_cancel(actor=cancelled.resident, appointment=cancelled)
    OutboxMessage.objects.all().delete()

    assert appointment_reminders_send() == 1
    assert appointment_reminders_send() == 0
    call_command("desk_reminders")
    reminders = list(OutboxMessage.objects.all())
    assert [m.to for m in reminders] == [resident.email]
    assert "2026年11月26日（木）17:00" in reminders[0].subject
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at == NOW


def test_the_demo_roster_leaves_sunday_afternoons_open(desk_staff: User, coordinator: User) -> None:
    created = desk_demo_seed(today=NOW.date())
    assert created > 0
    assert desk_demo_seed(today=NOW.date()) == 0  # idempotent
    gaps = roster_gaps(NOW.date(), 28)
    assert gaps
    assert all(gap.starts_at.weekday() == 6 and gap.starts_at.hour == 13 for gap in gaps)


def test_a_resident_holds_at_most_three_upcoming_appointments(resident: User) -> None:
    for hour in (9, 10, 11):
        book(resident, hour)
    with pytest.raises(ValidationError):
        book(resident, 13)
    appointment_cancel(actor=resident, appointment=Appointment.objects.filter(resident=resident).earliest("starts_at"))
    assert book(resident, 13).starts_at == at(SATURDAY, 13)


def test_the_booking_mail_is_in_the_residents_language_and_labelled_so(
    make_persona: Callable[..., User], smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    english = make_persona(email="en@example.jp", full_name="Alex Brown", language="en")
    japanese = make_persona(email="ja@example.jp", full_name="山田 花子", language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        book(english, 10)
    with django_capture_on_commit_callbacks(execute=True):
        book(japanese, 11)
    [to_english] = smtp_server.to(english.email)
    assert to_english["Content-Language"] == "en"
    assert smtp_server.subject(to_english).startswith("Your appointment at the desk:")
    assert "Dear Alex Brown," in smtp_server.body(to_english)
    assert "Nishitokyo City" in smtp_server.body(to_english)
    [to_japanese] = smtp_server.to(japanese.email)
    assert to_japanese["Content-Language"] == "ja"
    assert smtp_server.subject(to_japanese).startswith("窓口の面談予約：")
    assert smtp_server.body(to_japanese).splitlines()[0] == "山田 花子 様"
