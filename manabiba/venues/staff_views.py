"""Room booking in the staff workspace: approving user groups, duplicates, frames and closures."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts.decorators import permission_required
from manabiba.core.audit import audit_log
from manabiba.facilities.models import Closure, Facility, TimeFrame
from manabiba.facilities.selectors import facilities_with_bookable_rooms, facility_frames
from manabiba.venues import selectors, services
from manabiba.venues.forms import AttendanceForm, ClosureForm, FrameForm, ReviewForm
from manabiba.venues.models import LotteryRound, UserGroup
from manabiba.venues.permissions import can_manage_facility
from manabiba.venues.workspace import managed_facilities

LIST_DAYS = 14


def _error_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


@permission_required("venues.review_groups")
def groups(request: HttpRequest) -> HttpResponse:
    pending = [(group, selectors.user_group_duplicates(group)) for group in selectors.groups_for_review()]
    return render(request, "venues/staff/groups.html", {"pending": pending})


@permission_required("venues.review_groups")
def group_review(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(UserGroup, pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_group_review(
                actor=request.user,
                group=group,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The group has been told by e-mail."))
            return redirect("staff_venues:groups")
    duplicates = selectors.user_group_duplicates(group)
    audit_log(
        action="venues.personal_data.viewed",
        actor=request.user,
        target=group,
        data={"view": "group_review", "duplicates": [duplicate.group.pk for duplicate in duplicates]},
    )
    return render(request, "venues/staff/group_review.html", {"group": group, "duplicates": duplicates, "form": form})


@permission_required("venues.review_groups")
def duplicates(request: HttpRequest) -> HttpResponse:
    report = selectors.duplicate_report()
    audit_log(
        action="venues.personal_data.viewed",
        actor=request.user,
        data={"view": "duplicates", "shown": [group.pk for group, _matches in report]},
    )
    return render(request, "venues/staff/duplicates.html", {"report": report})


@permission_required("venues.manage_facility")
def facilities(request: HttpRequest) -> HttpResponse:
    mine = [facility for facility in facilities_with_bookable_rooms() if can_manage_facility(request.user, facility)]
    return render(request, "venues/staff/facilities.html", {"facilities": mine})


def _facility_or_404(request: HttpRequest, facility_id: int) -> Facility:
    facility = get_object_or_404(Facility, pk=facility_id)
    if not can_manage_facility(request.user, facility):
        raise Http404
    return facility


@permission_required("venues.manage_facility")
def facility(request: HttpRequest, facility_id: int) -> HttpResponse:
    place = _facility_or_404(request, facility_id)
    frame_form = FrameForm(request.POST if "add_frame" in request.POST else None, prefix="frame")
    closure_form = ClosureForm(request.POST if "add_closure" in request.POST else None, prefix="closure")
    if request.method == "POST":
        try:
            if "add_frame" in request.POST and frame_form.is_valid():
                services.frame_set(actor=request.user, facility=place, **frame_form.cleaned_data)
                messages.success(request, _("Frame saved."))
                return redirect("staff_venues:facility", facility_id=place.pk)
            if "add_closure" in request.POST and closure_form.is_valid():
                services.closure_set(actor=request.user, facility=place, **closure_form.cleaned_data)
                messages.success(request, _("Closure saved."))
                return redirect("staff_venues:facility", facility_id=place.pk)
        except ValidationError as error:
            (frame_form if "add_frame" in request.POST else closure_form).add_error(None, _error_text(error))
    today = timezone.localdate()
    bookings = list(selectors.bookings_of_facility(place, first=today, last=today + timedelta(days=LIST_DAYS - 1)))
    audit_log(
        action="venues.personal_data.viewed",
        actor=request.user,
        target=place,
        data={"view": "facility_bookings", "shown": [row.pk for row in bookings]},
    )
    return render(
        request,
        "venues/staff/facility.html",
        {
            "facility": place,
            "frames": facility_frames(place),
            "closures": Closure.objects.filter(facility=place, day__gte=today).order_by("day"),
            "bookings": bookings,
            "frame_form": frame_form,
            "closure_form": closure_form,
        },
    )


@permission_required("venues.manage_facility")
@require_POST
def frame_remove(request: HttpRequest, pk: int) -> HttpResponse:
    frame = get_object_or_404(TimeFrame, pk=pk)
    try:
        services.frame_remove(actor=request.user, frame=frame)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Frame removed."))
    return redirect("staff_venues:facility", facility_id=frame.facility_id)


@permission_required("venues.manage_facility")
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk)
    try:
        services.closure_remove(actor=request.user, closure=closure)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Closure removed."))
    return redirect("staff_venues:facility", facility_id=closure.facility_id)


# --- fair allocation: rounds, attendance, regular weekly slots -------------------------------------


@permission_required("venues.manage_facility")
def allocation(request: HttpRequest) -> HttpResponse:
    """Rounds (due to draw, drawn, verified), bookings whose attendance to mark, regular slots to approve,
    for the facilities the person manages."""
    facilities = managed_facilities(request.user)
    now = timezone.now()
    rounds = list(
        selectors.rounds_recent(now=now).filter(facility__in=facilities).order_by("closes_at", "facility__name")
    )
    to_mark = list(selectors.bookings_to_mark(facilities, now=now)[:100])
    regular = list(selectors.regular_slots_for_review(facilities))
    if to_mark or regular:
        audit_log(
            action="venues.personal_data.viewed",
            actor=request.user,
            data={"view": "allocation", "bookings": [b.pk for b in to_mark], "slots": [s.pk for s in regular]},
        )
    return render(
        request,
        "venues/staff/allocation.html",
        {
            "rounds_due": list(
                selectors.rounds_due(now=now).filter(facility__in=facilities).select_related("facility")
            ),
            "rounds": [
                (r, selectors.round_verify(r) if r.status == LotteryRound.Status.DRAWN else None) for r in rounds
            ],
            "to_mark": to_mark,
            "regular": regular,
            "attendance_form": AttendanceForm(),
            "review_form": ReviewForm(),
        },
    )


@permission_required("venues.manage_facility")
@require_POST
def round_draw(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(LotteryRound, pk=pk)
    if not can_manage_facility(request.user, round_.facility):
        raise Http404
    try:
        services.round_draw(round_=round_, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The round is drawn and the groups are mailed their results."))
    return redirect("staff_venues:allocation")


@permission_required("venues.manage_facility")
@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.booking_get(pk)
    if held is None or not can_manage_facility(request.user, held.room.facility):
        raise Http404
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the group came."))
        return redirect("staff_venues:allocation")
    try:
        services.booking_attendance_mark(actor=request.user, booking=held, came=form.cleaned_data["came"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Attendance is recorded."))
    return redirect(f"{reverse('staff_venues:allocation')}#attendance")


@permission_required("venues.manage_facility")
@require_POST
def regular_review(request: HttpRequest, pk: int) -> HttpResponse:
    slot = selectors.regular_slot_get(pk)
    if slot is None or not can_manage_facility(request.user, slot.room.facility):
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("staff_venues:allocation")
    try:
        services.regular_slot_review(
            actor=request.user,
            slot=slot,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The group has been told by e-mail."))
    return redirect(f"{reverse('staff_venues:allocation')}#regular")
