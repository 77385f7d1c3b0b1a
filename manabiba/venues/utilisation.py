"""Reads for the city's room-utilisation policy (rooms under 60% used are reviewed): how many of a
room's open frames were booked, per room, per frame and per month of a fiscal year.

A frame of a room on a day counts as *open* when the facility is open that day (not a closure, a
school event, the year-end, a holiday where it closes or a regular closed weekday), and as *used*
when a booking holds it (a group's or a programme's). Cancelled bookings do not count. Bookings
outlive the erasure of a group's contact details, so a past year's figures stay the same.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from manabiba.core.figures import MONTHS, FiscalYear
from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.venues.models import Booking
from manabiba.venues.selectors import closed_days

# The city's policy: a room used for less than this share of its open frames is reviewed.
TARGET_PERCENT = 60


def percent(used: int, open_frames: int) -> float | None:
    return round(used * 100 / open_frames, 1) if open_frames else None


@dataclass
class Use:
    open: int = 0
    used: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.used, self.open)

    @property
    def under_target(self) -> bool:
        return self.open > 0 and self.used * 100 < TARGET_PERCENT * self.open


@dataclass
class RoomUse(Use):
    room: Room | None = None
    frames: dict[str, Use] = field(default_factory=dict)


@dataclass
class Utilisation:
    """One period's figures: each room (with each frame name), each frame name, each month, in total."""

    first: date
    last: date
    rooms: list[RoomUse]
    frame_names: list[str]
    by_frame: dict[str, Use]
    by_month: dict[int, Use]
    total: Use


def _open_days(facility: Facility, first: date, last: date) -> list[date]:
    closed = closed_days(facility, first, last)
    days, day = [], first
    while day <= last:
        if day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def utilisation(facilities: list[Facility], first: date, last: date) -> Utilisation:
    """Figures for the bookable rooms of ``facilities`` from ``first`` to ``last``: one query for the
    rooms, one for the frames, one aggregate of the bookings, and the closed days per facility."""
    rooms = list(
        Room.objects.filter(facility__in=facilities, bookable=True)
        .select_related("facility")
        .order_by("facility__kind", "facility__kana", "facility__name", "name")
    )
    frames: dict[int, list[TimeFrame]] = defaultdict(list)
    for frame in TimeFrame.objects.filter(facility__in=facilities).order_by("starts_at"):
        frames[frame.facility_id].append(frame)
    open_days = {facility.pk: _open_days(facility, first, last) for facility in facilities}
    booked = (
        Booking.objects.filter(room__in=rooms, day__gte=first, day__lte=last, status=Booking.Status.BOOKED)
        .annotate(month=ExtractMonth("day"))
        .values_list("room_id", "frame_id", "month")
        .annotate(n=Count("pk"))
    )
    used: dict[tuple[int, int, int], int] = {(room, frame, month): n for room, frame, month, n in booked}
    frame_names: list[str] = []
    by_frame: dict[str, Use] = {}
    by_month: dict[int, Use] = {month: Use() for month in MONTHS}
    total = Use()
    result = []
    for room in rooms:
        row = RoomUse(room=room)
        days = open_days[room.facility_id]
        per_month: dict[int, int] = defaultdict(int)
        for day in days:
            per_month[day.month] += 1
        for frame in frames[room.facility_id]:
            if frame.name not in frame_names:
                frame_names.append(frame.name)
            frame_use = row.frames.setdefault(frame.name, Use())
            for month, count in per_month.items():
                held = used.get((room.pk, frame.pk, month), 0)
                for use in (frame_use, by_month.setdefault(month, Use()), by_frame.setdefault(frame.name, Use())):
                    use.open += count
                    use.used += held
                row.open += count
                row.used += held
        total.open += row.open
        total.used += row.used
        result.append(row)
    return Utilisation(first, last, result, frame_names, {n: by_frame[n] for n in frame_names}, by_month, total)


def utilisation_of_year(facilities: list[Facility], year: FiscalYear) -> Utilisation:
    return utilisation(facilities, year.first_day, year.after_last_day - timedelta(days=1))
