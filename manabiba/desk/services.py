"""Writes of the desk's calendar: hours, special days, shifts, appointments and their mail."""

from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.desk import selectors
from manabiba.desk.models import Appointment, DeskContact, Shift, SpecialDay, WeeklyHours
from manabiba.desk.permissions import can_cancel_appointment

Actor = AbstractBaseUser | AnonymousUser | None

# Residents booking for themselves; desk staff may book more for a caller.
MAX_UPCOMING_PER_RESIDENT = 3


class SlotUnavailableError(Exception):
    """The slot is not a bookable slot, or every place in it was taken."""


def _require(actor: Actor, permission: str) -> None:
    if actor is None or not has_permission(actor, permission):
        raise PermissionDenied(permission)


def _hours_changed() -> None:
    """Drop every cached status: the version is part of their keys."""
    transaction.on_commit(selectors.hours_version_bump)


# --- contact details -----------------------------------------------------------------------------


@transaction.atomic
def desk_contact_save(
    *,
    actor: Actor,
    name: str,
    phone: str = "",
    phone_note: str = "",
    address: str = "",
    map_url: str = "",
    access: str = "",
) -> DeskContact:
    """Staff set where the desk is and how to reach it; every page shows it at once."""
    _require(actor, "desk.manage_hours")
    if not name.strip():
        raise ValidationError({"name": _("Give the desk's name.")})
    contact = DeskContact.objects.select_for_update(of=("self",)).order_by("pk").first() or DeskContact()
    values = {
        "name": name.strip(),
        "phone": phone.strip(),
        "phone_note": phone_note.strip(),
        "address": address.strip(),
        "map_url": map_url.strip(),
        "access": access.strip(),
    }
    changed = sorted(key for key, value in values.items() if getattr(contact, key) != value)
    for key, value in values.items():
        setattr(contact, key, value)
    contact.save()
    audit_log(action="desk.contact.saved", actor=actor, target=contact, data={"changed": changed})
    _hours_changed()  # the cached contact and footer go with the hours' version
    return contact


# --- hours -----------------------------------------------------------------------------------------


@transaction.atomic
def weekly_hours_add(*, actor: Actor, weekday: int, opens_at: time, closes_at: time) -> WeeklyHours:
    _require(actor, "desk.manage_hours")
    if closes_at <= opens_at:
        raise ValidationError(_("The closing time must be after the opening time."))
    overlapping = WeeklyHours.objects.filter(weekday=weekday, opens_at__lt=closes_at, closes_at__gt=opens_at)
    if overlapping.exists():
        raise ValidationError(_("These hours overlap hours already set for that day."))
    row = WeeklyHours.objects.create(weekday=weekday, opens_at=opens_at, closes_at=closes_at)
    audit_log(action="desk.hours.added", actor=actor, target=row, data={"hours": str(row)})
    _hours_changed()
    return row


@transaction.atomic
def weekly_hours_remove(*, actor: Actor, hours: WeeklyHours) -> None:
    _require(actor, "desk.manage_hours")
    audit_log(action="desk.hours.removed", actor=actor, target=hours, data={"hours": str(hours)})
    hours.delete()
    _hours_changed()


@transaction.atomic
def special_day_set(
    *,
    actor: Actor,
    day: date,
    is_closed: bool,
    opens_at: time | None = None,
    closes_at: time | None = None,
    note: str = "",
) -> SpecialDay:
    """Close the desk on ``day`` or give it its own hours; replaces what was set for that day."""
    _require(actor, "desk.manage_hours")
    if is_closed:
        opens_at = closes_at = None
    elif opens_at is None or closes_at is None or closes_at <= opens_at:
        raise ValidationError(_("Give an opening time and a later closing time, or mark the day closed."))
    row, created = SpecialDay.objects.update_or_create(
        day=day, defaults={"is_closed": is_closed, "opens_at": opens_at, "closes_at": closes_at, "note": note.strip()}
    )
    audit_log(
        action="desk.special_day.set",
        actor=actor,
        target=row,
        data={
            "day": day.isoformat(),
            "closed": is_closed,
            "opens_at": opens_at.isoformat() if opens_at else None,
            "closes_at": closes_at.isoformat() if closes_at else None,
            "created": created,
        },
    )
    _hours_changed()
    return row


@transaction.atomic
def special_day_remove(*, actor: Actor, special_day: SpecialDay) -> None:
    _require(actor, "desk.manage_hours")
    audit_log(action="desk.special_day.removed", actor=actor, target=special_day, data={"day": str(special_day)})
    special_day.delete()
    _hours_changed()


# --- roster ----------------------------------------------------------------------------------------


@transaction.atomic
def shift_add(*, actor: Actor, person: User, starts_at: datetime, ends_at: datetime, note: str = "") -> Shift:
    _require(actor, "desk.manage_roster")
    if ends_at <= starts_at:
        raise ValidationError(_("The shift must end after it starts."))
    if not selectors.desk_staff_choices().filter(pk=person.pk).exists():
        raise ValidationError(_("Only desk staff and coordinators can be put on the roster."))
    # Lock the person's row so that two overlapping shifts for them cannot be added at once.
    User.objects.select_for_update(of=("self",)).filter(pk=person.pk).first()
    if Shift.objects.filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError(_("This person already has a shift at that time."))
    shift = Shift.objects.create(person=person, starts_at=starts_at, ends_at=ends_at, note=note.strip())
    audit_log(
        action="desk.shift.added",
        actor=actor,
        target=shift,
        data={"person": person.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return shift


@transaction.atomic
def shift_remove(*, actor: Actor, shift: Shift) -> None:
    _require(actor, "desk.manage_roster")
    audit_log(
        action="desk.shift.removed",
        actor=actor,
        target=shift,
        data={"person": shift.person_id, "starts_at": shift.starts_at.isoformat()},
    )
    shift.delete()


# --- appointments ----------------------------------------------------------------------------------


def _mail(appointment: Appointment, template: str) -> None:
    if not appointment.email:
        return
    language = appointment.language or settings.LANGUAGE_CODE
    with translation.override(language):
        desk_location = selectors.desk_location()  # the default names the place in the mail's language
    mail_send(
        to=appointment.email,
        template=f"desk/mail/{template}",
        language=language,
        context={
            "appointment": appointment,
            "link": settings.SITE_URL + reverse("desk:appointment", args=[appointment.pk]),
            "hours_link": settings.SITE_URL + reverse("desk:hours"),
            "desk_location": desk_location,
        },
    )


@transaction.atomic
def appointment_book(
    *,
    actor: Actor,
    starts_at: datetime,
    topic: str,
    note: str = "",
    resident: User | None = None,
    name: str = "",
    phone: str = "",
    email: str = "",
    channel: str = Appointment.Channel.ONLINE,
    now: datetime | None = None,
) -> Appointment:
    """Book a place in the slot starting at ``starts_at``.

    A resident books for themselves; desk staff book for a caller (``resident`` empty, the
    caller's name and phone or e-mail given). Each place of a slot is a seat; the insert of a seat
    runs in its own savepoint and the unique constraint on (slot, seat) decides who gets it, so two
    people booking the last place at the same moment cannot both succeed.
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("login")
    on_behalf = resident is None or resident.pk != actor.pk
    if on_behalf:
        _require(actor, "desk.manage_appointments")
    if topic not in Appointment.Topic.values:
        raise ValidationError(_("Choose a topic."))
    if resident is not None:
        name = name or resident.full_name or resident.email
        phone = phone or resident.phone
        email = email or resident.email
        language = resident.language
    else:
        language = translation.get_language() or settings.LANGUAGE_CODE
        if not name.strip() or not (phone.strip() or email.strip()):
            raise ValidationError(_("Give the caller's name and a phone number or e-mail address."))
    if not on_behalf and resident is not None:
        # One person's row is locked while their upcoming appointments are counted, so two tabs
        # booking at once cannot pass the limit together.
        User.objects.select_for_update(of=("self",)).filter(pk=resident.pk).first()
        if selectors.appointments_of(resident, now=now).count() >= MAX_UPCOMING_PER_RESIDENT:
            raise ValidationError(
                _("You already have %(count)s appointments coming up. Please cancel one to book another.")
                % {"count": MAX_UPCOMING_PER_RESIDENT}
            )
    slot = selectors.slot_for(starts_at, now=now)
    if slot is None or slot.capacity == 0:
        raise SlotUnavailableError(_("This time cannot be booked. Please choose another."))
    appointment = None
    for seat in range(1, slot.capacity + 1):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    seat=seat,
                    resident=resident,
                    name=name.strip()[:100],
                    phone=phone.strip()[:30],
                    email=email.strip(),
                    language=language[:8],
                    topic=topic,
                    note=note.strip()[:2000],
                    channel=channel,
                    booked_by=actor if isinstance(actor, User) else None,
                )
        except IntegrityError:
            continue
        break
    if appointment is None:
        raise SlotUnavailableError(_("Someone has just booked this time. Please choose another."))
    audit_log(
        action="desk.appointment.booked",
        actor=actor,
        target=appointment,
        data={"starts_at": appointment.starts_at.isoformat(), "seat": seat, "on_behalf": on_behalf},
    )
    _mail(appointment, "appointment_booked")
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: Actor, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Cancel a booked appointment (its resident, or desk staff); the place becomes free at once."""
    if actor is None or not can_cancel_appointment(actor, appointment):
        raise PermissionDenied("desk.appointment.cancel")
    now = now or timezone.now()
    if appointment.ends_at <= now and not has_permission(actor, "desk.manage_appointments"):
        raise ValidationError(_("This appointment is over and can no longer be cancelled."))
    updated = Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=actor if isinstance(actor, User) else None,
        updated_at=now,
    )
    appointment.refresh_from_db()
    if updated:
        audit_log(
            action="desk.appointment.cancelled",
            actor=actor,
            target=appointment,
            data={"starts_at": appointment.starts_at.isoformat(), "by_resident": actor.pk == appointment.resident_id},
        )
        _mail(appointment, "appointment_cancelled")
    return appointment


@transaction.atomic
def appointments_erase_for_deleted_account(*, user: User, now: datetime | None = None) -> int:
    """Cancel a deleted account's coming appointments (nobody is mailed: the person has left) and
    remove the personal data of all its appointments; returns how many appointments were scrubbed."""
    now = now or timezone.now()
    cancelled = Appointment.objects.filter(resident=user, status=Appointment.Status.BOOKED, starts_at__gt=now).update(
        status=Appointment.Status.CANCELLED, cancelled_at=now, cancelled_by=None, updated_at=now
    )
    scrubbed = Appointment.objects.filter(resident=user).update(
        name="", phone="", email="", note="", resident=None, updated_at=now
    )
    if scrubbed:
        audit_log(
            action="desk.personal_data.erased",
            actor=None,
            data={"appointments": scrubbed, "cancelled": cancelled},
        )
    return scrubbed


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Mail tomorrow's appointments their reminder, each exactly once however often this runs."""
    now = now or timezone.now()
    sent = 0
    for pk in list(selectors.appointments_due_reminder(now=now).values_list("pk", flat=True)):
        sent += appointment_remind(appointment_id=pk, now=now)
    return sent


@transaction.atomic
def appointment_remind(*, appointment_id: int, now: datetime) -> bool:
    # The conditional UPDATE claims the reminder: a second run, or a run at the same moment, finds nothing.
    claimed = Appointment.objects.filter(
        pk=appointment_id, status=Appointment.Status.BOOKED, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    appointment = Appointment.objects.get(pk=appointment_id)
    audit_log(
        action="desk.appointment.reminded", actor=None, target=appointment, data={"mailed": bool(appointment.email)}
    )
    _mail(appointment, "appointment_reminder")
    return True
