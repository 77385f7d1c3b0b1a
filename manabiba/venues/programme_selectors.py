"""Reads for programme sessions holding rooms: which frames a session holds, and which it could."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.facilities.selectors import facility_frames
from manabiba.programs.models import Organizer, Program, ProgramSession
from manabiba.venues.models import Booking
from manabiba.venues.selectors import State, _held, _now, _state, closed_days

# A programme plans ahead of the groups: it may hold a frame before first come opens for that day
# (受付前) or while the month's lottery takes entries (the draw skips frames held before it, as it
# skips regular weekly slots), never one that is closed, booked or over.
HOLDABLE = frozenset({State.FREE, State.NOT_OPEN, State.LOTTERY})


# A community group's programme, or a citizen lecturer's own, pays the room's fee per frame, as the
# group would booking the frame itself. The city's programmes (主催事業: departments, the centre,
# schools) and the lectures it commissions from citizens' proposals (市民企画講座) hold rooms free.
# "Other" organisers stay free too: the open-data import files the city's own 公民館, centres and
# offices under that kind beside outside organisations, so the kind cannot tell who should pay.
PAYING_ORGANISERS = frozenset({Organizer.Kind.GROUP, Organizer.Kind.CITIZEN})


def programme_pays_rooms(program: Program) -> bool:
    """Whether the programme's frames cost the room's fee (``False``: the city's own programme)."""
    return program.organizer.kind in PAYING_ORGANISERS and not program.citizen_proposal


def programme_room_fee(program: Program, room: Room) -> int:
    """What one frame of ``room`` costs the programme, in yen."""
    return room.fee_per_frame if programme_pays_rooms(program) else 0


def _local(moment: datetime) -> time:
    return timezone.localtime(moment).time()


def frame_overlaps(frame: TimeFrame, session: ProgramSession) -> bool:
    """Whether ``frame`` covers part of the session (a session whose time is not known: every frame)."""
    if not session.start_time_known:
        return True
    starts = _local(session.starts_at)
    ends = _local(session.ends_at) if session.end_time_known and session.ends_at is not None else starts
    if ends <= starts:
        return frame.starts_at <= starts < frame.ends_at
    return frame.starts_at < ends and frame.ends_at > starts


@dataclass(frozen=True)
class Option:
    room: Room
    frame: TimeFrame


@dataclass
class SessionRooms:
    session: ProgramSession
    held: list[Booking] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)


def program_bookings(program: Program) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(program=program, status=Booking.Status.BOOKED)
        .select_related("room__facility", "frame")
        .order_by("starts_at", "room")
    )


def program_session_rooms(
    program: Program, facility: Facility | None, *, now: datetime | None = None
) -> tuple[list[SessionRooms], list[Booking]]:
    """Each session with the frames it holds and, at ``facility``, the free frames of bookable rooms
    that overlap it; and the programme's bookings that no session falls on any more (its dates were
    changed), for the organiser to release."""
    moment = _now(now)
    bookings = list(program_bookings(program))
    sessions = list(program.sessions.order_by("starts_at"))
    rooms = list(Room.objects.filter(facility=facility, bookable=True).order_by("name")) if facility else []
    frames = facility_frames(facility) if facility else []
    days = [session.local_date for session in sessions]
    held = _held(rooms, min(days), max(days)) if rooms and days else {}
    closed = closed_days(facility, min(days), max(days)) if facility and days else {}
    result = []
    used: set[int] = set()
    for session in sessions:
        row = SessionRooms(session)
        for booking in bookings:
            if booking.day == session.local_date and frame_overlaps(booking.frame, session):
                row.held.append(booking)
                used.add(booking.pk)
        if session.starts_at > moment:
            for room in rooms:
                for frame in frames:
                    if not frame_overlaps(frame, session):
                        continue
                    state, _note = _state(
                        day=session.local_date, frame=frame, closed=closed, held=held[room.pk], now=moment
                    )
                    if state in HOLDABLE:
                        row.options.append(Option(room, frame))
        result.append(row)
    return result, [booking for booking in bookings if booking.pk not in used]


def session_on(program: Program, day: date, frame: TimeFrame) -> ProgramSession | None:
    """The programme's session on ``day`` that ``frame`` overlaps, if any."""
    for session in program.sessions.filter(local_date=day).order_by("starts_at"):
        if frame_overlaps(frame, session):
            return session
    return None


def frames_for_session(session: ProgramSession, facility: Facility) -> list[TimeFrame]:
    return [frame for frame in facility_frames(facility) if frame_overlaps(frame, session)]
