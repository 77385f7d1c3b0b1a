"""The desk in the staff workspace: appointments, booking for a caller, the roster and the hours."""

from datetime import date, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.dates import day_from_iso
from manabiba.desk import selectors, services
from manabiba.desk.forms import DeskContactForm, ShiftForm, SpecialDayForm, StaffBookingForm, WeeklyHoursForm
from manabiba.desk.models import Appointment, Shift, SpecialDay, WeeklyHours
from manabiba.desk.views import booking_failed

LIST_DAYS = 14
ROSTER_DAYS = 28


def _day_param(request: HttpRequest, name: str, default: date) -> date:
    return day_from_iso(request.GET.get(name, "")) or default


def _days_param(request: HttpRequest, default: int) -> int:
    """How many days a list covers: ``?days=`` (1 up to the default), so the workspace's cards can
    link to just today, tomorrow or this week."""
    try:
        return min(max(int(request.GET.get("days", "")), 1), default)
    except ValueError:
        return default


def _error_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


@permission_required("desk.view_appointments")
def appointments(request: HttpRequest) -> HttpResponse:
    first = _day_param(request, "from", timezone.localdate())
    last = first + timedelta(days=_days_param(request, LIST_DAYS) - 1)
    show_cancelled = request.GET.get("cancelled") == "1"
    rows = list(selectors.appointments_between(first, last, include_cancelled=show_cancelled))
    audit_log(
        action="desk.personal_data.viewed",
        actor=request.user,
        data={"view": "appointments", "from": first.isoformat(), "shown": [row.pk for row in rows]},
    )
    return render(
        request,
        "desk/staff/appointments.html",
        {
            "appointments": rows,
            "first": first,
            "last": last,
            "previous": first - timedelta(days=LIST_DAYS),
            "following": first + timedelta(days=LIST_DAYS),
            "show_cancelled": show_cancelled,
        },
    )


@permission_required("desk.manage_appointments")
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booked = get_object_or_404(Appointment, pk=pk)
    services.appointment_cancel(actor=request.user, appointment=booked)
    messages.success(request, _("The appointment is cancelled."))
    return redirect("staff_desk:appointments")


@permission_required("desk.manage_appointments")
def book(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/staff/book.html", {"days": selectors.bookable_days()})


@permission_required("desk.manage_appointments")
def book_day(request: HttpRequest, day: str) -> HttpResponse:
    chosen = day_from_iso(day)
    if chosen is None:
        raise Http404
    slots = selectors.free_slots_for_day(chosen)
    form = StaffBookingForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.appointment_book(
                actor=request.user,
                starts_at=form.cleaned_data["starts_at"],
                topic=form.cleaned_data["topic"],
                note=form.cleaned_data["note"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                channel=form.cleaned_data["channel"],
            )
        except (services.SlotUnavailableError, ValidationError) as error:
            slots = selectors.free_slots_for_day(chosen)
            booking_failed(request, form, slots, error)
        else:
            messages.success(request, _("Booked for %(name)s.") % {"name": booked.name})
            return redirect(f"{reverse('staff_desk:appointments')}?from={chosen.isoformat()}")
    return render(
        request,
        "desk/staff/book_day.html",
        {"day": chosen, "day_hours": selectors.desk_hours_for_day(chosen), "slots": slots, "form": form},
    )


@permission_required("desk.manage_roster")
def roster(request: HttpRequest) -> HttpResponse:
    first = _day_param(request, "from", timezone.localdate())
    form = ShiftForm(request.POST or None, initial={"day": first, "starts": time(17), "ends": time(21)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person: User = data["person"]
        try:
            services.shift_add(
                actor=request.user,
                person=person,
                starts_at=selectors.at(data["day"], data["starts"]),
                ends_at=selectors.at(data["day"], data["ends"]),
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Shift added."))
            return redirect(f"{reverse('staff_desk:roster')}?from={first.isoformat()}")
    length = _days_param(request, ROSTER_DAYS)
    days = selectors.roster_for(first, length)
    return render(
        request,
        "desk/staff/roster.html",
        {
            "days": days,
            "length": length,
            "four_weeks": length == ROSTER_DAYS,
            "gap_count": sum(len(day.gaps) for day in days),
            "form": form,
            "first": first,
            "previous": first - timedelta(days=ROSTER_DAYS),
            "following": first + timedelta(days=ROSTER_DAYS),
        },
    )


@permission_required("desk.manage_roster")
@require_POST
def shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    day = timezone.localtime(shift.starts_at).date()
    services.shift_remove(actor=request.user, shift=shift)
    messages.success(request, _("Shift removed."))
    return redirect(f"{reverse('staff_desk:roster')}?from={day.isoformat()}")


@permission_required("desk.manage_hours")
def hours(request: HttpRequest) -> HttpResponse:
    weekly_form = WeeklyHoursForm(request.POST if request.POST.get("form") == "weekly" else None, prefix="weekly")
    special_form = SpecialDayForm(request.POST if request.POST.get("form") == "special" else None, prefix="special")
    if request.method == "POST":
        try:
            if weekly_form.is_bound and weekly_form.is_valid():
                services.weekly_hours_add(actor=request.user, **weekly_form.cleaned_data)
                messages.success(request, _("Hours added."))
                return redirect("staff_desk:hours")
            if special_form.is_bound and special_form.is_valid():
                services.special_day_set(actor=request.user, **special_form.cleaned_data)
                messages.success(request, _("Special day saved."))
                return redirect("staff_desk:hours")
        except ValidationError as error:
            (weekly_form if weekly_form.is_bound else special_form).add_error(None, error)
    today = timezone.localdate()
    return render(
        request,
        "desk/staff/hours.html",
        {
            "weekly": WeeklyHours.objects.all(),
            "special_days": SpecialDay.objects.filter(day__gte=today - timedelta(days=7)),
            "weekly_form": weekly_form,
            "special_form": special_form,
        },
    )


@permission_required("desk.manage_hours")
@require_POST
def weekly_hours_remove(request: HttpRequest, pk: int) -> HttpResponse:
    services.weekly_hours_remove(actor=request.user, hours=get_object_or_404(WeeklyHours, pk=pk))
    messages.success(request, _("Hours removed."))
    return redirect("staff_desk:hours")


@permission_required("desk.manage_hours")
@require_POST
def special_day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.special_day_remove(actor=request.user, special_day=get_object_or_404(SpecialDay, pk=pk))
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Special day removed."))
    return redirect("staff_desk:hours")


@permission_required("desk.manage_hours")
def contact(request: HttpRequest) -> HttpResponse:
    """Where the desk is and how to reach it: shown on /desk/, in the footer and on the consultation pages."""
    current = selectors.desk_contact()
    form = DeskContactForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_contact_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("staff_desk:contact")
    missing = [str(form.fields[name].label) for name in ("phone", "address", "access") if not getattr(current, name)]
    return render(request, "desk/staff/contact.html", {"form": form, "missing": missing})
