"""Reads of the desk's calendar: when it is open, who is on shift, which slots are free.

Opening hours are decided per date in this order: a special day wins; otherwise the year-end
closure (29 December to 3 January) and national holidays close the desk; otherwise the regular
week applies. Every time is local (Asia/Tokyo); a range never crosses midnight.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.core.holidays import holiday_name, is_year_end_closure
from manabiba.desk.models import Appointment, DeskContact, Shift, SpecialDay, WeeklyHours

SLOT_MINUTES = 30
BOOKING_DAYS_AHEAD = 60
# How far ahead "opens next at" looks; a longer closure says only "closed".
STATUS_LOOKAHEAD_DAYS = 45
# A day's openings are kept a little longer than the day they start from (the key names the day).
OPENINGS_CACHE_SECONDS = 26 * 60 * 60
VERSION_KEY = "desk:hours:version"


class Reason:
    REGULAR = "regular"
    HOLIDAY = "holiday"
    YEAR_END = "year_end"
    SPECIAL = "special"


@dataclass(frozen=True)
class DayHours:
    day: date
    ranges: tuple[tuple[time, time], ...]
    reason: str = Reason.REGULAR
    holiday: str = ""
    note: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.ranges)

    @property
    def is_saturday(self) -> bool:
        return self.day.weekday() == 5

    @property
    def is_sunday_or_holiday(self) -> bool:
        return self.day.weekday() == 6 or bool(self.holiday)


@dataclass(frozen=True)
class DeskStatus:
    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "is_open": self.is_open,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DeskStatus":
        def parse(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(is_open=data["is_open"], closes_at=parse(data["closes_at"]), opens_at=parse(data["opens_at"]))


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


@dataclass(frozen=True)
class Gap:
    starts_at: datetime
    ends_at: datetime


@dataclass
class RosterDay:
    day: date
    hours: DayHours
    shifts: list[Shift] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=local_zone())


def hours_version() -> str:
    """Changes whenever the hours or special days change, so cached statuses are dropped at once."""
    return str(cache.get(VERSION_KEY, "0"))


def hours_version_bump() -> None:
    """Call after a change to the hours commits: every cached status and desk page is dropped."""
    cache.set(VERSION_KEY, str(timezone.now().timestamp()), None)


def desk_hours_between(first: date, last: date) -> list[DayHours]:
    """The hours of every date from ``first`` to ``last`` inclusive, in two queries."""
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in WeeklyHours.objects.order_by("weekday", "opens_at"):
        weekly[row.weekday].append((row.opens_at, row.closes_at))
    special = {row.day: row for row in SpecialDay.objects.filter(day__gte=first, day__lte=last)}
    days = []
    day = first
    while day <= last:
        holiday = holiday_name(day) or ""
        override = special.get(day)
        if override is not None:
            ranges: tuple[tuple[time, time], ...] = ()
            if not override.is_closed and override.opens_at and override.closes_at:
                ranges = ((override.opens_at, override.closes_at),)
            days.append(DayHours(day, ranges, Reason.SPECIAL, holiday, override.note))
        elif is_year_end_closure(day):
            days.append(DayHours(day, (), Reason.YEAR_END, holiday))
        elif holiday:
            days.append(DayHours(day, (), Reason.HOLIDAY, holiday))
        else:
            days.append(DayHours(day, tuple(weekly.get(day.weekday(), ())), Reason.REGULAR))
        day += timedelta(days=1)
    return days


def desk_hours_for_day(day: date) -> DayHours:
    return desk_hours_between(day, day)[0]


def desk_hours_for_month(year: int, month: int) -> list[DayHours]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return desk_hours_between(first, following - timedelta(days=1))


def _openings(today: date) -> list[tuple[datetime, datetime]]:
    """When the desk is open from ``today`` to the end of the look-ahead, in order (two queries)."""
    days = desk_hours_between(today, today + timedelta(days=STATUS_LOOKAHEAD_DAYS))
    return sorted((at(d.day, start), at(d.day, end)) for d in days for start, end in d.ranges)


def _status_at(openings: list[tuple[datetime, datetime]], now: datetime) -> DeskStatus:
    for index, (start, end) in enumerate(openings):
        if start <= now < end:
            # Ranges that touch (12:00 closes, 12:00 opens) are one opening.
            closes = end
            for next_start, next_end in openings[index + 1 :]:
                if next_start > closes:
                    break
                closes = max(closes, next_end)
            return DeskStatus(is_open=True, closes_at=closes)
        if start > now:
            return DeskStatus(is_open=False, opens_at=start)
    return DeskStatus(is_open=False)


def desk_status(now: datetime) -> DeskStatus:
    """Open now (and until when), or when it opens next."""
    return _status_at(_openings(timezone.localtime(now, local_zone()).date()), now)


def desk_status_cached(now: datetime | None = None) -> DeskStatus:
    """``desk_status`` at the current minute, from the openings of today and the days after it, read
    once a day (and again after a change of the hours) and shared by every page and every server: the
    status of a new minute costs no query."""
    now = now or timezone.now()
    today = timezone.localtime(now, local_zone()).date()
    key = f"desk:openings:{hours_version()}:{today:%Y%m%d}"
    stored: list[tuple[str, str]] | None = cache.get(key)
    if stored is None:
        openings = _openings(today)
        cache.set(key, [(start.isoformat(), end.isoformat()) for start, end in openings], OPENINGS_CACHE_SECONDS)
    else:
        openings = [(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in stored]
    return _status_at(openings, now.replace(second=0, microsecond=0))


# --- roster ----------------------------------------------------------------------------------------


def desk_staff_choices() -> QuerySet[User]:
    """People who may be put on the roster: desk staff and the coordinators."""
    return (
        User.objects.filter(is_active=True, anonymised_at=None, role_grants__role__in=["desk_staff", "coordinator"])
        .distinct()
        .order_by("full_name_kana", "full_name", "pk")
    )


def shifts_between(start: datetime, end: datetime) -> QuerySet[Shift]:
    return Shift.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related("person").order_by("starts_at")


def _subtract(interval: tuple[datetime, datetime], covered: list[tuple[datetime, datetime]]) -> list[Gap]:
    start, end = interval
    gaps = []
    cursor = start
    for cover_start, cover_end in sorted(covered):
        if cover_end <= cursor or cover_start >= end:
            continue
        if cover_start > cursor:
            gaps.append(Gap(cursor, min(cover_start, end)))
        cursor = max(cursor, cover_end)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append(Gap(cursor, end))
    return gaps


def roster_for(first: date, days: int) -> list[RosterDay]:
    """Each date's hours, its shifts, and the open hours nobody covers (the gaps)."""
    last = first + timedelta(days=days - 1)
    hours = desk_hours_between(first, last)
    shifts = list(shifts_between(at(first, time.min), at(last + timedelta(days=1), time.min)))
    result = []
    for day_hours in hours:
        day_start, day_end = at(day_hours.day, time.min), at(day_hours.day + timedelta(days=1), time.min)
        todays = [s for s in shifts if s.starts_at < day_end and s.ends_at > day_start]
        covered = [(s.starts_at, s.ends_at) for s in todays]
        gaps = [
            gap
            for start, end in day_hours.ranges
            for gap in _subtract((at(day_hours.day, start), at(day_hours.day, end)), covered)
        ]
        result.append(RosterDay(day_hours.day, day_hours, todays, gaps))
    return result


def roster_gaps(first: date, days: int) -> list[Gap]:
    return [gap for roster_day in roster_for(first, days) for gap in roster_day.gaps]


# --- appointments ----------------------------------------------------------------------------------


def _cap_by_roster() -> bool:
    return settings.DESK_CAP_APPOINTMENTS_BY_ROSTER


def _seats_per_slot() -> int:
    return max(1, settings.DESK_APPOINTMENTS_PER_SLOT)


def slot_capacity(starts_at: datetime, ends_at: datetime) -> int:
    """How many appointments one slot takes: the counters (``DESK_APPOINTMENTS_PER_SLOT``, 1 by default),
    and, with ``DESK_CAP_APPOINTMENTS_BY_ROSTER``, no more than the staff on shift for the whole slot."""
    if not _cap_by_roster():
        return _seats_per_slot()
    on_shift = (
        Shift.objects.filter(starts_at__lte=starts_at, ends_at__gte=ends_at).values("person_id").distinct().count()
    )
    return min(on_shift, _seats_per_slot())


def _slot_times(day_hours: DayHours) -> list[tuple[datetime, datetime]]:
    step = timedelta(minutes=SLOT_MINUTES)
    times = []
    for opens, closes in day_hours.ranges:
        start, end = at(day_hours.day, opens), at(day_hours.day, closes)
        while start + step <= end:
            times.append((start, start + step))
            start += step
    return times


def bookable_window(now: datetime) -> tuple[date, date]:
    today = timezone.localtime(now, local_zone()).date()
    return today, today + timedelta(days=BOOKING_DAYS_AHEAD)


def slots_for_day(day: date, *, now: datetime | None = None) -> list[Slot]:
    """Every slot of ``day`` still ahead, with how many places it has and how many are taken."""
    now = now or timezone.now()
    first, last = bookable_window(now)
    if not first <= day <= last:
        return []
    times = [(s, e) for s, e in _slot_times(desk_hours_for_day(day)) if s > now]
    if not times:
        return []
    booked: dict[datetime, int] = defaultdict(int)
    for starts_at in Appointment.objects.filter(
        status=Appointment.Status.BOOKED, starts_at__gte=times[0][0], starts_at__lte=times[-1][0]
    ).values_list("starts_at", flat=True):
        booked[starts_at] += 1
    if _cap_by_roster():
        shifts = list(shifts_between(times[0][0], times[-1][1]).values_list("person_id", "starts_at", "ends_at"))
        capacities = [
            min(_seats_per_slot(), len({person for person, s, e in shifts if s <= start and e >= end}))
            for start, end in times
        ]
    else:
        capacities = [_seats_per_slot()] * len(times)
    return [Slot(start, end, capacity, booked[start]) for (start, end), capacity in zip(times, capacities, strict=True)]


def free_slots_for_day(day: date, *, now: datetime | None = None) -> list[Slot]:
    return [slot for slot in slots_for_day(day, now=now) if slot.free > 0]


def slot_for(starts_at: datetime, *, now: datetime | None = None) -> Slot | None:
    """The slot starting at ``starts_at`` if it is a real, future, bookable slot."""
    day = timezone.localtime(starts_at, local_zone()).date()
    return next((slot for slot in slots_for_day(day, now=now) if slot.starts_at == starts_at), None)


def bookable_days(*, now: datetime | None = None, limit: int = 21) -> list[tuple[DayHours, int]]:
    """The next open days with how many free places each still has (a day full up is listed with 0)."""
    now = now or timezone.now()
    first, last = bookable_window(now)
    days = []
    for day_hours in desk_hours_between(first, last):
        if not day_hours.is_open:
            continue
        slots = slots_for_day(day_hours.day, now=now)
        if not slots:
            continue
        days.append((day_hours, sum(slot.free for slot in slots)))
        if len(days) >= limit:
            break
    return days


def appointments_of(user: User, *, now: datetime | None = None) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return Appointment.objects.filter(resident=user, status=Appointment.Status.BOOKED, ends_at__gt=now).order_by(
        "starts_at"
    )


def appointments_export(user: User) -> list[dict[str, Any]]:
    """The person's desk appointments, past, coming and cancelled, as booked, for their download."""
    fields = (
        "starts_at",
        "ends_at",
        "topic",
        "note",
        "name",
        "phone",
        "email",
        "language",
        "channel",
        "status",
        "created_at",
        "cancelled_at",
    )
    return personal_rows(Appointment.objects.filter(resident=user).order_by("starts_at", "pk"), fields)


def appointments_between(first: date, last: date, *, include_cancelled: bool = False) -> QuerySet[Appointment]:
    rows = Appointment.objects.filter(
        starts_at__gte=at(first, time.min), starts_at__lt=at(last + timedelta(days=1), time.min)
    ).select_related("resident", "booked_by")
    if not include_cancelled:
        rows = rows.filter(status=Appointment.Status.BOOKED)
    return rows.order_by("starts_at", "seat")


def appointments_due_reminder(*, now: datetime) -> QuerySet[Appointment]:
    """Booked appointments tomorrow (local date) whose reminder has not gone out."""
    tomorrow = timezone.localtime(now, local_zone()).date() + timedelta(days=1)
    return Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gte=at(tomorrow, time.min),
        starts_at__lt=at(tomorrow + timedelta(days=1), time.min),
    ).order_by("starts_at")


CONTACT_FIELDS = ("name", "phone", "phone_note", "address", "map_url", "access")


def desk_contact() -> DeskContact:
    """The desk's name, phone, address, map link and directions (set by staff), cached with the hours'
    version for every page's footer. Before any are loaded, the default names the place only."""
    key = f"desk:contact:{hours_version()}"
    data: dict[str, str] | None = cache.get(key)
    if data is None:
        row = DeskContact.objects.order_by("pk").first()
        data = {name: getattr(row, name) for name in CONTACT_FIELDS} if row else {}
        cache.set(key, data, 60 * 60)
    contact = DeskContact(**data)
    if not contact.name:
        contact.name = settings.DESK_LOCATION or gettext(
            "One-stop lifelong-learning desk, Citizen Collaboration Promotion Center “Yumecolab”"
        )
    return contact


def desk_map_url(contact: DeskContact) -> str:
    """The map link staff set, or an OpenStreetMap search for the address (a plain link, no script)."""
    if contact.map_url:
        return contact.map_url
    if contact.address:
        return "https://www.openstreetmap.org/search?" + urlencode({"query": contact.address})
    return ""


def desk_location() -> str:
    """Where the desk is, in one line for mail and pages: its name and, once staff set it, the address."""
    contact = desk_contact()
    return f"{contact.name} {contact.address}".strip()


def next_open_weekday(today: date, weekday: int) -> date | None:
    """The first ``weekday`` (5 = Saturday) from ``today`` on which the desk is open, within the booking window."""
    first = today + timedelta(days=(weekday - today.weekday()) % 7)
    for day_hours in desk_hours_between(first, today + timedelta(days=BOOKING_DAYS_AHEAD)):
        if day_hours.day.weekday() == weekday and day_hours.is_open:
            return day_hours.day
    return None
