"""Public room-booking pages: vacancy without logging in, and booking for a signed-in group."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from manabiba.accounts.models import User
from manabiba.communities.selectors import groups_of as community_groups_of
from manabiba.core.audit import audit_log
from manabiba.core.dates import day_from_iso
from manabiba.facilities.models import Facility, FeeExemption, Room, TimeFrame
from manabiba.facilities.selectors import facilities_with_bookable_rooms, facility_frames
from manabiba.venues import selectors, services
from manabiba.venues.forms import BookingForm, LotteryEntryForm, RegularSlotForm, UserGroupForm
from manabiba.venues.models import Booking, LotteryEntry, LotteryRound
from manabiba.venues.permissions import can_book_on_behalf, can_cancel_booking, can_view_booking, is_group_owner
from manabiba.venues.school_selectors import school_rules

# How far back and ahead the month pages go.
MONTHS_BACK = 1
MONTHS_AHEAD = 12


def _month_shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_or_404(year: int | None, month: int | None) -> date:
    this_month = timezone.localdate().replace(day=1)
    if year is None or month is None:
        return this_month
    if not 1 <= month <= 12:
        raise Http404
    first = date(year, month, 1) if 2000 <= year <= 2099 else None
    if first is None or not _month_shift(this_month, -MONTHS_BACK) <= first <= _month_shift(this_month, MONTHS_AHEAD):
        raise Http404
    return first


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "venues/index.html",
        {"facilities": facilities_with_bookable_rooms(), "today": timezone.localdate(), "legend": selectors.legend()},
    )


def room_month(request: HttpRequest, room_id: int, year: int | None = None, month: int | None = None) -> HttpResponse:
    room = selectors.room_get(room_id)
    if room is None:
        raise Http404
    first = _month_or_404(year, month)
    this_month = timezone.localdate().replace(day=1)
    previous, following = _month_shift(first, -1), _month_shift(first, 1)
    return render(
        request,
        "venues/room_month.html",
        {
            "room": room,
            "month": first,
            "frames": facility_frames(room.facility),
            "rows": selectors.room_month(room, year=first.year, month=first.month),
            "legend": selectors.legend(),
            "today": timezone.localdate(),
            "previous": previous if previous >= _month_shift(this_month, -MONTHS_BACK) else None,
            "following": following if following <= _month_shift(this_month, MONTHS_AHEAD) else None,
            "exemptions": room.facility.exemptions.all(),
            "round": selectors.round_of(room.facility, first),
            "follow_groups": _follow_groups(request, room),
            "rules": _rules(),
        },
    )


def _follow_groups(request: HttpRequest, room: Room) -> list[tuple[Any, bool]]:
    """The signed-in person's approved groups, each with whether it follows ``room``."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    followed = selectors.followed_rooms(user)
    return [(group, (group.pk, room.pk) in followed) for group in selectors.approved_groups_of(user)]


def room_calendar(request: HttpRequest, room_id: int, year: int, month: int) -> HttpResponse:
    """The month's frames as iCalendar events whose summary is the state in words."""
    room = selectors.room_get(room_id)
    if room is None:
        raise Http404
    first = _month_or_404(year, month)
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//venues//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{room.facility.name} {room.label}")
    # Days the school calendar blocks are written as one all-day closed event with the school event, so
    # a group that follows the school's room sees why it cannot book; other closed days are left out.
    blocked = selectors.school_blocked_days(room.facility, *selectors.month_bounds(first.year, first.month))
    for row in selectors.room_month(room, year=first.year, month=first.month):
        if row.day in blocked:
            event = Event()
            event.add("uid", f"venues-{room.pk}-{row.day:%Y%m%d}-school@manabiba")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", row.day)
            event.add("summary", f"{selectors.state_symbol(selectors.State.CLOSED)} {row.closed_reason}")
            event.add("location", f"{room.facility.name} {room.label}")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        for cell in row.cells:
            if cell.state == selectors.State.CLOSED:
                continue
            event = Event()
            event.add("uid", f"venues-{room.pk}-{row.day:%Y%m%d}-{cell.frame.pk}@manabiba")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", selectors.at(row.day, cell.frame.starts_at))
            event.add("dtend", selectors.at(row.day, cell.frame.ends_at))
            event.add("summary", f"{cell.frame.label} {cell.symbol} {cell.label}")
            event.add("location", f"{room.facility.name} {room.label}")
            event.add("transp", "TRANSPARENT" if cell.is_free else "OPAQUE")
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.pk}-{first:%Y-%m}.ics"'
    return response


def facility_day(request: HttpRequest, facility_id: int, day: str = "") -> HttpResponse:
    facility = Facility.objects.filter(pk=facility_id, rooms__bookable=True).distinct().first()
    if facility is None:
        raise Http404
    today = timezone.localdate()
    day = day or request.GET.get("day", "")
    chosen = day_from_iso(day) if day else today
    if chosen is None:
        raise Http404
    frames, rows = selectors.facility_day(facility, day=chosen)
    return render(
        request,
        "venues/facility_day.html",
        {
            "facility": facility,
            "day": chosen,
            "frames": frames,
            "rows": rows,
            "legend": selectors.legend(),
            "previous": chosen.fromordinal(chosen.toordinal() - 1),
            "following": chosen.fromordinal(chosen.toordinal() + 1),
        },
    )


@login_required
def book(request: HttpRequest, room_id: int, day: str, frame_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    room = selectors.room_get(room_id)
    chosen = day_from_iso(day)
    if room is None or chosen is None:
        raise Http404
    frame = get_object_or_404(TimeFrame, pk=frame_id, facility=room.facility)
    on_behalf = can_book_on_behalf(user, room.facility)
    groups = selectors.approved_groups() if on_behalf else selectors.approved_groups_of(user)
    exemptions = FeeExemption.objects.filter(facility=room.facility)
    form = BookingForm(request.POST or None, groups=groups, exemptions=exemptions, on_behalf=on_behalf)
    state = selectors.frame_state(room, day=chosen, frame=frame)
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        try:
            booking = services.booking_create(
                actor=user,
                group=group,
                room=room,
                day=chosen,
                frame=frame,
                purpose=form.cleaned_data["purpose"],
                attendees=form.cleaned_data["attendees"],
                exemption=form.cleaned_data.get("exemption"),
                channel=form.cleaned_data["channel"] if group.owner_id != user.pk else Booking.Channel.ONLINE,
            )
        except services.FrameUnavailableError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The frame is booked. We have sent a confirmation by e-mail."))
            return redirect("venues:booking", pk=booking.pk)
        state = selectors.frame_state(room, day=chosen, frame=frame)
    return render(
        request,
        "venues/book.html",
        {
            "room": room,
            "day": chosen,
            "frame": frame,
            "form": form,
            "state": state,
            "state_label": selectors.state_label(state),
            "is_free": state == selectors.State.FREE,
            "on_behalf": on_behalf,
            "has_groups": groups.exists(),
            "exemptions": exemptions,
            "rules": _rules(),
            "barred": [
                g.name
                for g in groups[:50]
                if not on_behalf and selectors.rebooking_barred(g, room=room, day=chosen, frame=frame)
            ],
            "round": selectors.round_of(room.facility, chosen.replace(day=1)),
            "school_rules": school_rules(room.facility),
        },
    )


@login_required
def booking(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.booking_get(pk)
    if held is None or not can_view_booking(request.user, held):
        raise Http404
    if held.group is not None and held.group.owner_id != request.user.pk:
        audit_log(action="venues.personal_data.viewed", actor=request.user, target=held, data={"view": "booking"})
    return render(
        request,
        "venues/booking.html",
        {
            "booking": held,
            "can_cancel": held.status == Booking.Status.BOOKED
            and held.starts_at > timezone.now()
            and can_cancel_booking(request.user, held),
            "can_confirm": held.status == Booking.Status.BOOKED
            and held.source == Booking.Source.LOTTERY
            and held.confirmed_at is None
            and held.confirm_by is not None
            and held.confirm_by >= timezone.now(),
            "late_now": held.status == Booking.Status.BOOKED and selectors.is_late(held, now=timezone.now()),
            "rules": _rules(),
        },
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.booking_get(pk)
    if held is None or not can_view_booking(request.user, held):
        raise Http404
    try:
        services.booking_cancel(actor=request.user, booking=held)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("venues:booking", pk=held.pk)


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "venues/groups.html",
        {
            "groups": [
                (group, selectors.penalty_points_of(group), selectors.is_suspended(group))
                for group in selectors.groups_of(user)
            ],
            "bookings": selectors.bookings_of(user),
            "entries": selectors.entries_of(user)[:20],
            "regular_slots": selectors.regular_slots_of(user),
            "follows": selectors.follows_of(user),
            "rules": _rules(),
        },
    )


@login_required
def group_register(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    listed = [(group.pk, group.name) for group in community_groups_of(user) if group.status == "approved"]
    form = UserGroupForm(request.POST or None, community_groups=listed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_group_register(
                actor=user,
                name=data["name"],
                community_group_id=data.get("community_group"),
                representative_name=data["representative_name"],
                address=data["address"],
                phone=data["phone"],
                email=data["email"],
                members_count=data["members_count"],
                members_in_city=data["members_in_city"],
                purpose=data["purpose"],
                declaration=data["declaration"],
                has_minor_members=data["has_minor_members"],
                representative_is_adult=data["representative_is_adult"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you. Staff will check the registration and tell you by e-mail."))
            return redirect("venues:groups")
    return render(request, "venues/group_register.html", {"form": form})


# --- fair allocation: lottery rounds, confirming wins, following rooms, regular slots -------------


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def rounds(request: HttpRequest) -> HttpResponse:
    """The monthly lottery rounds: the ones taking entries and the drawn ones still to come."""
    return render(
        request,
        "venues/rounds.html",
        {"rounds": selectors.rounds_recent(), "now": timezone.now(), "rules": _rules()},
    )


def _rules() -> dict[str, int]:
    return {
        "max_wishes": settings.VENUES_LOTTERY_MAX_WISHES,
        "max_frames": settings.VENUES_LOTTERY_MAX_FRAMES,
        "hold_off": settings.VENUES_CANCEL_HOLD_OFF_HOURS,
        "late_days": settings.VENUES_LATE_CANCEL_DAYS,
        "threshold": settings.VENUES_PENALTY_THRESHOLD,
        "suspension_days": settings.VENUES_SUSPENSION_DAYS,
        "max_upcoming": services.MAX_UPCOMING_PER_GROUP,
    }


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get(round_id)
    if round_ is None:
        raise Http404
    user = request.user
    now = timezone.now()
    taking = round_.status == LotteryRound.Status.OPEN and round_.opens_at <= now < round_.closes_at
    form = None
    own_entries: list[LotteryEntry] = []
    on_behalf = False
    if isinstance(user, User) and user.is_authenticated:
        on_behalf = can_book_on_behalf(user, round_.facility)
        groups = selectors.approved_groups() if on_behalf else selectors.approved_groups_of(user)
        own_entries = [e for e in selectors.entries_of(user) if e.round_id == round_.pk]
        if taking and groups.exists():
            first, last = selectors.month_bounds(round_.month.year, round_.month.month)
            form = LotteryEntryForm(
                request.POST or None,
                groups=groups,
                rooms=Room.objects.filter(facility=round_.facility, bookable=True).order_by("name"),
                frames=facility_frames(round_.facility),
                month_first=first,
                month_last=last,
                wishes=round_.max_wishes,
                on_behalf=on_behalf,
                initial=_entry_initial(own_entries[0]) if own_entries and not request.POST else None,
            )
            if request.method == "POST" and form.is_valid():
                data = form.cleaned_data
                group = data["group"]
                try:
                    services.lottery_enter(
                        actor=user,
                        round_=round_,
                        group=group,
                        wishes=[
                            services.WishIn(room=room, day=day, frame=_frame(round_, frame_id))
                            for room, day, frame_id in data["wishes"]
                        ],
                        purpose=data["purpose"],
                        attendees=data["attendees"],
                        channel=data["channel"] if group.owner_id != user.pk else Booking.Channel.ONLINE,
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    messages.success(request, _("Your entry is saved. You can change it until entries close."))
                    return redirect("venues:round", round_id=round_.pk)
    notice = None
    if round_.status == LotteryRound.Status.DRAWN:
        notice = {"wishes": len(round_.entries), "won": len(round_.winners), "seed": round_.seed}
    return render(
        request,
        "venues/round.html",
        {
            "round": round_,
            "taking": taking,
            "form": form,
            "own_entries": own_entries,
            "on_behalf": on_behalf,
            "notice": notice,
            "first_come_open": now >= round_.first_come_at,
            "rules": _rules(),
            "rooms": Room.objects.filter(facility=round_.facility, bookable=True).order_by("name"),
        },
    )


def _frame(round_: LotteryRound, frame_id: int) -> TimeFrame:
    frame = TimeFrame.objects.filter(pk=frame_id, facility=round_.facility).first()
    if frame is None:
        raise ValidationError({"wishes": _("Choose a frame of this facility.")})
    return frame


def _entry_initial(entry: LotteryEntry) -> dict[str, Any]:
    initial: dict[str, Any] = {"group": entry.group_id, "purpose": entry.purpose, "attendees": entry.attendees}
    for wish in entry.wishes.all():
        initial |= {
            f"room_{wish.rank}": wish.room_id,
            f"day_{wish.rank}": wish.day,
            f"frame_{wish.rank}": wish.frame_id,
        }
    return initial


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = LotteryEntry.objects.select_related("round__facility", "group").filter(pk=pk).first()
    if entry is None or not (
        is_group_owner(request.user, entry.group) or can_book_on_behalf(request.user, entry.round.facility)
    ):
        raise Http404
    try:
        services.lottery_withdraw(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The entry is withdrawn."))
    return redirect("venues:round", round_id=entry.round_id)


@login_required
@require_POST
def booking_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.booking_get(pk)
    if held is None or not can_view_booking(request.user, held):
        raise Http404
    try:
        services.booking_confirm(actor=request.user, booking=held)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The win is confirmed: the frame is yours."))
    return redirect("venues:booking", pk=held.pk)


@login_required
@require_POST
def room_follow(request: HttpRequest, room_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    room = selectors.room_get(room_id)
    group = selectors.approved_groups_of(user).filter(pk=request.POST.get("group") or 0).first()
    if room is None or group is None:
        raise Http404
    follow = request.POST.get("follow") == "1"
    try:
        services.room_follow(actor=user, group=group, room=room, follow=follow)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("We will mail the group when frames of this room are released.")
            if follow
            else _("The group no longer follows this room."),
        )
    return redirect("venues:room", room_id=room.pk)


@login_required
def regular_request(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    groups = selectors.approved_groups_of(user)
    current = selectors.fiscal_year_of(timezone.localdate())
    form = RegularSlotForm(
        request.POST or None,
        groups=groups,
        rooms=Room.objects.filter(bookable=True).select_related("facility").order_by("facility__name", "name"),
        years=[current, current + 1],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.regular_slot_request(
                actor=user,
                group=data["group"],
                room=data["room"],
                frame=data["frame"],
                weekday=data["weekday"],
                fiscal_year=data["fiscal_year"],
                purpose=data["purpose"],
                attendees=data["attendees"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you. Staff will check the request and tell you by e-mail."))
            return redirect("venues:groups")
    return render(request, "venues/regular_request.html", {"form": form, "has_groups": groups.exists()})
