"""Public desk pages: the month's opening hours, and booking an appointment (signed in)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.dates import FIRST_DAY, LAST_DAY, day_from_iso
from manabiba.core.page_cache import cache_public_page
from manabiba.desk import selectors, services
from manabiba.desk.forms import BookingForm
from manabiba.desk.models import Appointment
from manabiba.desk.permissions import can_cancel_appointment, can_view_appointment
from manabiba.desk.selectors import Slot

# How far back and ahead the month pages go.
MONTHS_BACK = 1
MONTHS_AHEAD = 12


def _month_shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _pages_version() -> str:
    return f"desk-{selectors.hours_version()}"


@cache_public_page(_pages_version)
def hours(request: HttpRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    if year is None or month is None:
        first = this_month
    else:
        if not 1 <= month <= 12 or not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise Http404
        first = date(year, month, 1)
        if not _month_shift(this_month, -MONTHS_BACK) <= first <= _month_shift(this_month, MONTHS_AHEAD):
            raise Http404
    previous = _month_shift(first, -1)
    following = _month_shift(first, 1)
    return render(
        request,
        "desk/hours.html",
        {
            "month": first,
            "days": selectors.desk_hours_for_month(first.year, first.month),
            "today": today,
            "previous": previous if previous >= _month_shift(this_month, -MONTHS_BACK) else None,
            "following": following if following <= _month_shift(this_month, MONTHS_AHEAD) else None,
            "is_this_month": first == this_month,
            "desk_location": selectors.desk_location(),
        },
    )


@login_required
def book(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "desk/book.html",
        {"days": selectors.bookable_days(), "mine": selectors.appointments_of(user)},
    )


def _parse_day(value: str) -> date:
    day = day_from_iso(value)
    if day is None:
        raise Http404
    return day


def booking_failed(
    request: HttpRequest, form: BookingForm, slots: list[Slot], error: "services.SlotUnavailableError | ValidationError"
) -> None:
    """The form is shown again with what was typed, the slots still free and the reason."""
    text = " ".join(getattr(error, "messages", [str(error)]))
    form.set_slots(slots)
    if slots:
        form.add_error(None, text)
    else:  # the form is not shown when the day is full: say it above the page
        messages.error(request, text)


@login_required
def book_day(request: HttpRequest, day: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    chosen = _parse_day(day)
    day_hours = selectors.desk_hours_for_day(chosen)
    slots = selectors.free_slots_for_day(chosen)
    form = BookingForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_book(
                actor=user,
                resident=user,
                starts_at=form.cleaned_data["starts_at"],
                topic=form.cleaned_data["topic"],
                note=form.cleaned_data["note"],
            )
        except (services.SlotUnavailableError, ValidationError) as error:
            slots = selectors.free_slots_for_day(chosen)
            booking_failed(request, form, slots, error)
        else:
            messages.success(request, _("Your appointment is booked. We have sent you a confirmation by e-mail."))
            return redirect("desk:appointment", pk=appointment.pk)
    return render(
        request,
        "desk/book_day.html",
        {"day": chosen, "day_hours": day_hours, "slots": slots, "form": form},
    )


@login_required
def appointment(request: HttpRequest, pk: int) -> HttpResponse:
    booked = get_object_or_404(Appointment, pk=pk)
    if not can_view_appointment(request.user, booked):
        raise Http404
    if booked.resident_id != request.user.pk:
        audit_log(action="desk.personal_data.viewed", actor=request.user, target=booked, data={"view": "appointment"})
    return render(
        request,
        "desk/appointment.html",
        {
            "appointment": booked,
            "can_cancel": booked.status == Appointment.Status.BOOKED
            and booked.ends_at > timezone.now()
            and can_cancel_appointment(request.user, booked),
            "desk_location": selectors.desk_location(),
        },
    )


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booked = get_object_or_404(Appointment, pk=pk)
    if not can_view_appointment(request.user, booked):
        raise Http404
    try:
        services.appointment_cancel(actor=request.user, appointment=booked)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The appointment is cancelled."))
    return redirect("desk:appointment", pk=booked.pk)
