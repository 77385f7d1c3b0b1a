"""Reads of room booking: the vacancy of each frame, user groups and their possible duplicates.

A frame of a room on a day is in one state: free (空き), booked (予約済), in a lottery (抽選受付中,
for the monthly round still to come), closed (休館), over (受付終了: its start has passed) or not
yet open (受付前: beyond the first-come horizon). Every time is local (Asia/Tokyo).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email
from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.facilities.selectors import facility_closed_days, facility_frames
from manabiba.venues.models import Booking, SchoolBlock, UserGroup

# First come runs up to the end of the month after next (in December: to the end of February).
BOOKING_MONTHS_AHEAD = 2


class State:
    FREE = "free"
    BOOKED = "booked"
    LOTTERY = "lottery"
    CLOSED = "closed"
    OVER = "over"
    NOT_OPEN = "not_open"


# The order of the legend; the symbols are the ones residents know from paper timetables.
STATES = [State.FREE, State.BOOKED, State.LOTTERY, State.CLOSED, State.OVER, State.NOT_OPEN]
SYMBOLS = {
    State.FREE: "○",
    State.BOOKED: "×",
    State.LOTTERY: "△",
    State.CLOSED: "休",
    State.OVER: "－",
    State.NOT_OPEN: "・",
}


def state_label(state: str) -> str:
    labels = {
        State.FREE: pgettext("frame state", "Free"),
        State.BOOKED: pgettext("frame state", "Booked"),
        State.LOTTERY: pgettext("frame state", "Lottery open"),
        State.CLOSED: pgettext("frame state", "Closed"),
        State.OVER: pgettext("frame state", "Over"),
        State.NOT_OPEN: pgettext("frame state", "Not yet open"),
    }
    return labels[state]


def state_explanation(state: str) -> str:
    explanations = {
        State.FREE: gettext("Can be booked now by a registered user group."),
        State.BOOKED: gettext("Another booking holds this frame."),
        State.LOTTERY: gettext("Applications for the monthly lottery are open for this frame."),
        State.CLOSED: gettext("The facility is closed on this day."),
        State.OVER: gettext("This frame has started or is over."),
        State.NOT_OPEN: gettext("First-come booking for this day has not opened yet."),
    }
    return explanations[state]


@dataclass(frozen=True)
class LegendEntry:
    state: str
    symbol: str
    label: str
    explanation: str


def legend() -> list[LegendEntry]:
    return [LegendEntry(s, SYMBOLS[s], state_label(s), state_explanation(s)) for s in STATES]


@dataclass(frozen=True)
class Cell:
    room: Room
    day: date
    frame: TimeFrame
    state: str
    note: str = ""

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.state]

    @property
    def label(self) -> str:
        return state_label(self.state)

    @property
    def is_free(self) -> bool:
        return self.state == State.FREE


@dataclass(frozen=True)
class GridRow:
    day: date
    cells: list[Cell]
    closed_reason: str = ""

    @property
    def is_saturday(self) -> bool:
        return self.day.weekday() == 5

    @property
    def is_sunday(self) -> bool:
        return self.day.weekday() == 6


@dataclass(frozen=True)
class RoomRow:
    room: Room
    cells: list[Cell]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=local_zone())


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def booking_horizon(today: date) -> date:
    """The last day first-come booking is open for."""
    index = today.year * 12 + today.month - 1 + BOOKING_MONTHS_AHEAD + 1
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now(), local_zone())


def _state(
    *, day: date, frame: TimeFrame, closed: dict[date, str], held: set[tuple[date, int]], now: datetime
) -> tuple[str, str]:
    if day in closed:
        return State.CLOSED, closed[day]
    if (day, frame.pk) in held:
        return State.BOOKED, ""
    if at(day, frame.starts_at) <= now:
        return State.OVER, ""
    if day > booking_horizon(now.date()):
        return State.NOT_OPEN, ""
    return State.FREE, ""


def closed_days(facility: Facility, first: date, last: date) -> dict[date, str]:
    """The facility's closed days with their reasons, and for a school the days its calendar blocks for a
    school event (学校行事), which are closed to groups like any other closure."""
    closed = facility_closed_days(facility, first, last)
    if facility.is_school:
        blocks = SchoolBlock.objects.filter(school=facility, day__gte=first, day__lte=last)
        for day, event in blocks.values_list("day", "event"):
            closed[day] = gettext("School event: %(event)s") % {"event": event}
    return closed


def school_blocked_days(facility: Facility, first: date, last: date) -> set[date]:
    if not facility.is_school:
        return set()
    return set(SchoolBlock.objects.filter(school=facility, day__gte=first, day__lte=last).values_list("day", flat=True))


def _held(rooms: list[Room], first: date, last: date) -> dict[int, set[tuple[date, int]]]:
    held: dict[int, set[tuple[date, int]]] = {room.pk: set() for room in rooms}
    rows = Booking.objects.filter(
        room__in=rooms, day__gte=first, day__lte=last, status=Booking.Status.BOOKED
    ).values_list("room_id", "day", "frame_id")
    for room_id, day, frame_id in rows:
        held[room_id].add((day, frame_id))
    return held


def room_month(room: Room, *, year: int, month: int, now: datetime | None = None) -> list[GridRow]:
    """A row per day of the month with a cell per frame of the room's facility, in three queries."""
    moment = _now(now)
    first, last = month_bounds(year, month)
    frames = facility_frames(room.facility)
    closed = closed_days(room.facility, first, last)
    held = _held([room], first, last)[room.pk]
    rows = []
    day = first
    while day <= last:
        cells = []
        for frame in frames:
            state, note = _state(day=day, frame=frame, closed=closed, held=held, now=moment)
            cells.append(Cell(room, day, frame, state, note))
        rows.append(GridRow(day, cells, closed.get(day, "")))
        day += timedelta(days=1)
    return rows


def facility_day(
    facility: Facility, *, day: date, now: datetime | None = None
) -> tuple[list[TimeFrame], list[RoomRow]]:
    """The facility's frames and a row per bookable room with a cell per frame on ``day``."""
    moment = _now(now)
    frames = facility_frames(facility)
    rooms = list(Room.objects.filter(facility=facility, bookable=True).order_by("name"))
    closed = closed_days(facility, day, day)
    held = _held(rooms, day, day)
    rows = []
    for room in rooms:
        cells = []
        for frame in frames:
            state, note = _state(day=day, frame=frame, closed=closed, held=held[room.pk], now=moment)
            cells.append(Cell(room, day, frame, state, note))
        rows.append(RoomRow(room, cells))
    return frames, rows


def frame_state(room: Room, *, day: date, frame: TimeFrame, now: datetime | None = None) -> str:
    moment = _now(now)
    closed = closed_days(room.facility, day, day)
    return _state(day=day, frame=frame, closed=closed, held=_held([room], day, day)[room.pk], now=moment)[0]


def room_get(room_id: int) -> Room | None:
    return Room.objects.filter(pk=room_id, bookable=True).select_related("facility").first()


# --- user groups -----------------------------------------------------------------------------------

_DASHES = re.compile(r"[‐‑‒–—―−ーｰ－-]+")
_SPACES = re.compile(r"\s+")


def name_key(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).casefold()


def address_key(value: str) -> str:
    """One spelling of an address: 「南町五丁目1番2号」, 「南町5-1-2」 and 「西東京市南町５－１－２」 are the same."""
    text = name_key(value)
    for prefix in ("東京都", "西東京市"):
        text = text.removeprefix(prefix)
    kanji = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
    text = re.sub(r"([一二三四五六七八九])丁目", lambda m: kanji[m.group(1)] + "-", text)
    text = re.sub(r"(\d+)丁目", r"\1-", text)
    text = re.sub(r"(\d+)番地?", r"\1-", text)
    text = re.sub(r"(\d+)号", r"\1", text)
    return _DASHES.sub("-", text).strip("-")


def phone_key(value: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())


def email_key(value: str) -> str:
    return normalise_email(value)


@dataclass(frozen=True)
class Duplicate:
    group: UserGroup
    matches: list[str]


def user_group_duplicates(group: UserGroup) -> list[Duplicate]:
    """Other groups not rejected that share the representative, address, phone or e-mail with ``group``:
    one circle registered several times to win more lotteries. Staff see them before approving."""
    fields = {
        "representative_key": (group.representative_key, gettext("same representative")),
        "address_key": (group.address_key, gettext("same address")),
        "phone_key": (group.phone_key, gettext("same phone")),
        "email_key": (group.email_key, gettext("same e-mail address")),
    }
    query = Q()
    for field, (value, _label) in fields.items():
        if value:
            query |= Q(**{field: value})
    if not query:
        return []
    others = UserGroup.objects.exclude(pk=group.pk).exclude(status=UserGroup.Status.REJECTED).filter(query)
    return [
        Duplicate(
            other,
            [label for field, (value, label) in fields.items() if value and getattr(other, field) == value],
        )
        for other in others.order_by("name", "id")
    ]


def duplicate_report() -> list[tuple[UserGroup, list[Duplicate]]]:
    """Every group not rejected with its possible duplicates, for the staff report."""
    report = []
    for group in UserGroup.objects.exclude(status=UserGroup.Status.REJECTED).order_by("name", "id"):
        duplicates = user_group_duplicates(group)
        if duplicates:
            report.append((group, duplicates))
    return report


def groups_for_review() -> QuerySet[UserGroup]:
    return UserGroup.objects.filter(status=UserGroup.Status.PENDING).order_by("created_at")


def groups_of(user: User) -> QuerySet[UserGroup]:
    return UserGroup.objects.filter(owner=user).order_by("name", "id")


def approved_groups_of(user: User) -> QuerySet[UserGroup]:
    return groups_of(user).filter(status=UserGroup.Status.APPROVED)


def approved_groups() -> QuerySet[UserGroup]:
    return UserGroup.objects.filter(status=UserGroup.Status.APPROVED).order_by("name", "id")


# --- bookings --------------------------------------------------------------------------------------


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("room__facility", "frame", "group", "program", "exemption", "booked_by")


def bookings_of_group(group: UserGroup, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The group's bookings still to come."""
    return _bookings().filter(group=group, status=Booking.Status.BOOKED, ends_at__gt=now or timezone.now())


def bookings_of(user: User, *, now: datetime | None = None) -> QuerySet[Booking]:
    return (
        _bookings()
        .filter(group__owner=user, status=Booking.Status.BOOKED, ends_at__gt=now or timezone.now())
        .order_by("starts_at")
    )


def bookings_of_facility(facility: Facility, *, first: date, last: date) -> QuerySet[Booking]:
    return _bookings().filter(room__facility=facility, day__gte=first, day__lte=last).order_by("starts_at", "room")


def booking_get(booking_id: int) -> Booking | None:
    return _bookings().filter(pk=booking_id).first()


def bookings_due_reminder(*, now: datetime | None = None) -> QuerySet[Booking]:
    """Tomorrow's bookings (local days) not yet reminded."""
    tomorrow = _now(now).date() + timedelta(days=1)
    return Booking.objects.filter(
        day=tomorrow, status=Booking.Status.BOOKED, reminder_sent_at__isnull=True, group__isnull=False
    )
