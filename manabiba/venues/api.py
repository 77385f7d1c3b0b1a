"""Room booking API: the bookable facilities and rooms, and a room's frames for one month.

Both are public: they say whether a frame is free, never who holds it.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from manabiba.core.dates import month_from_text, require_month
from manabiba.facilities.models import Room, TimeFrame
from manabiba.facilities.selectors import facilities_with_bookable_rooms, facility_frames
from manabiba.venues import selectors

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


class ErrorOut(Schema):
    detail: str


class CellOut(Schema):
    frame: int
    starts_at: datetime
    ends_at: datetime
    state: str = Field(description="free, booked, lottery, closed, over or not_open")
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
