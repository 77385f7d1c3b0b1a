"""One-stop desk API: the month's hours, whether it is open now, and the free appointment slots.

All three are public: they say nothing about who booked what.
"""

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator

from manabiba.core.dates import month_from_text, require_day_in_range, require_month
from manabiba.desk import selectors

router = Router(tags=["desk"])


class HoursQuery(Schema):
    month: Annotated[str, AfterValidator(require_month)] = Field("", description="YYYY-MM; this month when empty.")


class RangeOut(Schema):
    opens: str
    closes: str


class DayOut(Schema):
    date: date
    open: bool
    hours: list[RangeOut]
    reason: str = Field(description="regular, holiday, year_end or special")
    holiday: str = Field(description="The national holiday's Japanese name, or empty.")
    note: str


class HoursOut(Schema):
    month: str
    days: list[DayOut]


class StatusOut(Schema):
    open: bool
    closes_at: datetime | None
    opens_at: datetime | None


class SlotsQuery(Schema):
    date: Annotated[date, AfterValidator(require_day_in_range)]


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    free: int


class SlotsOut(Schema):
    date: date
    open: bool
    slots: list[SlotOut]


def _day(day: selectors.DayHours) -> DayOut:
    return DayOut(
        date=day.day,
        open=day.is_open,
        hours=[RangeOut(opens=f"{start:%H:%M}", closes=f"{end:%H:%M}") for start, end in day.ranges],
        reason=day.reason,
        holiday=day.holiday,
        note=day.note,
    )


@router.get("/desk/hours", response=HoursOut, auth=None, summary="The desk's opening hours for one month")
def desk_hours(request: HttpRequest, filters: Query[HoursQuery]) -> HoursOut:
    first = month_from_text(filters.month) or timezone.localdate().replace(day=1)
    year, month = first.year, first.month
    days = selectors.desk_hours_for_month(year, month)
    return HoursOut(month=f"{year:04d}-{month:02d}", days=[_day(day) for day in days])


@router.get("/desk/status", response=StatusOut, auth=None, summary="Whether the desk is open now")
def desk_status(request: HttpRequest) -> StatusOut:
    status = selectors.desk_status_cached()
    return StatusOut(open=status.is_open, closes_at=status.closes_at, opens_at=status.opens_at)


@router.get("/desk/slots", response=SlotsOut, auth=None, summary="Free appointment slots on one day")
def desk_slots(request: HttpRequest, filters: Query[SlotsQuery]) -> SlotsOut:
    day_hours = selectors.desk_hours_for_day(filters.date)
    slots = selectors.free_slots_for_day(filters.date)
    return SlotsOut(
        date=filters.date,
        open=day_hours.is_open,
        slots=[SlotOut(starts_at=slot.starts_at, ends_at=slot.ends_at, free=slot.free) for slot in slots],
    )
