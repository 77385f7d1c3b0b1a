"""Writes of room booking: user groups, bookings, frames and closures, reminders and erasure."""

from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.communities.selectors import groups_of as community_groups_of
from manabiba.core.audit import audit_log
from manabiba.core.dates import day_in_range, out_of_range_message
from manabiba.core.mail import mail_send
from manabiba.facilities.models import Closure, Facility, FeeExemption, Room, TimeFrame
from manabiba.venues import selectors
from manabiba.venues.models import Booking, UserGroup
from manabiba.venues.permissions import can_book_on_behalf, can_cancel_booking, can_manage_facility, is_group_owner
from manabiba.venues.school_selectors import school_rules_problems

Actor = AbstractBaseUser | AnonymousUser | None

# A group holds at most this many frames still to come, however they were booked (online or at the
# desk), so one group cannot hold a room for months.
MAX_UPCOMING_PER_GROUP = 8


class FrameUnavailableError(Exception):
    """The frame cannot be booked: closed, over, not yet open, or someone holds it."""


def _require(actor: Actor, permission: str) -> User:
    if actor is None or not isinstance(actor, User) or not has_permission(actor, permission):
        raise PermissionDenied(permission)
    return actor


def _require_facility(actor: Actor, facility: Facility) -> User:
    if actor is None or not isinstance(actor, User) or not can_manage_facility(actor, facility):
        raise PermissionDenied("venues.manage_facility")
    return actor


def _group_mail(group: UserGroup, template: str, context: dict[str, object]) -> None:
    mail_send(
        to=group.email,
        template=f"venues/mail/{template}",
        language=group.owner.language if group.owner is not None else "",
        context={"group": group, "name": group.representative_name, **context},
    )


# --- user groups -----------------------------------------------------------------------------------


def _keys(*, representative_name: str, address: str, phone: str, email: str) -> dict[str, str]:
    return {
        "representative_key": selectors.name_key(representative_name)[:100],
        "address_key": selectors.address_key(address)[:200],
        "phone_key": selectors.phone_key(phone)[:30],
        "email_key": selectors.email_key(email)[:254],
    }


@transaction.atomic
def user_group_register(
    *,
    actor: Actor,
    name: str,
    representative_name: str,
    address: str,
    phone: str,
    email: str,
    members_count: int,
    members_in_city: int,
    purpose: str,
    declaration: bool,
    community_group_id: int | None = None,
    has_minor_members: bool = False,
    representative_is_adult: bool = True,
    now: datetime | None = None,
) -> UserGroup:
    """A signed-in resident applies to register a group as a room user; staff approve it later."""
    if actor is None or not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("login")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the group's name.")
    if not representative_name.strip():
        errors["representative_name"] = _("Give the representative's name.")
    if not address.strip():
        errors["address"] = _("Give the representative's address.")
    if not selectors.phone_key(phone):
        errors["phone"] = _("Give a phone number.")
    if not email.strip():
        errors["email"] = _("Give an e-mail address.")
    if members_count < 1:
        errors["members_count"] = _("A group has at least one member.")
    if members_in_city > members_count:
        errors["members_in_city"] = _("This cannot be more than the number of members.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the group uses rooms for.")
    if not declaration:
        errors["declaration"] = _("Rooms are for non-profit learning and activities: please confirm the declaration.")
    if community_group_id is not None and not community_groups_of(actor).filter(pk=community_group_id).exists():
        errors["community_group"] = _("Choose a community group you belong to.")
    if errors:
        raise ValidationError(errors)
    group = UserGroup.objects.create(
        name=name.strip()[:200],
        community_group_id=community_group_id,
        owner=actor,
        representative_name=representative_name.strip()[:100],
        address=address.strip()[:200],
        phone=phone.strip()[:30],
        email=email.strip(),
        members_count=members_count,
        members_in_city=members_in_city,
        purpose=purpose.strip()[:2000],
        has_minor_members=has_minor_members,
        representative_is_adult=representative_is_adult,
        declared_at=now or timezone.now(),
        **_keys(representative_name=representative_name, address=address, phone=phone, email=email),
    )
    duplicates = selectors.user_group_duplicates(group)
    audit_log(
        action="venues.group.registered",
        actor=actor,
        target=group,
        data={"duplicates": [duplicate.group.pk for duplicate in duplicates]},
    )
    return group


@transaction.atomic
def user_group_review(*, actor: Actor, group: UserGroup, approve: bool, note: str = "") -> UserGroup:
    """Approve or reject a group's registration; the group is told by mail."""
    reviewer = _require(actor, "venues.review_groups")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the group why, so that it can apply again.")})
    locked = UserGroup.objects.select_for_update().get(pk=group.pk)
    if locked.status != UserGroup.Status.PENDING:
        raise ValidationError(_("This group has already been reviewed."))
    locked.status = UserGroup.Status.APPROVED if approve else UserGroup.Status.REJECTED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = reviewer
    locked.review_note = note.strip()
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note", "updated_at"])
    duplicates = selectors.user_group_duplicates(locked)
    audit_log(
        action="venues.group.approved" if approve else "venues.group.rejected",
        actor=reviewer,
        target=locked,
        data={"duplicates": [duplicate.group.pk for duplicate in duplicates]},
    )
    _group_mail(
        locked,
        "group_approved" if approve else "group_rejected",
        {"link": settings.SITE_URL + reverse("venues:groups")},
    )
    return locked


# --- frames and closures ---------------------------------------------------------------------------


@transaction.atomic
def frame_set(
    *, actor: Actor, facility: Facility, name: str, starts_at: time, ends_at: time, frame: TimeFrame | None = None
) -> TimeFrame:
    """Add a frame to a facility, or change one; frames of one facility may not overlap."""
    _require_facility(actor, facility)
    if ends_at <= starts_at:
        raise ValidationError(_("The frame must end after it starts."))
    if not name.strip():
        raise ValidationError({"name": _("Give the frame a name, such as 午前.")})
    overlapping = TimeFrame.objects.filter(facility=facility, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if frame is not None:
        overlapping = overlapping.exclude(pk=frame.pk)
    if overlapping.exists():
        raise ValidationError(_("This frame overlaps another frame of the facility."))
    before = str(frame) if frame is not None else ""
    if frame is None:
        frame = TimeFrame.objects.create(
            facility=facility, name=name.strip()[:30], starts_at=starts_at, ends_at=ends_at
        )
    else:
        if frame.facility_id != facility.pk:
            raise PermissionDenied("venues.manage_facility")
        frame.name, frame.starts_at, frame.ends_at = name.strip()[:30], starts_at, ends_at
        frame.save(update_fields=["name", "starts_at", "ends_at", "updated_at"])
    audit_log(action="venues.frame.set", actor=actor, target=frame, data={"before": before, "after": str(frame)})
    return frame


@transaction.atomic
def frame_remove(*, actor: Actor, frame: TimeFrame) -> None:
    _require_facility(actor, frame.facility)
    if Booking.objects.filter(frame=frame).exists():
        raise ValidationError(_("This frame has bookings and cannot be removed; change its times instead."))
    audit_log(action="venues.frame.removed", actor=actor, target=frame, data={"frame": str(frame)})
    frame.delete()


@transaction.atomic
def closure_set(*, actor: Actor, facility: Facility, day: date, note: str = "") -> Closure:
    """Close a facility's rooms on ``day`` (maintenance, an event); bookings already made are kept for
    staff to move or cancel with the groups, and listed on the facility's page."""
    _require_facility(actor, facility)
    if not day_in_range(day):
        raise ValidationError(out_of_range_message())
    closure, created = Closure.objects.update_or_create(facility=facility, day=day, defaults={"note": note.strip()})
    audit_log(
        action="venues.closure.set", actor=actor, target=closure, data={"day": day.isoformat(), "created": created}
    )
    return closure


@transaction.atomic
def closure_remove(*, actor: Actor, closure: Closure) -> None:
    _require_facility(actor, closure.facility)
    audit_log(action="venues.closure.removed", actor=actor, target=closure, data={"day": closure.day.isoformat()})
    closure.delete()


# --- bookings --------------------------------------------------------------------------------------


def _booking_mail(booking: Booking, template: str) -> None:
    if booking.group is None:
        return  # a programme's booking: its organisers see it on the programme's rooms page
    _group_mail(
        booking.group,
        template,
        {
            "booking": booking,
            "link": settings.SITE_URL + reverse("venues:booking", args=[booking.pk]),
        },
    )


@transaction.atomic
def booking_create(
    *,
    actor: Actor,
    group: UserGroup,
    room: Room,
    day: date,
    frame: TimeFrame,
    purpose: str,
    attendees: int,
    exemption: FeeExemption | None = None,
    channel: str = Booking.Channel.ONLINE,
    now: datetime | None = None,
) -> Booking:
    """Book one free frame of a room for an approved group, first come.

    The group's owner books online; desk and facility staff book for a group that calls or comes in
    (``channel`` phone or counter), under the same limits. The insert runs in its own savepoint and the
    unique constraint on (room, day, frame) decides who gets a frame two groups want at one moment.
    """
    if actor is None or not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("login")
    on_behalf = not is_group_owner(actor, group)
    if on_behalf and not can_book_on_behalf(actor, room.facility):
        raise PermissionDenied("venues.book_on_behalf")
    if channel not in Booking.Channel.values or (channel != Booking.Channel.ONLINE) != on_behalf:
        raise ValidationError(_("Staff book by phone or at the counter; a group books online."))
    if group.status != UserGroup.Status.APPROVED:
        raise ValidationError(_("Only a user group the city has approved can book rooms."))
    if not room.bookable or frame.facility_id != room.facility_id:
        raise FrameUnavailableError(_("This frame cannot be booked. Please choose another."))
    # 学校開放: a school's rooms are open only to groups that meet the school's rules.
    problems = school_rules_problems(group, room.facility)
    if problems:
        raise ValidationError(problems)
    if exemption is not None and exemption.facility_id != room.facility_id:
        raise ValidationError({"exemption": _("Choose an exemption of this facility.")})
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = _("Say what the room is used for.")
    if attendees < 1:
        errors["attendees"] = _("At least one person attends.")
    elif room.capacity is not None and attendees > room.capacity:
        errors["attendees"] = _("This room holds at most %(capacity)s people.") % {"capacity": room.capacity}
    if errors:
        raise ValidationError(errors)
    # The group's row is locked while its frames are counted, so two bookings at once cannot pass the limit.
    UserGroup.objects.select_for_update().filter(pk=group.pk).first()
    if selectors.bookings_of_group(group, now=now).count() >= MAX_UPCOMING_PER_GROUP:
        raise ValidationError(
            _("The group already holds %(count)s frames still to come. Please cancel one to book another.")
            % {"count": MAX_UPCOMING_PER_GROUP}
        )
    state = selectors.frame_state(room, day=day, frame=frame, now=now)
    if state == selectors.State.BOOKED:
        raise FrameUnavailableError(_("Someone has just booked this frame. Please choose another."))
    if state != selectors.State.FREE:
        raise FrameUnavailableError(_("This frame cannot be booked. Please choose another."))
    percent = exemption.percent if exemption is not None else 0
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                room=room,
                day=day,
                frame=frame,
                starts_at=selectors.at(day, frame.starts_at),
                ends_at=selectors.at(day, frame.ends_at),
                group=group,
                purpose=purpose.strip()[:200],
                attendees=attendees,
                fee=room.fee_per_frame,
                exemption=exemption,
                exemption_percent=percent,
                amount_due=exemption.amount_due(room.fee_per_frame) if exemption is not None else room.fee_per_frame,
                source=Booking.Source.FIRST_COME,
                channel=channel,
                booked_by=actor,
            )
    except IntegrityError as error:
        raise FrameUnavailableError(_("Someone has just booked this frame. Please choose another.")) from error
    audit_log(
        action="venues.booking.created",
        actor=actor,
        target=booking,
        data={
            "room": room.pk,
            "day": day.isoformat(),
            "frame": frame.pk,
            "group": group.pk,
            "channel": channel,
            "on_behalf": on_behalf,
            "amount_due": booking.amount_due,
        },
    )
    _booking_mail(booking, "booking_created")
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: Booking, now: datetime | None = None) -> Booking:
    """Cancel a booking (its group, or staff for it); the frame is free again at once."""
    if actor is None or not can_cancel_booking(actor, booking):
        raise PermissionDenied("venues.booking.cancel")
    now = now or timezone.now()
    if booking.starts_at <= now:
        raise ValidationError(_("This frame has started and can no longer be cancelled."))
    updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=actor if isinstance(actor, User) else None,
        updated_at=now,
    )
    booking.refresh_from_db()
    if updated:
        audit_log(
            action="venues.booking.cancelled",
            actor=actor,
            target=booking,
            data={"day": booking.day.isoformat(), "by_group": is_group_owner(actor, booking.group)},
        )
        _booking_mail(booking, "booking_cancelled")
    return booking


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """Mail tomorrow's bookings their reminder, each exactly once however often this runs."""
    now = now or timezone.now()
    sent = 0
    for pk in list(selectors.bookings_due_reminder(now=now).values_list("pk", flat=True)):
        sent += booking_remind(booking_id=pk, now=now)
    return sent


@transaction.atomic
def booking_remind(*, booking_id: int, now: datetime) -> bool:
    # The conditional UPDATE claims the reminder: a second run, or a run at the same moment, finds nothing.
    claimed = Booking.objects.filter(pk=booking_id, status=Booking.Status.BOOKED, reminder_sent_at__isnull=True).update(
        reminder_sent_at=now
    )
    if not claimed:
        return False
    booking = Booking.objects.select_related("group__owner", "room__facility", "frame").get(pk=booking_id)
    audit_log(action="venues.booking.reminded", actor=None, target=booking, data={})
    _booking_mail(booking, "booking_reminder")
    return True


@transaction.atomic
def venues_erase_for_deleted_account(*, user: User, now: datetime | None = None) -> int:
    """A deleted account's groups: their coming bookings are cancelled (nobody is mailed) and the
    contact details of the groups it registered are removed; returns how many groups were scrubbed."""
    now = now or timezone.now()
    groups = UserGroup.objects.filter(owner=user)
    cancelled = Booking.objects.filter(group__in=groups, status=Booking.Status.BOOKED, starts_at__gt=now).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by=None, updated_at=now
    )
    scrubbed = groups.update(
        owner=None,
        representative_name="",
        address="",
        phone="",
        email="",
        representative_key="",
        address_key="",
        phone_key="",
        email_key="",
        status=UserGroup.Status.REJECTED,
        updated_at=now,
    )
    if scrubbed:
        audit_log(action="venues.personal_data.erased", actor=None, data={"groups": scrubbed, "cancelled": cancelled})
    return scrubbed
