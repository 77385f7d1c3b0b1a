"""Writes for programme sessions holding rooms, through the same bookings (and the same unique frame
constraint) as the groups', so a programme and a group can never hold one frame."""

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.facilities.models import Room, TimeFrame
from manabiba.programs.models import Program
from manabiba.programs.permissions import can_manage_program
from manabiba.venues import selectors
from manabiba.venues.models import Booking
from manabiba.venues.programme_selectors import HOLDABLE, frames_for_session, programme_room_fee, session_on
from manabiba.venues.services import FrameUnavailableError

Actor = AbstractBaseUser | AnonymousUser | None

# A programme that is over or called off holds nothing new.
CLOSED_PROGRAMMES = frozenset({Program.Status.CANCELLED, Program.Status.FINISHED})


@transaction.atomic
def program_room_book(
    *, actor: Actor, program: Program, room: Room, day: date, frame: TimeFrame, system: bool = False
) -> Booking:
    """Hold one frame of a room for the programme's session on ``day``.

    Staff who run the programme and its organisers (``can_manage_program``) pick the frame; ``system``
    is for a service that has checked its own permission (the proposals app scheduling a lecture)."""
    if not system and (actor is None or not can_manage_program(actor, program)):
        raise PermissionDenied("venues.program_room")
    if program.status in CLOSED_PROGRAMMES:
        raise ValidationError(_("This programme is over or cancelled and cannot hold rooms."))
    if not room.bookable or frame.facility_id != room.facility_id:
        raise FrameUnavailableError(_("This frame cannot be booked. Please choose another."))
    if session_on(program, day, frame) is None:
        raise ValidationError(_("The programme has no session during this frame."))
    state = selectors.frame_state(room, day=day, frame=frame)
    if state == selectors.State.BOOKED:
        raise FrameUnavailableError(_("Someone has just booked this frame. Please choose another."))
    if state not in HOLDABLE:
        raise FrameUnavailableError(_("This frame cannot be booked. Please choose another."))
    attendees = program.capacity or 1
    if room.capacity is not None:
        attendees = min(attendees, room.capacity)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                room=room,
                day=day,
                frame=frame,
                starts_at=selectors.at(day, frame.starts_at),
                ends_at=selectors.at(day, frame.ends_at),
                program=program,
                purpose=program.title[:200],
                attendees=attendees,
                fee=room.fee_per_frame,
                amount_due=programme_room_fee(program, room),
                source=Booking.Source.PROGRAMME,
                channel=Booking.Channel.ONLINE,
                booked_by=actor if isinstance(actor, User) else None,
            )
    except IntegrityError as error:
        raise FrameUnavailableError(_("Someone has just booked this frame. Please choose another.")) from error
    audit_log(
        action="venues.booking.created",
        actor=actor,
        target=booking,
        data={"room": room.pk, "day": day.isoformat(), "frame": frame.pk, "program": program.pk},
    )
    return booking


@transaction.atomic
def program_rooms_hold(*, actor: Actor, program: Program, room: Room, system: bool = False) -> list[Booking]:
    """Hold ``room`` for every session of the programme: each frame of the room's facility that a
    session overlaps. All or nothing: if one frame is taken or closed, nothing is held and the error
    says which session."""
    held = []
    for session in program.sessions.order_by("starts_at"):
        frames = frames_for_session(session, room.facility)
        if not frames:
            raise ValidationError(
                _("%(room)s has no frame during the session on %(day)s.")
                % {"room": room, "day": session.local_date.isoformat()}
            )
        for frame in frames:
            try:
                held.append(
                    program_room_book(
                        actor=actor, program=program, room=room, day=session.local_date, frame=frame, system=system
                    )
                )
            except FrameUnavailableError as error:
                raise ValidationError(
                    _("%(room)s is not free for %(frame)s on %(day)s: %(reason)s")
                    % {"room": room, "frame": frame.label, "day": session.local_date.isoformat(), "reason": error}
                ) from error
    return held
