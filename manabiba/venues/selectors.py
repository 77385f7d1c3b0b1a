"""Reads of room booking: the vacancy of each frame, user groups and their possible duplicates.

A frame of a room on a day is in one state: free (空き), booked (予約済), in a lottery (抽選受付中,
for the monthly round still to come), closed (休館), over (受付終了: its start has passed) or not
yet open (受付前: beyond the first-come horizon). Every time is local (Asia/Tokyo).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.core.addresses import normalise_email
from manabiba.core.lottery import Recheck, Wish, allocate_items
from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.facilities.selectors import facility_closed_days, facility_frames
from manabiba.venues.models import (
    Booking,
    LotteryEntry,
    LotteryRound,
    LotteryWish,
    PenaltyPoint,
    RegularSlot,
    RoomFollow,
    SchoolBlock,
    UserGroup,
)

# First come runs up to the end of the month after next (in December: to the end of February).
BOOKING_MONTHS_AHEAD = 2


class State:
    FREE = "free"
    BOOKED = "booked"
    LOTTERY = "lottery"
    CLOSED = "closed"
    OVER = "over"
    NOT_OPEN = "not_open"
    HELD = "held"


# The order of the legend; the symbols are the ones residents know from paper timetables.
STATES = [State.FREE, State.BOOKED, State.LOTTERY, State.HELD, State.CLOSED, State.OVER, State.NOT_OPEN]
SYMBOLS = {
    State.FREE: "○",
    State.BOOKED: "×",
    State.LOTTERY: "△",
    State.OVER: "－",
    State.HELD: "◇",
}


def state_symbol(state: str) -> str:
    """The timetable symbol of a state; two are words in Japanese (休, ・), so they follow the language."""
    if state == State.CLOSED:
        return pgettext("frame symbol: the facility is closed (休)", "C")
    if state == State.NOT_OPEN:
        return pgettext("frame symbol: not yet open (・)", "·")
    return SYMBOLS[state]


def state_label(state: str) -> str:
    labels = {
        State.FREE: pgettext("frame state", "Free"),
        State.BOOKED: pgettext("frame state", "Booked"),
        State.LOTTERY: pgettext("frame state", "Lottery open"),
        State.CLOSED: pgettext("frame state", "Closed"),
        State.OVER: pgettext("frame state", "Over"),
        State.NOT_OPEN: pgettext("frame state", "Not yet open"),
        State.HELD: pgettext("frame state", "Released soon"),
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
        State.HELD: gettext("Just cancelled: it is released to first come after a hold-off."),
    }
    return explanations[state]


@dataclass(frozen=True)
class LegendEntry:
    state: str
    symbol: str
    label: str
    explanation: str


def legend() -> list[LegendEntry]:
    return [LegendEntry(s, state_symbol(s), state_label(s), state_explanation(s)) for s in STATES]


@dataclass(frozen=True)
class Cell:
    room: Room
    day: date
    frame: TimeFrame
    state: str
    note: str = ""

    @property
    def symbol(self) -> str:
        return state_symbol(self.state)

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


def month_shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Timeline:
    """The common timeline of the monthly lottery for ``month`` (its first day), set by the
    VENUES_* settings: every time falls in the month two months before."""

    month: date
    opens_at: datetime
    closes_at: datetime
    confirm_by: datetime
    first_come_at: datetime


def timeline(month: date) -> Timeline:
    entry_month = month_shift(month.replace(day=1), -BOOKING_MONTHS_AHEAD)
    last = month_bounds(entry_month.year, entry_month.month)[1].day

    def on(day: int, hour: int) -> datetime:
        return at(entry_month.replace(day=max(1, min(day, last))), time(hour))

    return Timeline(
        month=month.replace(day=1),
        opens_at=on(settings.VENUES_LOTTERY_OPENS_DAY, 9),
        closes_at=on(settings.VENUES_LOTTERY_CLOSES_DAY, 17),
        confirm_by=on(settings.VENUES_LOTTERY_CONFIRM_DAY, 17),
        first_come_at=on(settings.VENUES_FIRST_COME_DAY, 9),
    )


def booking_horizon(today: date | datetime) -> date:
    """The last day first-come booking is open for: the end of the latest month whose first-come
    opening (after its lottery) has come."""
    moment = today if isinstance(today, datetime) else at(today, time(23, 59))
    month = month_shift(moment.date().replace(day=1), BOOKING_MONTHS_AHEAD)
    while timeline(month).first_come_at > moment:
        month = month_shift(month, -1)
    following = month_shift(month, 1)
    return following - timedelta(days=1)


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now(), local_zone())


def _state(
    *,
    day: date,
    frame: TimeFrame,
    closed: dict[date, str],
    held: set[tuple[date, int]],
    now: datetime,
    held_back: set[tuple[date, int]] | None = None,
) -> tuple[str, str]:
    if day in closed:
        return State.CLOSED, closed[day]
    if (day, frame.pk) in held:
        return State.BOOKED, ""
    if at(day, frame.starts_at) <= now:
        return State.OVER, ""
    if day > booking_horizon(now):
        line = timeline(day.replace(day=1))
        if line.opens_at <= now < line.closes_at:
            return State.LOTTERY, ""
        return State.NOT_OPEN, ""
    if held_back and (day, frame.pk) in held_back:
        return State.HELD, ""
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


def hold_off() -> timedelta:
    return timedelta(hours=settings.VENUES_CANCEL_HOLD_OFF_HOURS)


def _held_back(rooms: list[Room], first: date, last: date, now: datetime) -> dict[int, set[tuple[date, int]]]:
    """Frames cancelled less than the hold-off ago: not yet released to first come."""
    held: dict[int, set[tuple[date, int]]] = {room.pk: set() for room in rooms}
    rows = Booking.objects.filter(
        room__in=rooms,
        day__gte=first,
        day__lte=last,
        status=Booking.Status.CANCELLED,
        cancelled_at__gt=now - hold_off(),
        # Only a group's cancellation is held back (against cancelling and rebooking under another
        # name); a frame a programme gives back is free at once.
        group__isnull=False,
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
    held_back = _held_back([room], first, last, moment)[room.pk]
    rows = []
    day = first
    while day <= last:
        cells = []
        for frame in frames:
            state, note = _state(day=day, frame=frame, closed=closed, held=held, now=moment, held_back=held_back)
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
    held_back = _held_back(rooms, day, day, moment)
    rows = []
    for room in rooms:
        cells = []
        for frame in frames:
            state, note = _state(
                day=day, frame=frame, closed=closed, held=held[room.pk], now=moment, held_back=held_back[room.pk]
            )
            cells.append(Cell(room, day, frame, state, note))
        rows.append(RoomRow(room, cells))
    return frames, rows


def frame_state(room: Room, *, day: date, frame: TimeFrame, now: datetime | None = None) -> str:
    moment = _now(now)
    closed = closed_days(room.facility, day, day)
    return _state(
        day=day,
        frame=frame,
        closed=closed,
        held=_held([room], day, day)[room.pk],
        now=moment,
        held_back=_held_back([room], day, day, moment)[room.pk],
    )[0]


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
    """The group's bookings still to come (every source)."""
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


def first_come_bookings_of_group(group: UserGroup, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The group's first-come bookings still to come: what MAX_UPCOMING_PER_GROUP counts (lottery wins
    have their own cap per round, regular weekly slots are approved by staff)."""
    return bookings_of_group(group, now=now).filter(source=Booking.Source.FIRST_COME)


# --- fair allocation: lottery rounds ---------------------------------------------------------------


def round_entry_month(now: datetime | None = None) -> date | None:
    """The month whose lottery takes entries at ``now``, if any."""
    moment = _now(now)
    month = month_shift(moment.date().replace(day=1), BOOKING_MONTHS_AHEAD)
    line = timeline(month)
    return month if line.opens_at <= moment < line.closes_at else None


def round_get(round_id: int) -> LotteryRound | None:
    return LotteryRound.objects.select_related("facility").filter(pk=round_id).first()


def round_of(facility: Facility, month: date) -> LotteryRound | None:
    return LotteryRound.objects.filter(facility=facility, month=month.replace(day=1)).first()


def rounds_open(*, now: datetime | None = None) -> QuerySet[LotteryRound]:
    moment = now or timezone.now()
    return LotteryRound.objects.select_related("facility").filter(
        status=LotteryRound.Status.OPEN, opens_at__lte=moment, closes_at__gt=moment
    )


def rounds_recent(*, now: datetime | None = None) -> QuerySet[LotteryRound]:
    """Rounds taking entries or drawn whose frames are still to come, newest month first."""
    moment = _now(now)
    return LotteryRound.objects.select_related("facility").filter(month__gte=moment.date().replace(day=1))


def rounds_due_filter(now: datetime) -> Q:
    """Rounds whose deadline has passed and which are not drawn yet (the draw runs automatically)."""
    return Q(status=LotteryRound.Status.OPEN, closes_at__lte=now)


def rounds_due(*, now: datetime | None = None) -> QuerySet[LotteryRound]:
    return LotteryRound.objects.filter(rounds_due_filter(now or timezone.now())).order_by("closes_at", "pk")


def entry_of(round_: LotteryRound, group: UserGroup) -> LotteryEntry | None:
    return LotteryEntry.objects.filter(round=round_, group=group).prefetch_related("wishes").first()


def entries_of(user: User) -> QuerySet[LotteryEntry]:
    return (
        LotteryEntry.objects.filter(group__owner=user)
        .select_related("round__facility", "group")
        .prefetch_related("wishes__room", "wishes__frame", "wishes__booking")
        .order_by("-round__month", "round__facility__name")
    )


def entries_of_round(round_: LotteryRound) -> QuerySet[LotteryEntry]:
    return (
        LotteryEntry.objects.filter(round=round_)
        .select_related("group")
        .prefetch_related("wishes__room", "wishes__frame", "wishes__booking")
    )


def wishes_of_round(round_: LotteryRound) -> QuerySet[LotteryWish]:
    return LotteryWish.objects.filter(entry__round=round_).select_related("entry", "room", "frame")


@dataclass(frozen=True)
class RoundVerification:
    matches: bool
    problems: list[str]


def round_verify(round_: LotteryRound) -> RoundVerification:
    """Run the room draw again from its stored seed, wishes, held frames and cap; compare with the
    stored result and with the wishes that still exist (rank and frame as drawn)."""
    if round_.status != LotteryRound.Status.DRAWN:
        return RoundVerification(False, [gettext("the round has not been drawn")])
    wishes = [
        Wish(
            id=int(e["id"]),
            holder=int(e["holder"]),
            tier=int(e["tier"]),
            item=str(e["item"]),
            capped_with=int(e.get("capped_with", 0)),
        )
        for e in round_.entries
    ]
    again = allocate_items(wishes, seed=round_.seed, cap_per_holder=round_.max_frames, taken=round_.taken)
    problems = []
    if list(again.ranking) != list(round_.ranking):
        problems.append(gettext("the drawn order differs"))
    if list(again.winners) != list(round_.winners):
        problems.append(gettext("the winners differ"))
    existing = {w.pk: w for w in LotteryWish.objects.filter(entry__round=round_)}
    for wish in wishes:
        stored = existing.get(wish.id)
        if stored is not None and (
            stored.rank != wish.tier or stored.item != wish.item or stored.entry_id != wish.holder
        ):
            problems.append(gettext("wish %(id)s is not as it was drawn") % {"id": wish.id})
    return RoundVerification(matches=not problems, problems=problems)


def round_recheck(round_id: int) -> Recheck | None:
    """For ``manabiba lottery_verify --kind rooms``."""
    round_ = round_get(round_id)
    if round_ is None:
        return None
    result = round_verify(round_)
    drawn = f"{timezone.localtime(round_.drawn_at):%Y-%m-%d %H:%M %Z}" if round_.drawn_at else "not drawn"
    return Recheck(
        description=(
            f"room round {round_.pk} of {round_.facility.name} for {round_.month:%Y-%m}, drawn {drawn}, "
            f"seed {round_.seed}, algorithm {round_.algorithm}, {len(round_.entries)} wishes, "
            f"{len(round_.winners)} won, at most {round_.max_frames} frames a group"
        ),
        matches=result.matches,
        problems=result.problems,
    )


# --- fair allocation: cancellations, penalties, suspensions ----------------------------------------


def group_and_duplicates(group: UserGroup) -> list[int]:
    """The group and the groups flagged as its duplicates: one circle under several names."""
    return [group.pk, *(duplicate.group.pk for duplicate in user_group_duplicates(group))]


def rebooking_barred(group: UserGroup, *, room: Room, day: date, frame: TimeFrame) -> bool:
    """Whether ``group`` (or a group flagged as its duplicate) cancelled this frame of this date, or
    let a lottery win of it lapse: it cannot take it again."""
    return Booking.objects.filter(
        room=room,
        day=day,
        frame=frame,
        status=Booking.Status.CANCELLED,
        cancel_reason__in=[Booking.CancelReason.GROUP, Booking.CancelReason.LAPSED],
        group_id__in=group_and_duplicates(group),
    ).exists()


def penalty_window_start(now: datetime) -> datetime:
    return now - timedelta(days=365)


def penalty_points_of(group: UserGroup, *, now: datetime | None = None) -> int:
    """Points within the last year not yet spent on a suspension."""
    moment = now or timezone.now()
    points = PenaltyPoint.objects.filter(
        group=group, spent_at__isnull=True, given_at__gt=penalty_window_start(moment)
    ).values_list("points", flat=True)
    return sum(points)


def penalties_of(group: UserGroup) -> QuerySet[PenaltyPoint]:
    return PenaltyPoint.objects.filter(group=group).select_related("booking__room__facility", "booking__frame")


def is_suspended(group: UserGroup, *, now: datetime | None = None) -> bool:
    return group.suspended_until is not None and group.suspended_until > (now or timezone.now())


def is_late(booking: Booking, *, now: datetime) -> bool:
    return booking.starts_at - now < timedelta(days=settings.VENUES_LATE_CANCEL_DAYS)


def attendance_due_filter(now: datetime, prefix: str = "") -> Q:
    """Bookings that ended within the last two weeks whose attendance staff have not marked."""
    return Q(
        **{
            f"{prefix}status": Booking.Status.BOOKED,
            f"{prefix}ends_at__lte": now,
            f"{prefix}ends_at__gt": now - timedelta(days=14),
            f"{prefix}attendance": "",
        }
    )


def bookings_to_mark(facilities: QuerySet[Facility], *, now: datetime | None = None) -> QuerySet[Booking]:
    return (
        _bookings()
        .filter(attendance_due_filter(now or timezone.now()), room__facility__in=facilities)
        .order_by("starts_at", "room")
    )


def releases_due(*, now: datetime | None = None) -> QuerySet[Booking]:
    """Cancelled frames past their hold-off, not yet announced, still to come and not booked again."""
    moment = now or timezone.now()
    return Booking.objects.filter(
        status=Booking.Status.CANCELLED,
        cancelled_at__lte=moment - hold_off(),
        released_at__isnull=True,
        starts_at__gt=moment,
    ).select_related("room__facility", "frame")


# --- fair allocation: regular weekly slots and follows ---------------------------------------------


def fiscal_year_of(day: date) -> int:
    """Japanese fiscal years start in April: 2027年3月 is fiscal 2026."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def regular_slots_of(user: User) -> QuerySet[RegularSlot]:
    return RegularSlot.objects.filter(group__owner=user).select_related("group", "room__facility", "frame")


def regular_slots_for_review_filter(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": RegularSlot.Status.PENDING})


def regular_slots_for_review(facilities: QuerySet[Facility]) -> QuerySet[RegularSlot]:
    return (
        RegularSlot.objects.filter(regular_slots_for_review_filter(), room__facility__in=facilities)
        .select_related("group", "room__facility", "frame")
        .order_by("created_at")
    )


def regular_slots_approved(*, room_ids: list[int] | None = None) -> QuerySet[RegularSlot]:
    slots = RegularSlot.objects.filter(status=RegularSlot.Status.APPROVED).select_related("group", "room", "frame")
    return slots if room_ids is None else slots.filter(room_id__in=room_ids)


def regular_slot_get(slot_id: int) -> RegularSlot | None:
    return RegularSlot.objects.select_related("group", "room__facility", "frame").filter(pk=slot_id).first()


def follows_of(user: User) -> QuerySet[RoomFollow]:
    return RoomFollow.objects.filter(group__owner=user).select_related("group", "room__facility")


def followed_rooms(user: User) -> set[tuple[int, int]]:
    """(group id, room id) of the rooms ``user``'s groups follow."""
    return set(follows_of(user).values_list("group_id", "room_id"))


def followers_of(room: Room) -> QuerySet[UserGroup]:
    return UserGroup.objects.filter(
        pk__in=RoomFollow.objects.filter(room=room).values("group_id"), status=UserGroup.Status.APPROVED
    )


# --- the person's download ---------------------------------------------------------------------------

# The ``*_key`` fields are the duplicate finder's normal forms of these, nothing the person gave.
_EXPORTED_GROUP_FIELDS: tuple[str | tuple[str, str], ...] = (
    "name",
    ("community_group", "community_group__name"),
    "representative_name",
    "address",
    "phone",
    "email",
    "members_count",
    "members_in_city",
    "has_minor_members",
    "representative_is_adult",
    "purpose",
    "declared_at",
    "status",
    "reviewed_at",
    "review_note",
    "suspended_until",
    "created_at",
)

_EXPORTED_BOOKING_FIELDS: tuple[str | tuple[str, str], ...] = (
    ("group", "group__name"),
    "room",
    "day",
    "frame",
    "starts_at",
    "ends_at",
    "purpose",
    "attendees",
    "fee",
    ("exemption", "exemption__name"),
    "exemption_percent",
    "amount_due",
    "source",
    "channel",
    "status",
    ("booked_at", "created_at"),
    "confirm_by",
    "confirmed_at",
    "cancelled_at",
    "cancel_reason",
    "cancelled_late",
    "attendance",
)


def _lottery_entries_export(user: User) -> list[dict[str, Any]]:
    wishes = LotteryWish.objects.select_related("room__facility", "frame").order_by("rank")
    entries = list(
        LotteryEntry.objects.filter(group__owner=user)
        .select_related("group", "round__facility")
        .prefetch_related(Prefetch("wishes", queryset=wishes))
        .order_by("created_at", "pk")
    )
    rows = personal_rows(
        entries,
        (("group", "group__name"), "round", "channel", "purpose", "attendees", ("entered_at", "created_at")),
    )
    for entry, row in zip(entries, rows, strict=True):
        row["wishes"] = personal_rows(entry.wishes.all(), ("rank", "room", "day", "frame", "result"))
    return rows


def venues_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The user groups the person registered and everything held under them, for their download."""
    # Matched as the eraser matches them (the groups the person owns): it scrubs those groups, so
    # everything held under them stops being theirs.
    groups = UserGroup.objects.filter(owner=user).select_related("community_group").order_by("created_at", "pk")
    bookings = (
        Booking.objects.filter(group__owner=user)
        .select_related("group", "room__facility", "frame", "exemption")
        .order_by("starts_at", "pk")
    )
    slots = (
        RegularSlot.objects.filter(group__owner=user)
        .select_related("group", "room__facility", "frame")
        .order_by("fiscal_year", "pk")
    )
    follows = follows_of(user).order_by("created_at", "pk")
    points = (
        PenaltyPoint.objects.filter(group__owner=user)
        .select_related("group", "booking__room__facility", "booking__frame")
        .order_by("given_at", "pk")
    )
    return {
        "groups": personal_rows(groups, _EXPORTED_GROUP_FIELDS),
        "bookings": personal_rows(bookings, _EXPORTED_BOOKING_FIELDS),
        "lottery_entries": _lottery_entries_export(user),
        "regular_slots": personal_rows(
            slots,
            (
                ("group", "group__name"),
                "fiscal_year",
                "room",
                "weekday",
                "frame",
                "purpose",
                "attendees",
                "status",
                ("requested_at", "created_at"),
                "reviewed_at",
                "review_note",
            ),
        ),
        "room_follows": personal_rows(follows, (("group", "group__name"), "room", ("since", "created_at"))),
        "penalty_points": personal_rows(
            points, (("group", "group__name"), "booking", "reason", "points", "given_at", "spent_at")
        ),
    }
