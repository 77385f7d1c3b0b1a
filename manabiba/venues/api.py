"""Room booking API: the bookable facilities and rooms, and a room's frames for one month.

Both are public: they say whether a frame is free, never who holds it.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.core.api_body import BodyIn, Id
from manabiba.core.api_errors import ErrorOut, api_error, api_invalid
from manabiba.core.dates import month_from_text, require_month
from manabiba.facilities.models import FeeExemption, Room, TimeFrame
from manabiba.facilities.selectors import facilities_with_bookable_rooms, facility_frames
from manabiba.venues import selectors, services
from manabiba.venues.models import Booking, UserGroup

router = Router(tags=["venues"])


class FrameOut(Schema):
    id: int
    name: str
    starts: str = Field(description="HH:MM, local time")
    ends: str


class RoomOut(Schema):
    id: int
    name: str
    capacity: int | None
    fee_per_frame: int = Field(description="Yen, before any exemption.")
    equipment: list[str] = Field(description="projector, kitchen, piano, tatami")
    step_free: bool
    accessibility: str


class ExemptionOut(Schema):
    name: str
    percent: int


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    phone: str
    frames: list[FrameOut]
    rooms: list[RoomOut]
    exemptions: list[ExemptionOut]


class AvailabilityQuery(Schema):
    month: Annotated[str, AfterValidator(require_month)] = Field("", description="YYYY-MM; this month when empty.")


class CellOut(Schema):
    frame: int
    starts_at: datetime
    ends_at: datetime
    state: str = Field(
        description="free, booked, lottery, held (just cancelled: released after the hold-off), closed, over, not_open"
    )
    label: str = Field(description="The state in words, in the caller's language.")
    note: str = Field(description="Why the facility is closed, when it is.")


class VacancyDayOut(Schema):
    date: date
    frames: list[CellOut]


class AvailabilityOut(Schema):
    room: int
    facility: int
    month: str
    days: list[VacancyDayOut]


_EQUIPMENT = [
    ("projector", "has_projector"),
    ("kitchen", "has_kitchen"),
    ("piano", "has_piano"),
    ("tatami", "is_tatami"),
]


def _frame(frame: TimeFrame) -> FrameOut:
    return FrameOut(id=frame.pk, name=frame.name, starts=f"{frame.starts_at:%H:%M}", ends=f"{frame.ends_at:%H:%M}")


def _room(room: Room) -> RoomOut:
    return RoomOut(
        id=room.pk,
        name=room.name,
        capacity=room.capacity,
        fee_per_frame=room.fee_per_frame,
        equipment=[key for key, field in _EQUIPMENT if getattr(room, field)],
        step_free=room.step_free,
        accessibility=room.accessibility,
    )


@router.get("/facilities", response=list[FacilityOut], auth=None, summary="Facilities with rooms that can be booked")
def facilities(request: HttpRequest) -> list[FacilityOut]:
    return [
        FacilityOut(
            id=facility.pk,
            name=facility.name,
            kind=facility.kind,
            address=facility.address,
            phone=facility.phone,
            frames=[_frame(frame) for frame in facility_frames(facility)],
            rooms=[_room(room) for room in facility.rooms.all() if room.bookable],
            exemptions=[ExemptionOut(name=row.name, percent=row.percent) for row in facility.exemptions.all()],
        )
        for facility in facilities_with_bookable_rooms()
    ]


@router.get(
    "/rooms/{room_id}/availability",
    response={200: AvailabilityOut, 404: ErrorOut},
    auth=None,
    summary="A room's frames for one month",
)
def room_availability(request: HttpRequest, room_id: int, filters: Query[AvailabilityQuery]) -> Status[Any]:
    room = selectors.room_get(room_id)
    if room is None:
        return Status(404, {"detail": _("There is no room with this number that can be booked.")})
    first = month_from_text(filters.month) or timezone.localdate().replace(day=1)
    rows = selectors.room_month(room, year=first.year, month=first.month)
    return Status(
        200,
        AvailabilityOut(
            room=room.pk,
            facility=room.facility_id,
            month=f"{first:%Y-%m}",
            days=[
                VacancyDayOut(
                    date=row.day,
                    frames=[
                        CellOut(
                            frame=cell.frame.pk,
                            starts_at=selectors.at(row.day, cell.frame.starts_at),
                            ends_at=selectors.at(row.day, cell.frame.ends_at),
                            state=cell.state,
                            label=cell.label,
                            note=cell.note,
                        )
                        for cell in row.cells
                    ],
                )
                for row in rows
            ],
        ),
    )


# --- booking with a group's token --------------------------------------------------------------------
# The same services and limits as the web pages; the token's owner acts for the groups they registered.


class VenueBookingOut(Schema):
    id: int
    group: int | None = Field(description="The user group holding the frame (empty for a programme's session).")
    room: int
    facility: int
    date: date
    frame: int
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="booked or cancelled")
    source: str = Field(description="first_come, lottery or regular")
    channel: str
    purpose: str
    attendees: int
    amount_due: int = Field(description="Yen, after any exemption.")
    confirm_by: datetime | None = Field(description="A lottery win not confirmed by then lapses.")
    confirmed: bool
    cancel_reason: str = Field(description="group, lapsed, suspended or erased; empty while booked")
    cancelled_late: bool


class VenueBookingIn(BodyIn):
    group: Id
    room: Id
    date: date
    frame: Id
    purpose: str = Field(max_length=200)
    attendees: int = Field(ge=1, le=10000)
    exemption: Id | None = None


class VenueWishIn(BodyIn):
    room: Id
    date: date
    frame: Id


class VenueEntryIn(BodyIn):
    group: Id
    purpose: str = Field(max_length=200)
    attendees: int = Field(ge=1, le=10000)
    wishes: list[VenueWishIn] = Field(description="Ranked: the first is the group's first choice.", max_length=20)


class VenueEntryOut(Schema):
    id: int
    round: int
    group: int
    wishes: list[str] = Field(description="room:date:frame, in the order of preference")
    entries_close_at: datetime


class VenueRoundOut(Schema):
    id: int
    facility: int
    month: str
    status: str = Field(description="open (taking entries until closes_at) or drawn")
    opens_at: datetime
    closes_at: datetime
    confirm_by: datetime
    first_come_at: datetime
    max_wishes: int
    max_frames: int
    seed: str = Field(description="Published once drawn: `manabiba lottery_verify --kind rooms <id>`.")


def _venue_booking(booking: Booking) -> VenueBookingOut:
    return VenueBookingOut(
        id=booking.pk,
        group=booking.group_id,
        room=booking.room_id,
        facility=booking.room.facility_id,
        date=booking.day,
        frame=booking.frame_id,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        status=booking.status,
        source=booking.source,
        channel=booking.channel,
        purpose=booking.purpose,
        attendees=booking.attendees,
        amount_due=booking.amount_due,
        confirm_by=booking.confirm_by,
        confirmed=booking.confirmed_at is not None,
        cancel_reason=booking.cancel_reason,
        cancelled_late=booking.cancelled_late,
    )


def _api_user(request: HttpRequest) -> User:
    user = request.user  # set by token_auth
    assert isinstance(user, User)
    return user


def _own_group(user: User, group_id: int) -> UserGroup | None:
    return selectors.groups_of(user).filter(pk=group_id).first()


@router.get(
    "/venues/bookings",
    response=list[VenueBookingOut],
    auth=token_auth,
    summary="My groups' room bookings still to come",
)
def venue_bookings(request: HttpRequest) -> list[VenueBookingOut]:
    return [_venue_booking(b) for b in selectors.bookings_of(_api_user(request))]


@router.post(
    "/venues/bookings",
    response={201: VenueBookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_auth,
    summary="Book a free frame for one of my groups (first come)",
    description=(
        "201: booked. 403: not a group of the token's owner. 404: no such bookable room or frame. "
        "409: the frame is not free (booked, held back after a cancellation, in its lottery, closed, over), "
        "or the group cancelled it for that date. 422: the body, the group's rights (approval, suspension) "
        "or a limit (capacity, frames held)."
    ),
)
def venue_booking_create(request: HttpRequest, payload: VenueBookingIn) -> Status[Any]:
    user = _api_user(request)
    group = _own_group(user, payload.group)
    if group is None:
        return api_error(403, _("Choose one of your own groups."))
    room = selectors.room_get(payload.room)
    frame = TimeFrame.objects.filter(pk=payload.frame, facility_id=room.facility_id).first() if room else None
    if room is None or frame is None:
        return api_error(404, _("No such room or frame."))
    exemption = None
    if payload.exemption is not None:
        exemption = FeeExemption.objects.filter(pk=payload.exemption, facility_id=room.facility_id).first()
        if exemption is None:
            return api_invalid(ValidationError({"exemption": _("Choose an exemption of this facility.")}))
    try:
        booking = services.booking_create(
            actor=user,
            group=group,
            room=room,
            day=payload.date,
            frame=frame,
            purpose=payload.purpose,
            attendees=payload.attendees,
            exemption=exemption,
        )
    except services.FrameUnavailableError as error:
        return api_error(409, str(error))
    except ValidationError as error:
        return api_invalid(error)
    return Status(201, _venue_booking(booking))


@router.post(
    "/venues/bookings/{booking_id}/cancel",
    response={200: VenueBookingOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_auth,
    summary="Cancel one of my groups' bookings",
    description=(
        "200: cancelled (or already cancelled). 404: no such booking of the token owner's groups. "
        "422: the frame has started. A late cancellation gives a penalty point, as on the web."
    ),
)
def venue_booking_cancel(request: HttpRequest, booking_id: Id) -> Status[Any]:
    user = _api_user(request)
    booking = selectors.booking_get(booking_id)
    if booking is None or booking.group is None or booking.group.owner_id != user.pk:
        return api_error(404, _("No such booking."))
    try:
        booking = services.booking_cancel(actor=user, booking=booking)
    except ValidationError as error:
        return api_invalid(error)
    return Status(200, _venue_booking(booking))


@router.get("/venues/rounds", response=list[VenueRoundOut], auth=token_auth, summary="Monthly lottery rounds")
def venue_rounds(request: HttpRequest) -> list[VenueRoundOut]:
    return [
        VenueRoundOut(
            id=r.pk,
            facility=r.facility_id,
            month=f"{r.month:%Y-%m}",
            status=r.status,
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            confirm_by=r.confirm_by,
            first_come_at=r.first_come_at,
            max_wishes=r.max_wishes,
            max_frames=r.max_frames,
            seed=r.seed,
        )
        for r in selectors.rounds_recent().order_by("month", "facility__name")
    ]


@router.post(
    "/venues/rounds/{round_id}/entries",
    response={201: VenueEntryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_auth,
    summary="Enter (or change) one of my groups' ranked wishes in a lottery round",
    description=(
        "201: the entry as saved (a second call replaces the wishes). 403: not a group of the token's owner. "
        "404: no such round, or a wish names a room or frame that does not exist. 422: the round is not "
        "taking entries, too many wishes, a wish outside the round, or the group's rights."
    ),
)
def venue_round_enter(request: HttpRequest, round_id: Id, payload: VenueEntryIn) -> Status[Any]:
    user = _api_user(request)
    round_ = selectors.round_get(round_id)
    if round_ is None:
        return api_error(404, _("No such lottery round."))
    group = _own_group(user, payload.group)
    if group is None:
        return api_error(403, _("Choose one of your own groups."))
    wishes = []
    for wish in payload.wishes:
        room = Room.objects.filter(pk=wish.room, facility_id=round_.facility_id).select_related("facility").first()
        frame = TimeFrame.objects.filter(pk=wish.frame, facility_id=round_.facility_id).first()
        if room is None or frame is None:
            return api_error(404, _("No such room or frame."))
        wishes.append(services.WishIn(room=room, day=wish.date, frame=frame))
    try:
        entry = services.lottery_enter(
            actor=user,
            round_=round_,
            group=group,
            wishes=wishes,
            purpose=payload.purpose,
            attendees=payload.attendees,
        )
    except ValidationError as error:
        return api_invalid(error)
    return Status(
        201,
        VenueEntryOut(
            id=entry.pk,
            round=round_.pk,
            group=group.pk,
            wishes=[w.item for w in entry.wishes.all()],
            entries_close_at=round_.closes_at,
        ),
    )
