"""Writes of room booking: user groups, bookings, frames and closures, reminders and erasure."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

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
from manabiba.core.lottery import ALGORITHM as LOTTERY_ALGORITHM
from manabiba.core.lottery import Wish, allocate_items, new_seed
from manabiba.core.mail import mail_send
from manabiba.desk.templatetags.desk_dates import desk_day as format_day
from manabiba.facilities.models import Closure, Facility, FeeExemption, Room, TimeFrame
from manabiba.venues import selectors
from manabiba.venues.models import (
    Booking,
    LotteryEntry,
    LotteryRound,
    LotteryWish,
    PenaltyPoint,
    RegularSlot,
    RoomFollow,
    UserGroup,
)
from manabiba.venues.permissions import can_book_on_behalf, can_cancel_booking, can_manage_facility, is_group_owner
from manabiba.venues.school_selectors import school_rules_problems

Actor = AbstractBaseUser | AnonymousUser | None

# A group holds at most this many frames still to come, however they were booked (online or at the
# desk), so one group cannot hold a room for months.
MAX_UPCOMING_PER_GROUP = 8


class FrameUnavailableError(Exception):
    """The frame cannot be booked: closed, over, not yet open, or someone holds it."""


def REBOOKING_BARRED_MESSAGE() -> str:  # noqa: N802 (a message, translated when raised)
    return _(
        "Your group (or a group registered with the same contact details) cancelled this frame on this date, "
        "so it cannot book it again."
    )


def _booker(actor: Actor, *, group: UserGroup, facility: Facility, channel: str) -> tuple[User, bool]:
    """Who acts for ``group`` and whether on its behalf: the group's owner online, or desk or facility
    staff by phone or at the counter. Everything a group does goes through here, so the channel and the
    staff member are always known."""
    if actor is None or not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("login")
    on_behalf = not is_group_owner(actor, group)
    if on_behalf and not can_book_on_behalf(actor, facility):
        raise PermissionDenied("venues.book_on_behalf")
    if channel not in Booking.Channel.values or (channel != Booking.Channel.ONLINE) != on_behalf:
        raise ValidationError(_("Staff book by phone or at the counter; a group books online."))
    return actor, on_behalf


def _require_booking_rights(group: UserGroup, *, now: datetime | None) -> None:
    if group.status != UserGroup.Status.APPROVED:
        raise ValidationError(_("Only a user group the city has approved can book rooms."))
    if selectors.is_suspended(group, now=now):
        assert group.suspended_until is not None
        raise ValidationError(
            _("The group's booking rights are suspended until %(day)s because of penalty points.")
            % {"day": format_day(timezone.localtime(group.suspended_until).date())}
        )


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
    locked = UserGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
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
    actor, on_behalf = _booker(actor, group=group, facility=room.facility, channel=channel)
    _require_booking_rights(group, now=now)
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
    UserGroup.objects.select_for_update(of=("self",)).filter(pk=group.pk).first()
    if selectors.first_come_bookings_of_group(group, now=now).count() >= MAX_UPCOMING_PER_GROUP:
        raise ValidationError(
            _("The group already holds %(count)s frames still to come. Please cancel one to book another.")
            % {"count": MAX_UPCOMING_PER_GROUP}
        )
    state = selectors.frame_state(room, day=day, frame=frame, now=now)
    if state == selectors.State.BOOKED:
        raise FrameUnavailableError(_("Someone has just booked this frame. Please choose another."))
    if state == selectors.State.HELD:
        raise FrameUnavailableError(
            _("This frame was just cancelled and is released to first come after %(hours)s hours.")
            % {"hours": settings.VENUES_CANCEL_HOLD_OFF_HOURS}
        )
    if state != selectors.State.FREE:
        raise FrameUnavailableError(_("This frame cannot be booked. Please choose another."))
    if selectors.rebooking_barred(group, room=room, day=day, frame=frame):
        raise FrameUnavailableError(REBOOKING_BARRED_MESSAGE())
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
    # An unconfirmed lottery win given up is not late: the frame goes back before first come opens.
    late = selectors.is_late(booking, now=now) and not (
        booking.source == Booking.Source.LOTTERY and booking.confirmed_at is None
    )
    updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=actor if isinstance(actor, User) else None,
        cancel_reason=Booking.CancelReason.GROUP,
        cancelled_late=late,
        updated_at=now,
    )
    booking.refresh_from_db()
    if updated:
        audit_log(
            action="venues.booking.cancelled",
            actor=actor,
            target=booking,
            data={"day": booking.day.isoformat(), "by_group": is_group_owner(actor, booking.group), "late": late},
        )
        _booking_mail(booking, "booking_cancelled")
        if late:
            _penalty_give(
                booking=booking,
                reason=PenaltyPoint.Reason.LATE_CANCEL,
                actor=actor if isinstance(actor, User) else None,
                now=now,
            )
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
        status=Booking.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=None,
        cancel_reason=Booking.CancelReason.ERASED,
        updated_at=now,
    )
    # Their lottery entries still waiting for a draw are withdrawn; follows go with the groups' contacts.
    LotteryEntry.objects.filter(group__in=groups, round__status=LotteryRound.Status.OPEN).delete()
    RoomFollow.objects.filter(group__in=groups).delete()
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


# --- fair allocation: penalties and suspension -----------------------------------------------------

# Points per reason: a no-show wastes a frame others wanted, a late cancellation gives it back late.
POINTS: dict[str, int] = {PenaltyPoint.Reason.LATE_CANCEL: 1, PenaltyPoint.Reason.NO_SHOW: 2}


def _penalty_give(*, booking: Booking, reason: str, actor: User | None, now: datetime) -> PenaltyPoint | None:
    if booking.group_id is None:
        return None  # a programme's booking: the city does not penalise itself
    point, _created = PenaltyPoint.objects.get_or_create(
        booking=booking,
        reason=reason,
        defaults={"group": booking.group, "points": POINTS[reason], "given_at": now, "given_by": actor},
    )
    audit_log(
        action="venues.penalty.given",
        actor=actor,
        target=booking.group,
        data={"booking": booking.pk, "reason": reason, "points": point.points},
    )
    group = UserGroup.objects.select_for_update(of=("self",)).get(pk=booking.group_id)
    if selectors.penalty_points_of(group, now=now) >= settings.VENUES_PENALTY_THRESHOLD:
        _group_suspend(group, now=now)
    return point


def _group_suspend(group: UserGroup, *, now: datetime) -> None:
    """Suspend the group's booking rights, spend its points and cancel its coming bookings, with notice."""
    group.suspended_until = now + timedelta(days=settings.VENUES_SUSPENSION_DAYS)
    group.save(update_fields=["suspended_until", "updated_at"])
    PenaltyPoint.objects.filter(group=group, spent_at__isnull=True).update(spent_at=now)
    coming = list(selectors.bookings_of_group(group, now=now).filter(starts_at__gt=now).order_by("starts_at"))
    Booking.objects.filter(pk__in=[b.pk for b in coming]).update(
        status=Booking.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=None,
        cancel_reason=Booking.CancelReason.SUSPENDED,
        updated_at=now,
    )
    LotteryEntry.objects.filter(group=group, round__status=LotteryRound.Status.OPEN).delete()
    audit_log(
        action="venues.group.suspended",
        actor=None,
        target=group,
        data={"until": group.suspended_until.isoformat(), "cancelled": [b.pk for b in coming]},
    )
    _group_mail(
        group,
        "group_suspended",
        {
            "until": group.suspended_until,
            "cancelled": coming,
            "threshold": settings.VENUES_PENALTY_THRESHOLD,
            "link": settings.SITE_URL + reverse("venues:groups"),
        },
    )


@transaction.atomic
def booking_attendance_mark(*, actor: Actor, booking: Booking, came: bool, now: datetime | None = None) -> Booking:
    """Facility staff mark whether a group came; a no-show gives penalty points."""
    staff = _require_facility(actor, booking.room.facility)
    now = now or timezone.now()
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("group", "room__facility", "frame")
        .get(pk=booking.pk)
    )
    if locked.status != Booking.Status.BOOKED or locked.starts_at > now:
        raise ValidationError(_("Attendance can be marked only for a booking that has started."))
    if locked.attendance:
        raise ValidationError(_("Attendance of this booking is already marked."))
    locked.attendance = Booking.Attendance.CAME if came else Booking.Attendance.NO_SHOW
    locked.attendance_marked_at = now
    locked.attendance_marked_by = staff
    locked.save(update_fields=["attendance", "attendance_marked_at", "attendance_marked_by", "updated_at"])
    audit_log(action="venues.booking.attendance", actor=staff, target=locked, data={"attendance": locked.attendance})
    if not came:
        _booking_mail(locked, "booking_no_show")
        _penalty_give(booking=locked, reason=PenaltyPoint.Reason.NO_SHOW, actor=staff, now=now)
    return locked


# --- fair allocation: the monthly lottery ----------------------------------------------------------


def _month_days(month: date) -> list[date]:
    first, last = selectors.month_bounds(month.year, month.month)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@transaction.atomic
def round_open(*, facility: Facility, month: date, now: datetime | None = None) -> LotteryRound:
    """The facility's round for ``month`` on the common timeline, created once; approved regular weekly
    slots are placed as bookings first, so the lottery draws only the frames they leave."""
    line = selectors.timeline(month)
    round_, created = LotteryRound.objects.get_or_create(
        facility=facility,
        month=line.month,
        defaults={
            "opens_at": line.opens_at,
            "closes_at": line.closes_at,
            "confirm_by": line.confirm_by,
            "first_come_at": line.first_come_at,
            "max_wishes": settings.VENUES_LOTTERY_MAX_WISHES,
            "max_frames": settings.VENUES_LOTTERY_MAX_FRAMES,
        },
    )
    if created:
        rooms = list(Room.objects.filter(facility=facility, bookable=True).values_list("pk", flat=True))
        for slot in selectors.regular_slots_approved(room_ids=rooms):
            regular_slot_place(slot=slot, month=line.month, now=now)
        audit_log(action="venues.round.opened", actor=None, target=round_, data={"month": f"{line.month:%Y-%m}"})
    return round_


def rounds_open_due(*, now: datetime | None = None) -> int:
    """Open the rounds of every facility with bookable rooms when the entry period has come."""
    month = selectors.round_entry_month(now)
    if month is None:
        return 0
    facilities = Facility.objects.filter(rooms__bookable=True).distinct()
    opened = 0
    for facility in facilities:
        if selectors.round_of(facility, month) is None:
            round_open(facility=facility, month=month, now=now)
            opened += 1
    return opened


@dataclass(frozen=True)
class WishIn:
    room: Room
    day: date
    frame: TimeFrame


@transaction.atomic
def lottery_enter(
    *,
    actor: Actor,
    round_: LotteryRound,
    group: UserGroup,
    wishes: list[WishIn],
    purpose: str,
    attendees: int,
    channel: str = Booking.Channel.ONLINE,
    now: datetime | None = None,
) -> LotteryEntry:
    """Enter (or change) a group's ranked wishes in a round while it takes entries. The first wish is
    the one the group wants most; the draw gives each group at most the round's cap of frames."""
    user, on_behalf = _booker(actor, group=group, facility=round_.facility, channel=channel)
    _require_booking_rights(group, now=now)
    # 学校開放: the lottery of a school's rooms is open only to groups that meet the school's rules.
    problems = school_rules_problems(group, round_.facility)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    locked = LotteryRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    if locked.status != LotteryRound.Status.OPEN or not locked.opens_at <= now < locked.closes_at:
        raise ValidationError(_("This lottery round is not taking entries."))
    errors: dict[str, str] = {}
    if not wishes:
        errors["wishes"] = _("Choose at least one frame.")
    elif len(wishes) > locked.max_wishes:
        errors["wishes"] = _("At most %(count)s wishes.") % {"count": locked.max_wishes}
    if not purpose.strip():
        errors["purpose"] = _("Say what the room is used for.")
    if attendees < 1:
        errors["attendees"] = _("At least one person attends.")
    if errors:
        raise ValidationError(errors)
    seen: set[tuple[int, date, int]] = set()
    for rank, wish in enumerate(wishes, start=1):
        key = (wish.room.pk, wish.day, wish.frame.pk)
        if key in seen:
            raise ValidationError({"wishes": _("Wish %(rank)s repeats an earlier wish.") % {"rank": rank}})
        seen.add(key)
        if (
            wish.room.facility_id != locked.facility_id
            or not wish.room.bookable
            or wish.frame.facility_id != locked.facility_id
            or wish.day.replace(day=1) != locked.month
        ):
            raise ValidationError({"wishes": _("Wish %(rank)s is not a frame of this round.") % {"rank": rank}})
        if wish.room.capacity is not None and attendees > wish.room.capacity:
            raise ValidationError(
                {"attendees": _("This room holds at most %(capacity)s people.") % {"capacity": wish.room.capacity}}
            )
        state = selectors.frame_state(wish.room, day=wish.day, frame=wish.frame, now=now)
        if state != selectors.State.LOTTERY:
            raise ValidationError(
                {
                    "wishes": _("Wish %(rank)s cannot be drawn (%(state)s).")
                    % {"rank": rank, "state": selectors.state_label(state)}
                }
            )
    entry, created = LotteryEntry.objects.update_or_create(
        round=locked,
        group=group,
        defaults={
            "channel": channel,
            "entered_by": user,
            "purpose": purpose.strip()[:200],
            "attendees": attendees,
        },
    )
    entry.wishes.all().delete()
    LotteryWish.objects.bulk_create(
        [
            LotteryWish(entry=entry, rank=rank, room=wish.room, day=wish.day, frame=wish.frame)
            for rank, wish in enumerate(wishes, start=1)
        ]
    )
    audit_log(
        action="venues.lottery.entered" if created else "venues.lottery.changed",
        actor=user,
        target=entry,
        data={
            "round": locked.pk,
            "group": group.pk,
            "channel": channel,
            "on_behalf": on_behalf,
            "wishes": [f"{w.room.pk}:{w.day.isoformat()}:{w.frame.pk}" for w in wishes],
        },
    )
    return entry


@transaction.atomic
def lottery_withdraw(*, actor: Actor, entry: LotteryEntry, now: datetime | None = None) -> None:
    channel = (
        Booking.Channel.ONLINE if actor is not None and is_group_owner(actor, entry.group) else Booking.Channel.PHONE
    )
    user, _on_behalf = _booker(actor, group=entry.group, facility=entry.round.facility, channel=channel)
    now = now or timezone.now()
    round_ = LotteryRound.objects.select_for_update(of=("self",)).get(pk=entry.round_id)
    if round_.status != LotteryRound.Status.OPEN or now >= round_.closes_at:
        raise ValidationError(_("Entries can be withdrawn only until the round closes."))
    audit_log(action="venues.lottery.withdrawn", actor=user, target=entry, data={"round": round_.pk})
    entry.delete()


@transaction.atomic
def round_draw(*, round_: LotteryRound, actor: Actor = None, now: datetime | None = None) -> LotteryRound:
    """Draw a round at (or after) its deadline, once: the pure, seeded draw of ``core.lottery``
    (``allocate_items``) decides; winners get a lottery booking to confirm by the round's
    ``confirm_by``; every entry is mailed its results. A second run finds the round drawn."""
    now = now or timezone.now()
    locked = LotteryRound.objects.select_for_update(of=("self",)).select_related("facility").get(pk=round_.pk)
    if locked.status == LotteryRound.Status.DRAWN:
        return locked
    if now < locked.closes_at:
        raise ValidationError(_("The round is still taking entries; it is drawn when they close."))
    wishes = list(wishes_of_round_locked(locked))
    first, last = selectors.month_bounds(locked.month.year, locked.month.month)
    # Frames held before the draw (regular weekly slots, staff bookings) are not drawn.
    taken = sorted(
        f"{room_id}:{day:%Y-%m-%d}:{frame_id}"
        for room_id, day, frame_id in Booking.objects.filter(
            room__facility=locked.facility, day__gte=first, day__lte=last, status=Booking.Status.BOOKED
        ).values_list("room_id", "day", "frame_id")
    )
    closed = selectors.closed_days(locked.facility, first, last)
    taken += sorted(wish.item for wish in wishes if wish.day in closed or not wish.room.bookable)
    # A group and the groups flagged as its duplicates (one circle under several names) share one cap:
    # registering twice does not win twice as many frames. Entries of one cluster share the lowest
    # entry id of the cluster as their cap key.
    cluster = _cap_clusters({w.entry_id: w.entry.group for w in wishes})
    pure = [
        Wish(id=w.pk, holder=w.entry_id, tier=w.rank, item=w.item, capped_with=cluster.get(w.entry_id, 0))
        for w in wishes
    ]
    seed = new_seed()
    result = allocate_items(pure, seed=seed, cap_per_holder=locked.max_frames, taken=taken)
    locked.status = LotteryRound.Status.DRAWN
    locked.algorithm = LOTTERY_ALGORITHM + "/rooms"
    locked.seed = seed
    locked.entries = [
        {"id": w.id, "holder": w.holder, "tier": w.tier, "item": w.item, "capped_with": w.capped_with} for w in pure
    ]
    locked.taken = taken
    locked.ranking = list(result.ranking)
    locked.winners = list(result.winners)
    locked.drawn_at = now
    locked.save()
    winners = set(result.winners)
    by_id = {w.pk: w for w in wishes}
    for wish_id in result.ranking:
        wish = by_id[wish_id]
        if wish_id not in winners:
            wish.result = LotteryWish.Result.LOST
            wish.save(update_fields=["result"])
            continue
        entry = wish.entry
        fee = wish.room.fee_per_frame
        booking = Booking.objects.create(
            room=wish.room,
            day=wish.day,
            frame=wish.frame,
            starts_at=selectors.at(wish.day, wish.frame.starts_at),
            ends_at=selectors.at(wish.day, wish.frame.ends_at),
            group=entry.group,
            purpose=entry.purpose,
            attendees=entry.attendees,
            fee=fee,
            amount_due=fee,
            source=Booking.Source.LOTTERY,
            channel=entry.channel,
            booked_by=entry.entered_by,
            confirm_by=locked.confirm_by,
        )
        wish.result = LotteryWish.Result.WON
        wish.booking = booking
        wish.save(update_fields=["result", "booking"])
        audit_log(
            action="venues.booking.created",
            actor=None,
            target=booking,
            data={"source": "lottery", "round": locked.pk, "wish": wish.pk, "group": entry.group_id},
        )
    audit_log(
        action="venues.round.drawn",
        actor=actor if isinstance(actor, User) else None,
        target=locked,
        data={"seed": seed, "wishes": len(pure), "winners": len(winners), "automatic": actor is None},
    )
    for entry in selectors.entries_of_round(locked):
        _round_results_mail(locked, entry, now=now)
    return locked


def _cap_clusters(groups_by_entry: dict[int, UserGroup]) -> dict[int, int]:
    """For entries whose group is flagged as a duplicate of another entering group: the lowest entry id
    among them (entries on their own are left out, and keep their own cap)."""
    entry_of_group = {group.pk: entry_id for entry_id, group in groups_by_entry.items()}
    parent = {entry_id: entry_id for entry_id in groups_by_entry}

    def root(entry_id: int) -> int:
        while parent[entry_id] != entry_id:
            entry_id = parent[entry_id]
        return entry_id

    for entry_id, group in groups_by_entry.items():
        for other_group_id in selectors.group_and_duplicates(group)[1:]:
            other = entry_of_group.get(other_group_id)
            if other is not None:
                low, high = sorted((root(entry_id), root(other)))
                parent[high] = low
    clusters = {entry_id: root(entry_id) for entry_id in groups_by_entry}
    shared = {r for r in clusters.values() if list(clusters.values()).count(r) > 1}
    return {entry_id: r for entry_id, r in clusters.items() if r in shared}


def wishes_of_round_locked(round_: LotteryRound) -> list[LotteryWish]:
    return list(
        LotteryWish.objects.filter(entry__round=round_)
        .select_related("entry__group", "entry__entered_by", "room", "frame")
        .order_by("pk")
    )


def _round_results_mail(round_: LotteryRound, entry: LotteryEntry, *, now: datetime) -> None:
    claimed = LotteryEntry.objects.filter(pk=entry.pk, results_sent_at__isnull=True).update(results_sent_at=now)
    if not claimed:
        return
    wishes = list(entry.wishes.all())
    _group_mail(
        entry.group,
        "round_results",
        {
            "round": round_,
            "won": [w for w in wishes if w.result == LotteryWish.Result.WON],
            "lost": [w for w in wishes if w.result == LotteryWish.Result.LOST],
            "link": settings.SITE_URL + reverse("venues:round", args=[round_.pk]),
        },
    )


@transaction.atomic
def booking_confirm(*, actor: Actor, booking: Booking, now: datetime | None = None) -> Booking:
    """A winner confirms its lottery booking before the round's deadline; unconfirmed, it lapses."""
    if booking.group is None:
        raise ValidationError(_("Only a lottery win waiting for confirmation can be confirmed."))
    channel = (
        Booking.Channel.ONLINE if actor is not None and is_group_owner(actor, booking.group) else Booking.Channel.PHONE
    )
    user, on_behalf = _booker(actor, group=booking.group, facility=booking.room.facility, channel=channel)
    now = now or timezone.now()
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    if locked.source != Booking.Source.LOTTERY or locked.status != Booking.Status.BOOKED:
        raise ValidationError(_("Only a lottery win waiting for confirmation can be confirmed."))
    if locked.confirmed_at is not None:
        return locked
    if locked.confirm_by is not None and now > locked.confirm_by:
        raise ValidationError(_("The time to confirm this win has passed."))
    locked.confirmed_at = now
    locked.save(update_fields=["confirmed_at", "updated_at"])
    audit_log(action="venues.booking.confirmed", actor=user, target=locked, data={"on_behalf": on_behalf})
    return locked


def lottery_wins_lapse(*, now: datetime | None = None) -> int:
    """Cancel lottery wins not confirmed in time (each once), telling the group."""
    now = now or timezone.now()
    lapsed = 0
    due = Booking.objects.filter(
        source=Booking.Source.LOTTERY,
        status=Booking.Status.BOOKED,
        confirmed_at__isnull=True,
        confirm_by__lt=now,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=pk, status=Booking.Status.BOOKED, confirmed_at__isnull=True).update(
                status=Booking.Status.CANCELLED,
                cancelled_at=now,
                cancel_reason=Booking.CancelReason.LAPSED,
                updated_at=now,
            )
            if not claimed:
                continue
            booking = Booking.objects.select_related("group__owner", "room__facility", "frame").get(pk=pk)
            audit_log(action="venues.booking.lapsed", actor=None, target=booking, data={})
            _booking_mail(booking, "booking_lapsed")
            lapsed += 1
    return lapsed


def releases_announce(*, now: datetime | None = None) -> int:
    """Frames cancelled more than the hold-off ago are open to first come: tell the groups following
    each room, one mail per group and run; each frame is announced once."""
    now = now or timezone.now()
    released: dict[int, list[Booking]] = {}
    for booking in selectors.releases_due(now=now):
        state = selectors.frame_state(booking.room, day=booking.day, frame=booking.frame, now=now)
        # A frame of a month whose first come has not opened (a lapsed lottery win) is announced when
        # it opens; one booked again, closed or over is never announced.
        if state in (selectors.State.NOT_OPEN, selectors.State.LOTTERY):
            continue
        claimed = Booking.objects.filter(pk=booking.pk, released_at__isnull=True).update(released_at=now)
        if not claimed or state != selectors.State.FREE:
            continue
        released.setdefault(booking.room_id, []).append(booking)
    mailed = 0
    for frames in released.values():
        room = frames[0].room
        audit_log(action="venues.frames.released", actor=None, target=room, data={"bookings": [b.pk for b in frames]})
        for group in selectors.followers_of(room):
            _group_mail(
                group,
                "frames_released",
                {
                    "room": room,
                    "frames": frames,
                    "link": settings.SITE_URL + reverse("venues:room", args=[room.pk]),
                },
            )
            mailed += 1
    return mailed


@dataclass
class DueReport:
    opened: int = 0
    drawn: list[int] = field(default_factory=list)
    lapsed: int = 0
    released_mails: int = 0


def venues_run_due(*, now: datetime | None = None) -> DueReport:
    """Everything fair allocation does by time; every step is idempotent, so a missed or doubled run
    changes nothing."""
    now = now or timezone.now()
    report = DueReport()
    report.opened = rounds_open_due(now=now)
    for round_id in list(selectors.rounds_due(now=now).values_list("pk", flat=True)):
        round_ = LotteryRound.objects.get(pk=round_id)
        round_draw(round_=round_, now=now)
        report.drawn.append(round_id)
    report.lapsed = lottery_wins_lapse(now=now)
    report.released_mails = releases_announce(now=now)
    return report


# --- fair allocation: regular weekly slots (定期利用) ------------------------------------------------


@transaction.atomic
def regular_slot_request(
    *,
    actor: Actor,
    group: UserGroup,
    room: Room,
    frame: TimeFrame,
    weekday: int,
    fiscal_year: int,
    purpose: str,
    attendees: int,
    channel: str = Booking.Channel.ONLINE,
    now: datetime | None = None,
) -> RegularSlot:
    """A group asks once a year for one weekly frame for a fiscal year; staff approve it."""
    user, on_behalf = _booker(actor, group=group, facility=room.facility, channel=channel)
    _require_booking_rights(group, now=now)
    problems = school_rules_problems(group, room.facility)
    if problems:
        raise ValidationError(problems)
    today = timezone.localtime(now or timezone.now()).date()
    current = selectors.fiscal_year_of(today)
    errors: dict[str, str] = {}
    if fiscal_year not in (current, current + 1):
        errors["fiscal_year"] = _("Ask for this fiscal year or the next.")
    if not room.bookable or frame.facility_id != room.facility_id:
        errors["frame"] = _("Choose a frame of this room's facility.")
    if not 0 <= weekday <= 6:
        errors["weekday"] = _("Choose a weekday.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the room is used for.")
    if attendees < 1:
        errors["attendees"] = _("At least one person attends.")
    elif room.capacity is not None and attendees > room.capacity:
        errors["attendees"] = _("This room holds at most %(capacity)s people.") % {"capacity": room.capacity}
    if errors:
        raise ValidationError(errors)
    if RegularSlot.objects.filter(group=group, fiscal_year=fiscal_year).exists():
        raise ValidationError(_("The group has already asked for a regular slot this fiscal year."))
    slot = RegularSlot.objects.create(
        group=group,
        fiscal_year=fiscal_year,
        room=room,
        frame=frame,
        weekday=weekday,
        purpose=purpose.strip()[:200],
        attendees=attendees,
        requested_by=user,
    )
    audit_log(action="venues.regular.requested", actor=user, target=slot, data={"on_behalf": on_behalf})
    return slot


@transaction.atomic
def regular_slot_review(
    *, actor: Actor, slot: RegularSlot, approve: bool, note: str = "", now: datetime | None = None
) -> RegularSlot:
    """Approve or reject a regular slot; an approved slot is placed at once in every month whose round
    has opened (or whose first come is open), and in later months when their rounds open."""
    staff = _require_facility(actor, slot.room.facility)
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the group why, so that it can apply again.")})
    locked = RegularSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if locked.status != RegularSlot.Status.PENDING:
        raise ValidationError(_("This request has already been reviewed."))
    if (
        approve
        and RegularSlot.objects.filter(
            status=RegularSlot.Status.APPROVED,
            fiscal_year=locked.fiscal_year,
            room=locked.room,
            weekday=locked.weekday,
            frame=locked.frame,
        ).exists()
    ):
        raise ValidationError(_("Another group already has this weekly frame this fiscal year."))
    locked.status = RegularSlot.Status.APPROVED if approve else RegularSlot.Status.REJECTED
    locked.reviewed_at = now or timezone.now()
    locked.reviewed_by = staff
    locked.review_note = note.strip()
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note", "updated_at"])
    placed = 0
    if approve:
        moment = timezone.localtime(now or timezone.now())
        month = moment.date().replace(day=1)
        last = selectors.month_shift(month, selectors.BOOKING_MONTHS_AHEAD)
        while month <= last:
            if month <= selectors.booking_horizon(moment) or selectors.round_of(slot.room.facility, month) is not None:
                placed += regular_slot_place(slot=locked, month=month, now=moment)
            month = selectors.month_shift(month, 1)
    audit_log(
        action="venues.regular.approved" if approve else "venues.regular.rejected",
        actor=staff,
        target=locked,
        data={"placed": placed},
    )
    _group_mail(
        locked.group,
        "regular_reviewed",
        {"slot": locked, "approved": approve, "placed": placed, "link": settings.SITE_URL + reverse("venues:groups")},
    )
    return locked


def regular_slot_place(*, slot: RegularSlot, month: date, now: datetime | None = None) -> int:
    """Book the slot's weekday frames in ``month`` within its fiscal year, where the facility is open
    and the frame free; returns how many were booked."""
    moment = now or timezone.now()
    start, end = selectors.fiscal_year_bounds(slot.fiscal_year)
    first, last = selectors.month_bounds(month.year, month.month)
    closed = selectors.closed_days(slot.room.facility, first, last)
    placed = 0
    for day in _month_days(month):
        if day.weekday() != slot.weekday or not start <= day <= end or day in closed:
            continue
        starts = selectors.at(day, slot.frame.starts_at)
        if starts <= moment:
            continue
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    room=slot.room,
                    day=day,
                    frame=slot.frame,
                    starts_at=starts,
                    ends_at=selectors.at(day, slot.frame.ends_at),
                    group=slot.group,
                    purpose=slot.purpose,
                    attendees=slot.attendees,
                    fee=slot.room.fee_per_frame,
                    amount_due=slot.room.fee_per_frame,
                    source=Booking.Source.REGULAR,
                    channel=Booking.Channel.ONLINE,
                    booked_by=slot.reviewed_by,
                )
        except IntegrityError:
            continue
        audit_log(
            action="venues.booking.created",
            actor=None,
            target=booking,
            data={"source": "regular", "slot": slot.pk, "group": slot.group_id},
        )
        placed += 1
    return placed


# --- following a room ------------------------------------------------------------------------------


@transaction.atomic
def room_follow(*, actor: Actor, group: UserGroup, room: Room, follow: bool = True) -> bool:
    """The group's owner asks to be told (or stops being told) when frames of ``room`` are released."""
    if actor is None or not is_group_owner(actor, group):
        raise PermissionDenied("venues.follow")
    if follow:
        if group.status != UserGroup.Status.APPROVED:
            raise ValidationError(_("Only a user group the city has approved can book rooms."))
        _follow, created = RoomFollow.objects.get_or_create(group=group, room=room)
        changed = created
    else:
        changed = RoomFollow.objects.filter(group=group, room=room).delete()[0] > 0
    if changed:
        audit_log(
            action="venues.room.followed" if follow else "venues.room.unfollowed",
            actor=actor,
            target=room,
            data={"group": group.pk},
        )
    return changed
